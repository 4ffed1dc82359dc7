#!/usr/bin/env bash
# Install, lint, run the test suite (embedded Chroma, then the store-facing tests against a real
# `chroma run` server), the security probes (part of the suite: a real server and browser),
# the answer-accuracy evals on the bundled set and on the development sets beside the project
# (failing on their regression floors, reporting their goals), and a quick benchmark.
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
ASSISTANT_TEST_CHROMA_URL="http://127.0.0.1:$port" python -m pytest -q \
  --ignore=tests/security --ignore=tests/test_web.py

data=$(mktemp -d)
assistant --data-dir "$data" --backend llamacpp eval eval/datasets/policy.jsonl \
  --corpus corpus --out eval/runs/policy \
  --thresholds eval/floors/policy.toml --goals eval/goals/policy.toml
dev=../shared/dev
if [ -d "$dev" ]; then
  assistant --data-dir "$data" --backend llamacpp eval "$dev/federal-plans-dev.jsonl" \
    --corpus ../shared/reports --out eval/runs/federal \
    --thresholds eval/floors/federal.toml --goals eval/goals/federal.toml
  assistant --data-dir "$data" --backend llamacpp eval "$dev/sec10q-q2.jsonl" \
    "$dev/sec10q-q2-extra.jsonl" --corpus "$dev/sec10q" --out eval/runs/sec10q \
    --thresholds eval/floors/sec10q.toml --goals eval/goals/sec10q.toml
else
  echo "note: $dev not found; the development-set evals were not run"
fi
assistant bench --quick
