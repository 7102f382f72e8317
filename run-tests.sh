#!/usr/bin/env bash
# Set-up, step two of two: run the whole test suite offline (after ./setup.sh).
set -euo pipefail
cd "$(dirname "$0")"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec .venv/bin/python -m pytest "$@"
