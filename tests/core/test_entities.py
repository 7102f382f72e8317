"""Actors as entities and speakers only with evidence (issue 9): each failure class found on
real articles, as short sentences in the same style.

Entities are given as a recogniser might give them, slips included ("Doherty" tagged as an
organisation), so that the tests pin the unification and typing rules, not the small NER
model's mood.
"""

from __future__ import annotations

import re

import pytest

from summarizer.article import article_from_text
from summarizer.backends.spacy_nlp import SpacyEntityRecognizer, SpacyPipeline
from summarizer.people import People, analyse_people
from summarizer.types import Actor, ActorType, Article, Entity


@pytest.fixture(scope="session")
def pipeline() -> SpacyPipeline:
    return SpacyPipeline()


def entities_for(article: Article, names: dict[str, ActorType]) -> list[Entity]:
    """Every occurrence of each name, longest names first, without overlaps."""
    taken: list[tuple[int, int]] = []
    entities = []
    for name in sorted(names, key=len, reverse=True):
        for paragraph in article.paragraphs:
            for match in re.finditer(re.escape(name), paragraph.text):
                start, end = paragraph.start + match.start(), paragraph.start + match.end()
                if any(a < end and start < b for a, b in taken):
                    continue
                taken.append((start, end))
                entities.append(Entity(name, names[name], start, end, paragraph.number))
    return sorted(entities, key=lambda e: e.start)


def analyse(pipeline: SpacyPipeline, text: str,
            names: dict[str, ActorType] | None = None) -> People:
    article = article_from_text(text, source="test")
    entities = (entities_for(article, names) if names is not None
                else SpacyEntityRecognizer(pipeline).recognize(article))
    return analyse_people(article, pipeline.parse(article), entities)


def by_name(people: People) -> dict[str, Actor]:
    return {actor.name: actor for actor in people.actors}


# --- one person, one entry --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names", "person", "alias"),
    [
        pytest.param(
            "Sen. Michael Doherty criticised the budget on Monday. Doherty said the plan "
            "would fail. Doherty also met voters in Trenton.",
            {"Michael Doherty": "place", "Doherty": "organization", "Trenton": "place"},
            "Michael Doherty", "Doherty", id="surname-tagged-organisation",
        ),
        pytest.param(
            "Hikmatullah Shadman ran a trucking firm. Shadman hired drivers. Shadman lost the "
            "contract. Shadman appealed.",
            {"Hikmatullah Shadman": "person", "Shadman": "organization"},
            "Hikmatullah Shadman", "Shadman", id="surname-outnumbers-full-name",
        ),
        pytest.param(
            "The study was led by physicist Paul Expert of King's College. Expert said the "
            "network was stable.",
            {"Paul Expert": "person", "Expert": "organization"},
            "Paul Expert", "Expert", id="surname-is-a-common-word",
        ),
        pytest.param(
            "Gov. Chris Christie vetoed the bill. Christie a former prosecutor, defended it.",
            {"Chris Christie": "person", "Christie a": "organization"},
            "Chris Christie", "Christie", id="fragment-glued-to-surname",
        ),
        pytest.param(
            "Michael Doherty spoke first. Later Mr. Doherty left the hall.",
            {"Michael Doherty": "person", "Mr. Doherty": "organization"},
            "Michael Doherty", "Doherty", id="mr-surname",
        ),
    ],
)
def test_one_person_is_one_entity_of_type_person(pipeline: SpacyPipeline, text: str,
                                                 names: dict[str, ActorType], person: str,
                                                 alias: str) -> None:
    actors = by_name(analyse(pipeline, text, names))
    assert actors[person].type == "person"
    assert alias in actors[person].aliases
    assert alias not in actors
    assert not [name for name in actors if name != person and alias in name]


def test_title_makes_a_person_whatever_the_label(pipeline: SpacyPipeline) -> None:
    actors = by_name(analyse(pipeline, "Sen. Doherty voted against the budget.",
                             {"Doherty": "organization"}))
    assert actors["Doherty"].type == "person"


def test_organisation_evidence_keeps_a_surname_out(pipeline: SpacyPipeline) -> None:
    actors = by_name(analyse(
        pipeline,
        "Michael Doherty founded a charity. The Doherty Foundation gave $5 million to schools.",
        {"Michael Doherty": "person", "Doherty Foundation": "organization"}))
    assert actors["Doherty Foundation"].type == "organization"
    assert actors["Michael Doherty"].type == "person"


