#!/usr/bin/env bash
# Install, lint, run the test suite (embedded Chroma, then against a real `chroma run` server),
# the bundled answer-accuracy eval against its goals, and a quick benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system.sh
bash scripts/install.sh
. .venv/bin/activate
ruff check .
ruff format --check .
python -m pytest -q

server_dir=$(mktemp -d)
port=$(python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
chroma run --path "$server_dir" --host 127.0.0.1 --port "$port" >"$server_dir/server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 60); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.5
done
echo "test suite against the Chroma server at 127.0.0.1:$port"
ASSISTANT_TEST_CHROMA_URL="http://127.0.0.1:$port" python -m pytest -q

assistant --data-dir "$(mktemp -d)" --backend llamacpp eval eval/datasets/policy.jsonl \
  --corpus corpus --out eval/runs/latest
assistant bench --quick
