#!/usr/bin/env bash
# Runs a command with one in-memory DynamoDB Local started for it, exported
# as SENTINEL_DYNAMODB_ENDPOINT; stops it afterwards whatever happens.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.local/cache/dynamodb-local"
"$root/scripts/install-dynamodb-local.sh"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18000)
# From .local/, where DynamoDB Local drops its metadata file; on 127.0.0.1 only,
# through the launcher the install script compiles (internal/ddblocal).
(cd "$root/.local" && exec java -Djava.library.path="$dir/DynamoDBLocal_lib" -cp "$dir/DynamoDBLocal.jar:$dir/loopback" DynamoDBLocalLoopback -port "$port" -inMemory -disableTelemetry) >"$root/.local/dynamodb-test.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  kill -0 $pid 2>/dev/null || { echo "DynamoDB Local failed to start:"; cat "$root/.local/dynamodb-test.log"; exit 1; }
  sleep 0.1
done
export SENTINEL_DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
"$@"