# --- junk is not an actor ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names", "junk"),
    [
        pytest.param("Ebola has killed thousands in Liberia, officials in Monrovia said.",
                     {"Ebola": "place", "Liberia": "place"}, "Ebola", id="disease"),
        pytest.param("Wages have not recovered since the Great Recession, Jane Roe said.",
                     {"Great Recession": "place", "Jane Roe": "person"}, "Great Recession",
                     id="event"),
        pytest.param("The court ruled in Abbott v. Burke that the schools were underfunded.",
                     {"Abbott v. Burke": "person"}, "Abbott v. Burke", id="court-case"),
        pytest.param("The court ruled in Abbott v. Burke that the schools were underfunded.",
                     {"Abbott": "person", "Burke": "person"}, "Burke", id="court-case-parties"),
        pytest.param("The mayor answered Twitter @MattFriedmanSL about the budget on Monday.",
                     {"Twitter @MattFriedmanSL": "person"}, "Twitter @MattFriedmanSL",
                     id="handle"),
        pytest.param("Among Ghani's advisers, few agreed with the plan.",
                     {"Among Ghani": "person"}, "Among Ghani", id="glued-sentence-start"),
        pytest.param("The outbreak slowed growth in Britain.\n\n(Reporting by Andy Bruce; "
                     "Editing by Joyjeet Das)",
                     {"Britain": "place", "Andy Bruce": "person", "Joyjeet Das": "person"},
                     "Andy Bruce", id="credit-line-reporter"),
        pytest.param("The outbreak slowed growth in Britain.\n\n(Reporting by Andy Bruce; "
                     "Editing by Joyjeet Das)",
                     {"Britain": "place", "Andy Bruce": "person", "Joyjeet Das": "person"},
                     "Joyjeet Das", id="credit-line-editor"),
        pytest.param("Teachers read The Cat in the Hat to the pupils every Friday.",
                     {"Hat": "organization"}, "Hat", id="work-of-art"),
        pytest.param("The Affordable Care Act was passed in 2010 by Congress.",
                     {"Affordable Care Act": "organization", "Congress": "organization"},
                     "Affordable Care Act", id="law"),
    ],
)
def test_junk_is_not_an_actor(pipeline: SpacyPipeline, text: str, names: dict[str, ActorType],
                              junk: str) -> None:
    actors = by_name(analyse(pipeline, text, names))
    assert junk not in actors
    if junk == "Among Ghani":
        assert actors["Ghani"].type == "person"


# --- speakers only with evidence --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        pytest.param(
            "Sen. Michael Doherty, a Republican, has long opposed Gov. Chris Christie. Doherty, "
            "who represents a largely rural district, says the governor's possible national "
            "ambitions have distracted him.", "Michael Doherty", id="critic-not-governor",
        ),
        pytest.param(
            "Maria Sargent waited at JFK for four hours on Sunday. \"I thought the lines were "
            "going to be ridiculous,\" she said.", "Maria Sargent", id="traveller-not-airport",
        ),
        pytest.param("\"The storm will turn north tonight,\" CNN meteorologist Jane Doe said.",
                     "Jane Doe", id="broadcaster-employee"),
        pytest.param(
            "Ann Sargent closed the shop early. \"We lost power at noon,\" Sargent said. "
            "\"It came back at six,\" she said.", "Ann Sargent", id="easy-she-said",
        ),
        pytest.param(
            "John Smith, a senior official, spoke to reporters in Kabul on Monday.\n\n"
            "Anna Berg, the governor, disagreed with the plan.\n\n"
            "\"We have no plan to withdraw,\" the same official said.",
            "John Smith", id="the-same-official",
        ),
    ],
)
def test_speaker_of_last_quote(pipeline: SpacyPipeline, text: str, speaker: str) -> None:
    people = analyse(pipeline, text)
    assert people.quotes
    assert people.quotes[-1].speaker == speaker


def test_continued_quote_follows_its_speaker(pipeline: SpacyPipeline) -> None:
    people = analyse(
        pipeline,
        "Maria Lopez spoke after the vote. \"We did what we promised,\" she said. \"The "
        "schools will open in May.\n\n\"And the roads will be fixed by the winter,\" she "
        "added.")
    assert {q.speaker for q in people.quotes} == {"Maria Lopez"}
    assert any("roads will be fixed" in q.text for q in people.quotes)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Hikmatullah Shadman was accused of defrauding the U.S. government of "
                     "$77 million.", id="accused-is-not-a-speaker"),
        pytest.param("Matiullah Matie did not tell them he was sending the trucks to Nawa.",
                     id="negated-telling"),
        pytest.param("The talks ended on Friday.\n\nWriting by Dean Yates; Additional "
                     "reporting by Jane Roe in Kabul; Editing by Bob Birch.",
                     id="credit-line"),
    ],
)
def test_not_quotes(pipeline: SpacyPipeline, text: str) -> None:
    people = analyse(pipeline, text)
    assert people.quotes == ()


def test_colon_is_never_the_cue(pipeline: SpacyPipeline) -> None:
    people = analyse(pipeline, "Maria Lopez put it simply: \"We cannot afford another war.\"\n\n"
                               "WALLACE: We will be right back after this short break.")
    assert people.quotes
    assert all(re.search(r"\w", q.cue) for q in people.quotes)


def test_speaker_label_is_the_canonical_name(pipeline: SpacyPipeline) -> None:
    people = analyse(
        pipeline,
        "Doherty, who represents a largely rural district, says the governor has been "
        "distracted by his national ambitions.")
    assert people.quotes
    assert "," not in (people.quotes[0].speaker or "")
    assert "who" not in (people.quotes[0].speaker or "")


# --- bounded on pathological input ------------------------------------------------------


def test_many_short_paragraphs_stay_linear(pipeline: SpacyPipeline) -> None:
    """3,000 paragraphs of "He said yes." and of a short quote: completes, sane output."""
    text = "\n\n".join(
        ["He said yes."] * 1500
        + [f"Tom Hale met Anna Berg. \"We will win the vote number {i},\" he said."
           for i in range(1500)])
    people = analyse(pipeline, text)
    assert len(people.quotes) == 1500
    assert {q.speaker for q in people.quotes} == {"Tom Hale"}
    assert people.actors[0].name == "Tom Hale"
