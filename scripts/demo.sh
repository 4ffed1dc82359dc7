#!/usr/bin/env bash
# Set up on a fresh machine, index the bundled corpus and answer two sample questions (one the
# model words, one a single source sentence settles without a model call), all offline.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
. .venv/bin/activate
assistant ingest corpus
assistant ask "How many valid AI invention patents did China hold at the end of 2023?"
assistant ask "How many ICT specialists should the EU employ by 2030?"
