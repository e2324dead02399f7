#!/usr/bin/env bash
# Starts aiosmtpd on a free local port (its Sink handler accepts and discards every message),
# runs `reilu bench outbox` against it and stops it. Arguments go to the bench, e.g.
#   bench/outbox/run.sh --messages 100000 --workers 4 --connections 4
set -euo pipefail
reilu=${REILU:-target/release/reilu}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Sink &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),1)" 2>/dev/null && break
  sleep 0.1
done
"$reilu" bench outbox --smtp "127.0.0.1:$port" "$@"
