"""The transformer entity recogniser on tiny BERT token classifiers."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.article import article_from_text, sample_article
from summarizer.backends import Backends
from summarizer.backends.hub_ner import TransformerEntityRecognizer, entity_type, is_nationality
from summarizer.config import ModelConfig
from summarizer.errors import ModelError
from tests.tiny_models import build_tiny_ner


@pytest.fixture(scope="module")
def person_everywhere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Every token is predicted B-PER, so every word is a one-word "person".
    return build_tiny_ner(tmp_path_factory.mktemp("ner-per"), favour="B-PER", max_positions=32)


@pytest.fixture(scope="module")
def recognizer(person_everywhere: Path) -> TransformerEntityRecognizer:
    return TransformerEntityRecognizer(str(person_everywhere), device="cpu")


def test_loads_through_the_registry(person_everywhere: Path) -> None:
    backends = Backends(ModelConfig(entity_model=str(person_everywhere), device="cpu"))
    entities = backends.entities
    assert isinstance(entities, TransformerEntityRecognizer)
    assert entities.name == str(person_everywhere)
    # What the analyses call on any recogniser: entities of the article, inside it.
    article = sample_article()
    found = entities.recognize(article)
    assert found and all(article.text[e.start:e.end] == e.text for e in found)


def test_offsets_and_paragraphs_point_into_the_article(
    recognizer: TransformerEntityRecognizer,
) -> None:
    article = sample_article()
    entities = recognizer.recognize(article)
    assert entities
    for entity in entities:
        assert article.text[entity.start : entity.end] == entity.text
        paragraph = article.paragraph(entity.paragraph)
        assert paragraph.start <= entity.start < entity.end <= paragraph.end
        assert entity.type == "person"
        assert entity.text[0].isalnum() and entity.text[-1] not in ",;: "
    # Long paragraphs were split to the model's 32 positions, yet every paragraph is read.
    assert {e.paragraph for e in entities} == {p.number for p in article.paragraphs}
    assert entities == sorted(entities, key=lambda e: (e.start, e.end))


def test_a_paragraph_longer_than_the_model_is_split_into_pieces(
    recognizer: TransformerEntityRecognizer,
) -> None:
    article = article_from_text(
        "Reuters reported that Angela Merkel met officials in Berlin. " * 6
        + "\n\nThe Germans and the Japanese delegations left Paris."
    )
    pieces = recognizer.pieces(article, 1)
    assert len(pieces) > 1
    for piece in pieces:
        assert article.text[piece.start : piece.start + len(piece.text)] == piece.text
        assert len(recognizer.tokenizer(piece.text)["input_ids"]) <= recognizer.limit
    found = {e.text for e in recognizer.recognize(article) if e.paragraph == 1}
    assert {"Merkel", "Berlin"} <= found


def test_misc_keeps_only_nationality_words(tmp_path: Path) -> None:
    folder = build_tiny_ner(tmp_path / "ner-misc", favour="B-MISC")
    recognizer = TransformerEntityRecognizer(str(folder), device="cpu")
    article = article_from_text("The Germans and the Japanese delegations met in Paris today.")
    found = {(e.text, e.type) for e in recognizer.recognize(article)}
    assert found == {("Germans", "group"), ("Japanese", "group")}


@pytest.mark.parametrize(
    ("label", "text", "expected"),
    [
        ("PER", "Angela Merkel", "person"),
        ("B-ORG", "Reuters", "organization"),
        ("LOC", "Berlin", "place"),
        ("MISC", "German", "group"),
        ("MISC", "Israelis", "group"),
        ("MISC", "Japanese", "group"),
        ("MISC", "British", "group"),
        ("MISC", "World Cup", None),
        ("MISC", "iPhone", None),
        ("DATE", "Monday", None),
    ],
)
def test_entity_type(label: str, text: str, expected: str | None) -> None:
    assert entity_type(label, text) == expected


def test_nationality_words() -> None:
    assert is_nationality("Americans") and is_nationality("Swiss")
    assert not is_nationality("Olympics") and not is_nationality("Christmas")
    assert not is_nationality("") and not is_nationality("the")


def test_missing_model_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no-ner-here"):
        TransformerEntityRecognizer(str(tmp_path / "no-ner-here"), device="cpu")


def test_uncached_hub_model_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(ModelError, match=r"nobody/ner-model.*ENTITY_MODEL"):
        TransformerEntityRecognizer("nobody/ner-model", device="cpu")
