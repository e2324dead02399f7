-- wrk script for the writers bench: every request places one batch of claims through the
-- client API with its own Idempotency-Key. Each wrk thread takes every n-th batch of the
-- file, so no two threads send the same claims; a thread that runs out starts again, and
-- what it then sends are duplicates (still a full request through the store).
-- Environment: REILU_BATCHES (the .jsonl file), REILU_CLIENT, REILU_KEY, REILU_THREADS.

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  -- Each thread runs in a Lua state of its own and cannot see `threads`: the count comes in
  -- from the environment.
  local count = tonumber(os.getenv("REILU_THREADS")) or 1
  bodies = {}
  local line_number = 0
  for line in io.lines(os.getenv("REILU_BATCHES")) do
    if line_number % count == (index or 0) then
      table.insert(bodies, line)
    end
    line_number = line_number + 1
  end
  next_body = 1
  sent = 0
  path = "/api/v1/clients/" .. os.getenv("REILU_CLIENT") .. "/claims"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("REILU_KEY")
  wrk.headers["Content-Type"] = "application/json"
  wrk.method = "POST"
end

function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  sent = sent + 1
  wrk.headers["Idempotency-Key"] = string.format("bench-%d-%d-%d", os.time(), index or 0, sent)
  return wrk.format("POST", path, nil, body)
end

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("status " .. status .. ": " .. string.sub(body, 1, 200) .. "\n")
  end
end
