"""The serializer keeps every field of every result type, refuses data that does not fit,
and refuses at once a field type it could not keep."""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
import types
import typing
from typing import Any, Literal

import pytest

import summarizer.digest
import summarizer.types
from summarizer.serialize import DataError, from_data, to_data
from summarizer.types import Actor, Article, Briefing, Bullet, ModelInfo, Paragraph, Sentence


def _result_types() -> list[type]:
    """Every dataclass the core defines for results: a new one is covered with no change."""
    found = []
    for module in (summarizer.types, summarizer.digest):
        for _, kind in inspect.getmembers(module, dataclasses.is_dataclass):
            if kind.__module__ == module.__name__ and kind is not summarizer.digest.DigestOptions:
                found.append(kind)
    return found


def _example(hint: Any, seed: int) -> Any:
    """A value of the declared type `hint`, built from the type alone, never the default:
    a field the serializer dropped or replaced by its default would then compare unequal."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if dataclasses.is_dataclass(hint):
        return _instance(hint, seed)  # type: ignore[arg-type]
    if hint is str:
        return f"text {seed} «ü»"
    if hint is bool:
        return True
    if hint is int:
        return seed + 2
    if hint is float:
        return seed + 0.25
    if origin is Literal:
        return args[-1]
    if origin in (typing.Union, types.UnionType):
        return _example(next(a for a in args if a is not type(None)), seed)
    if origin is tuple and args[-1] is Ellipsis:
        return tuple(_example(args[0], seed + i) for i in range(2))
    if origin is tuple:
        return tuple(_example(arg, seed + i) for i, arg in enumerate(args))
    if origin is frozenset:
        return frozenset(_example(args[0], seed + i) for i in range(2))
    if origin is dict:
        return {f"key {seed}": _example(args[1], seed), f"key {seed + 1}": _example(args[1], seed)}
    raise AssertionError(f"no example for {hint!r}: teach _example the new type")


def _instance(kind: type, seed: int = 0) -> Any:
    hints = typing.get_type_hints(kind)
    values = {f.name: _example(hints[f.name], seed + i)
              for i, f in enumerate(dataclasses.fields(kind)) if f.init}
    return kind(**values)


def _assert_same(original: Any, back: Any, path: str = "$") -> None:
    """Field by field, ignoring `compare=False` (a digest article's briefing is not compared
    by ==, and must survive all the same)."""
    assert type(back) is type(original), path
    if dataclasses.is_dataclass(original):
        for field in dataclasses.fields(original):
            _assert_same(getattr(original, field.name), getattr(back, field.name),
                         f"{path}.{field.name}")
    elif isinstance(original, tuple):
        assert len(back) == len(original), path
        for i, (a, b) in enumerate(zip(original, back, strict=True)):
            _assert_same(a, b, f"{path}[{i}]")
    else:
        assert back == original, path


@pytest.mark.parametrize("kind", _result_types(), ids=lambda k: k.__name__)
def test_every_field_of_every_type_round_trips_through_json(kind: type) -> None:
    value = _instance(kind)
    for field in dataclasses.fields(kind):  # the example really is away from the defaults
        if field.default is not dataclasses.MISSING:
            assert getattr(value, field.name) != field.default, field.name
    text = json.dumps(to_data(value), ensure_ascii=False)
    _assert_same(value, from_data(kind, json.loads(text)))


def test_the_types_are_all_found() -> None:
    names = {kind.__name__ for kind in _result_types()}
    assert {"Article", "Paragraph", "Sentence", "Bullet", "Topic", "Actor", "Quote",
            "ModelInfo", "Classification", "Briefing", "Digest", "DigestArticle",
            "Citation", "PreviousDigest", "NewSince"} <= names


def test_a_field_added_to_a_type_round_trips() -> None:
    # A copy of Actor with more fields, as a later version might add them (with defaults,
    # as Actor's last field has one).
    Extended = dataclasses.make_dataclass(
        "Extended", [("pronoun", str | None, dataclasses.field(default=None)),
                     ("weights", tuple[float, ...], dataclasses.field(default=()))],
        bases=(Actor,), frozen=True)
    actor = Extended("Jane Doe", "person", None, ("Doe",), 2, (1,), pronoun="she",
                     weights=(0.5, 1.0))
    data = json.loads(json.dumps(to_data(actor)))
    assert data["pronoun"] == "she"
    assert data["weights"] == [0.5, 1.0]
    assert from_data(Extended, data) == actor
    # ...and data written before it existed is refused rather than silently completed.
    del data["pronoun"]
    with pytest.raises(DataError, match="missing field 'pronoun'"):
        from_data(Extended, data)


def test_a_field_type_that_cannot_be_kept_fails_at_once() -> None:
    @dataclasses.dataclass(frozen=True)
    class Odd:
        name: str
        members: set[str]  # a mutable set: not a type results may hold

    with pytest.raises(TypeError, match=r"Odd\.members"):
        to_data(Odd("x", {"a"}))
    with pytest.raises(TypeError, match=r"Odd\.members"):
        from_data(Odd, {"name": "x", "members": []})


def test_the_caller_supplies_omitted_fields() -> None:
    article = _instance(Article)
    briefing = Briefing(article=article, models=ModelInfo("s", "t", "e"),
                        summary=(Bullet("A line.", (1,)),))
    data = to_data(briefing, omit=("article",))
    assert "article" not in data
    assert from_data(Briefing, data, given={"article": article}) == briefing
    with pytest.raises(DataError, match="unexpected field 'article'"):
        from_data(Briefing, {**data, "article": to_data(article)}, given={"article": article})


def test_partial_data_takes_the_defaults_only_when_asked() -> None:
    data = {"keys": ["a"], "topics": ["Space"]}
    previous = from_data(summarizer.digest.PreviousDigest, data, partial=True)
    assert previous == summarizer.digest.PreviousDigest(keys=frozenset({"a"}),
                                                        topics=frozenset({"Space"}))
    with pytest.raises(DataError, match="missing field 'sources'"):
        from_data(summarizer.digest.PreviousDigest, data)
    with pytest.raises(DataError, match="missing field 'paragraph'"):
        from_data(Sentence, {"text": "x", "start": 0, "end": 1}, partial=True)  # no default


def test_sets_are_stored_in_one_order() -> None:
    one = summarizer.digest.PreviousDigest(keys=frozenset(["b", "a", "c"]))
    other = summarizer.digest.PreviousDigest(keys=frozenset(["c", "b", "a"]))
    assert to_data(one)["keys"] == to_data(other)["keys"] == ["a", "b", "c"]


@pytest.mark.parametrize(("kind", "data", "where"), [
    (Bullet, {"text": 5, "paragraphs": [1]}, "$.text: expected str"),
    (Bullet, {"text": "x", "paragraphs": ["1"]}, "$.paragraphs[0]: expected int"),
    (Bullet, {"text": "x", "paragraphs": [True]}, "$.paragraphs[0]: expected int"),
    (Bullet, {"text": "x", "paragraphs": 1}, "$.paragraphs: expected a list"),
    (Bullet, {"text": "x"}, "missing field 'paragraphs'"),
    (Bullet, {"text": "x", "paragraphs": [], "extra": 1}, "unexpected field 'extra'"),
    (Bullet, ["x", [1]], "expected an object"),
    (Actor, {"name": "A", "type": "planet", "role": None, "aliases": [], "mentions": 1,
             "paragraphs": [1]}, "$.type: expected one of"),
    (Actor, {"name": "A", "type": "person", "role": 3, "aliases": [], "mentions": 1,
             "paragraphs": [1]}, "$.role: 3 fits none of"),
    (Actor, {"name": "A", "type": "person", "role": None, "aliases": [], "mentions": 1.0,
             "paragraphs": [1]}, "$.mentions: expected int"),
    (Paragraph, {"number": 1, "text": "x", "start": 0, "end": 1,
                 "sentences": [{"text": "x", "start": 0, "end": "1", "paragraph": 1}]},
     "$.sentences[0].end: expected int"),
    (summarizer.types.Classification, {"label": "a", "scores": {"a": "high"}},
     "$.scores['a']: expected a number"),
    (summarizer.types.Classification, {"label": "a", "scores": [["a", 1.0]]},
     "$.scores: expected an object"),
])
def test_data_that_does_not_fit_is_refused_with_its_place(kind: type, data: object,
                                                          where: str) -> None:
    with pytest.raises(DataError, match=re.escape(where)):
        from_data(kind, data)


def test_a_whole_number_is_read_as_a_float() -> None:
    topic = from_data(summarizer.types.Topic,
                      {"label": "x", "score": 1, "paragraphs": [1], "summary": []})
    assert topic.score == 1.0
    assert type(topic.score) is float
