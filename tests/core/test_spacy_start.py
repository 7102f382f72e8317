"""spaCy loaded the light way (`load_pipeline`: no string table, no unused components)
holds every string a token can show, the same as spaCy loaded the plain way."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.backends.spacy_nlp import (
    SPACY_PACKAGE,
    UNUSED_COMPONENTS,
    import_spacy,
    load_pipeline,
)

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture(scope="module")
def light() -> object:
    return load_pipeline()


def test_the_string_table_is_not_read_but_every_label_is_there(light: object) -> None:
    strings = light.vocab.strings  # type: ignore[attr-defined]
    # The package's table holds 84,780 strings; the light load keeps the labels and the
    # tokenizer's special cases only.
    assert len(strings) < 5_000
    labels = [label for _, component in light.pipeline  # type: ignore[attr-defined]
              for label in component.labels]
    assert {"NNP", "nsubj", "ROOT", "PERSON", "ORG"} <= set(labels)
    assert [strings[strings[label]] for label in labels] == labels


@pytest.mark.parametrize("folder", ["real_articles", "heldout", "blind"])
def test_every_string_a_token_shows_is_the_plain_loads(light: object, folder: str) -> None:
    spacy = import_spacy()
    plain = spacy.load(SPACY_PACKAGE, exclude=list(UNUSED_COMPONENTS))
    assert len(plain.vocab.strings) > 80_000  # the table read in full
    texts = [path.read_text(encoding="utf-8") for path in sorted((FIXTURES / folder).glob("*.txt"))]
    assert len(texts) >= 10

    def strings(doc: object) -> list[tuple[object, ...]]:
        return [(t.text, t.whitespace_, t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_,
                 t.is_sent_start, t.norm_, t.lower_, t.shape_, t.prefix_, t.suffix_, t.lemma_,
                 t.pos_, str(t.morph)) for t in doc]  # type: ignore[attr-defined]

    ours = [strings(doc) for doc in light.pipe(texts)]  # type: ignore[attr-defined]
    assert ours == [strings(doc) for doc in plain.pipe(texts)]
    assert sum(len(doc) for doc in ours) > 5_000
