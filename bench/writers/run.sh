#!/usr/bin/env bash
# The writers bench: claim placements through the client API while payment files import.
#
# While a large camt.054 (ENTRIES entries, 1,000,000 by default) and a second, smaller file for
# another client-money account import on PostgreSQL at the same time, wrk places claims through
# `POST /api/v1/clients/{id}/claims` (BATCH claims a request) and reports their latency. The
# same wrk load runs first with no import, so the two distributions are measured side by side
# on the same machine in the same run. Needs wrk (Debian package) and a PostgreSQL server.
#
# Usage: bench/writers/run.sh [ENTRIES]
#        (env: PG_ADMIN_URL, BATCH, CONNECTIONS, BASELINE_S, REILU_BIN)
set -euo pipefail
cd "$(dirname "$0")/../.."
ENTRIES=${1:-1000000}
SECOND_ENTRIES=$(( ENTRIES / 10 ))
BATCH=${BATCH:-10}
CONNECTIONS=${CONNECTIONS:-4}
THREADS=2
BASELINE_S=${BASELINE_S:-30}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/test}
DATABASE=reilu_bench_writers
PG_URL="${PG_ADMIN_URL%/*}/$DATABASE"
PORT=18089
WORK=$(mktemp -d /tmp/reilu-writers.XXXXXX)
IBAN_A=FI2112345600000785
IBAN_B=FI8940051020304050

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
# REILU_BIN: a reilu binary to use instead of building the release one here.
if [ -n "${REILU_BIN:-}" ]; then
  BIN=$REILU_BIN
else
  cargo build --release --quiet
  BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/reilu
fi
reilu() { "$BIN" --data "$WORK/data" --database-url "$PG_URL" "$@"; }

psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DATABASE" -c "CREATE DATABASE $DATABASE"
# File A pays the first ENTRIES cases and file B the SECOND_ENTRIES after them: two files of
# two accounts that book on different cases, as two banks' statements of a day do.
echo "placing $(( ENTRIES + SECOND_ENTRIES )) cases on PostgreSQL (the payment files pay them)…"
reilu demo --cases "$(( ENTRIES + SECOND_ENTRIES ))" --seed 7 >/dev/null
# Both accounts are among the demo's configured client-money accounts (EUR); the files'
# other currencies go to the demo's accounts of theirs.
reilu demo --cases "$ENTRIES" --seed 1 --bank-iban "$IBAN_A" --payments "$WORK/a.xml"
reilu demo --cases "$SECOND_ENTRIES" --first-case $(( 100000 + ENTRIES )) --seed 2 \
  --bank-iban "$IBAN_B" --payments "$WORK/b.xml"
client=$(reilu client add --name "Writers Bench Oy" --market FI --iban FI4250001510000023 --json)
export REILU_CLIENT REILU_KEY REILU_THREADS=$THREADS REILU_BATCHES=$WORK/batches.jsonl
REILU_CLIENT=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$client")
REILU_KEY=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])' <<<"$client")
"$BIN" demo --cases 200000 --seed 99 --csv "$WORK/claims.csv" >/dev/null
python3 bench/writers/batches.py "$WORK/claims.csv" "$BATCH" "$REILU_BATCHES"

# The binary itself, not the shell function, so that $! is the server and the trap stops it.
"$BIN" --data "$WORK/data" --database-url "$PG_URL" serve --addr "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
server=$!
wrk_pid=
# Each kill may find its process gone; under `set -e` a failed one would make the script's exit
# status 1 after a successful run, so each is allowed to fail.
trap 'kill $server 2>/dev/null || true; if [ -n "$wrk_pid" ]; then kill -- -$wrk_pid 2>/dev/null || true; fi' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
load() { wrk -t "$THREADS" -c "$CONNECTIONS" -d "$1" --latency -s bench/writers/place.lua "http://127.0.0.1:$PORT"; }

echo "== placements alone (${BASELINE_S}s)"
load "${BASELINE_S}s" | tee "$WORK/baseline.txt"

echo "== placements while both payment files import"
# A background job of a script starts with SIGINT ignored, and wrk prints its figures only on
# SIGINT: job control gives the job its own process group with SIGINT at its default.
set -m
load 3600s >"$WORK/during.txt" &
set +m
wrk_pid=$!
started=$(date +%s.%N)
( /usr/bin/time -f "a.xml: %e s, peak %M KiB" "$BIN" --data "$WORK/data" --database-url "$PG_URL" import payments "$WORK/a.xml" --json >"$WORK/a.json" ) 2>&1 &
import_a=$!
( /usr/bin/time -f "b.xml: %e s, peak %M KiB" "$BIN" --data "$WORK/data" --database-url "$PG_URL" import payments "$WORK/b.xml" --json >"$WORK/b.json" ) 2>&1 &
import_b=$!
# An import that fails is reported, not hidden: the figures are then not comparable.
status_a=0; status_b=0
wait $import_a || status_a=$?
wait $import_b || status_b=$?
finished=$(date +%s.%N)
kill -INT -- -$wrk_pid
wait $wrk_pid || true
cat "$WORK/during.txt"
echo "a.xml: $(cat "$WORK/a.json")"
echo "b.xml: $(cat "$WORK/b.json")"
python3 - "$started" "$finished" "$ENTRIES" "$SECOND_ENTRIES" <<'PY'
import sys
started, finished, a, b = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"both files imported in {finished - started:.1f} s ({(a + b) / (finished - started):,.0f} entries/s together)")
PY
echo "== p99 of a placement: alone $(awk '/ 99%/ {print $2}' "$WORK/baseline.txt"), during the imports $(awk '/ 99%/ {print $2}' "$WORK/during.txt")"
echo "(work files in $WORK)"
if [ "$status_a" -ne 0 ] || [ "$status_b" -ne 0 ]; then
  echo "an import failed (a.xml exit $status_a, b.xml exit $status_b): see above" >&2
  exit 1
fi
