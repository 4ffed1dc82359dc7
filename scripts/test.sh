#!/usr/bin/env bash
# Install, lint, run the test suite, then the bundled answer-accuracy eval against its goals.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system.sh
bash scripts/install.sh
. .venv/bin/activate
ruff check .
ruff format --check .
python -m pytest -q
assistant --data-dir "$(mktemp -d)" --backend llamacpp eval eval/datasets/policy.jsonl \
  --corpus corpus --out eval/runs/latest
