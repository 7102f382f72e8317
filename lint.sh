#!/usr/bin/env bash
# Static checks: ruff and mypy, with the settings in pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")"
.venv/bin/ruff check summarizer bot tests benchmarks scripts
.venv/bin/mypy
