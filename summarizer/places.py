"""Well-known place names (countries, US states, continents, cities of 100,000 people or
more), from GeoNames via `scripts/make_places.py`.

The small recogniser calls a city a person or an organisation often enough ("a man from
Leicester", "the conference in Manchester") that one slip can type the whole entity; a name
this list knows, used where places go, settles it.
"""

from __future__ import annotations

import functools
from pathlib import Path

_FILE = Path(__file__).parent / "data" / "places.txt"


@functools.cache
def _names() -> frozenset[str]:
    lines = _FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def is_known_place(name: str) -> bool:
    """Whether `name` (any case) is a country, US state, continent or large city."""
    return name.strip().lower() in _names()
