"""Fixtures shared by every test package: the sample article and the embedded models,
loaded once per session (loading them takes seconds; every test reuses them)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Tests never reach the Hugging Face hub; this makes any attempt fail fast and visibly.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from summarizer.article import sample_article
from summarizer.backends import Backends
from summarizer.types import Article

PROJECT = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def sample() -> Article:
    return sample_article()


@pytest.fixture(scope="session")
def backends() -> Backends:
    """The embedded backends, loaded once for the whole test session."""
    loaded = Backends()
    loaded.warm_up()
    return loaded
