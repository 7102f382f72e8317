#!/usr/bin/env bash
# Set-up, step one of two: create .venv, install the project, then brief the bundled sample
# article offline to show that it all works. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"

python=${PYTHON:-}
if [ -z "$python" ]; then
  for candidate in python3.11 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then python=$candidate; break; fi
  done
fi
"$python" -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'

"$python" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# torch first, pinned: a bare `torch` requirement would pull a multi-GB CUDA build.
.venv/bin/python -m pip install --quiet torch==2.13.0
.venv/bin/python -m pip install --quiet -e ".[dev,fast]"

echo "== Briefing of the bundled sample article (offline) ==" >&2
HF_HUB_OFFLINE=1 .venv/bin/summarizer brief --no-cache
