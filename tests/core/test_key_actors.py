"""Rendering: the key-actor list is capped at what a reader takes in (`--all` lists the
rest); footers name only the models that ran; counts read right ("1 paragraph")."""

from __future__ import annotations

import json

import pytest

from summarizer.article import article_from_text, sample_article
from summarizer.render import KEY_ACTORS, briefing_to_dict, to_markdown, to_text
from summarizer.types import Actor, Briefing, ModelInfo

MODELS = ModelInfo(summary="s", topics="t", entities="e")
MODELS_BY_TASK = {"summary": "s", "topics": "t", "entities": "e"}


def _briefing(count: int) -> Briefing:
    actors = tuple(Actor(f"Person Number{i}", "person", None, (), count - i, (1,))
                   for i in range(count))
    return Briefing(article=sample_article(), models=MODELS, actors=actors)


@pytest.mark.parametrize("render", [to_text, to_markdown])
def test_text_outputs_show_the_key_actors_and_say_how_many_more(render: object) -> None:
    briefing = _briefing(KEY_ACTORS + 8)
    shown = render(briefing)  # type: ignore[operator]
    assert f"Person Number{KEY_ACTORS - 1}" in shown
    assert f"Person Number{KEY_ACTORS}" not in shown
    assert "8 more, less prominent: --all lists them" in shown
    everyone = render(briefing, all_actors=True)  # type: ignore[operator]
    assert f"Person Number{KEY_ACTORS + 7}" in everyone and "more, less prominent" not in everyone


def test_a_short_list_says_nothing_more() -> None:
    assert "more, less prominent" not in to_text(_briefing(3))


def test_json_keeps_the_key_actors_and_the_total() -> None:
    briefing = _briefing(30)
    data = json.loads(json.dumps(briefing_to_dict(briefing, all_actors=False)))
    assert [a["name"] for a in data["actors"]] == [f"Person Number{i}" for i in range(KEY_ACTORS)]
    assert data["actors_total"] == 30
    assert len(briefing_to_dict(briefing)["actors"]) == 30  # the cache keeps every actor


@pytest.mark.parametrize(("sections", "named"), [
    ({"quotes": ()}, ["entities"]),
    ({"actors": ()}, ["entities"]),
    ({"summary": ()}, ["summary"]),
    ({"topics": ()}, ["summary", "topics"]),  # topic summaries come from the summarizer
])
def test_footers_name_only_the_models_that_ran(sections: dict[str, tuple[()]],
                                               named: list[str]) -> None:
    briefing = Briefing(article=sample_article(), models=MODELS, **sections)
    footer = to_text(briefing).strip().splitlines()[-1]
    assert footer == "models: " + " ".join(f"{task}={MODELS_BY_TASK[task]}" for task in named)
    assert to_markdown(briefing).strip().endswith(
        "_Models: " + "; ".join(f"{task} {MODELS_BY_TASK[task]}" for task in named) + "._")


@pytest.mark.parametrize(("paragraphs", "shown"), [(1, "1 paragraph)"), (2, "2 paragraphs)")])
def test_headings_count_in_the_right_number(paragraphs: int, shown: str) -> None:
    article = article_from_text("\n\n".join(["The council met on Tuesday to vote on it."] *
                                            paragraphs), source="test")
    assert shown in to_text(Briefing(article=article, models=MODELS)).splitlines()[0]
