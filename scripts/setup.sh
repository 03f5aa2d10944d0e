#!/usr/bin/env bash
# Create .venv with the workbench and its dependencies; --test adds the test tools, the ray
# extra (translate --ray is tested too) and Debian's chromium for the real-browser test. Safe to
# run again: it only adds what is missing.
#
# torch: on a machine without an NVIDIA GPU we install the CPU build first (TORCH_SPEC,
# default torch==2.13.0), so the loose `torch>=` requirement in pyproject.toml is already
# met and pip does not pull several GB of CUDA wheels.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[[ "${1:-}" == "--test" ]] && with_tests=1

python=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
    "$python" -m venv .venv
fi
pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)

if ! .venv/bin/python -c "import torch" 2>/dev/null; then
    if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
        "${pip[@]}" "${TORCH_SPEC:-torch}"
    else
        "${pip[@]}" "${TORCH_SPEC:-torch==2.13.0}"
    fi
fi

if (( with_tests )); then
    "${pip[@]}" -e ".[test,ray]"
    if ! command -v chromium >/dev/null 2>&1; then
        # Without it the rest of the suite still runs; the script says why it could not.
        bash scripts/install-chromium.sh || true
    fi
else
    "${pip[@]}" -e .
fi
