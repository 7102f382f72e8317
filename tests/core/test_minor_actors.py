"""The key-actor list leaves out actors named once in passing, and well-known places that the
recogniser called a person or a firm are places (issue 9: junk on unseen articles)."""

from __future__ import annotations

import json

import pytest

from summarizer.article import sample_article
from summarizer.backends.spacy_nlp import SpacyPipeline
from summarizer.places import is_known_place
from summarizer.render import briefing_to_dict, key_actors, to_text
from summarizer.types import Actor, ActorType, Briefing, ModelInfo
from tests.core.test_actors import analyse, analyse_given, by_name


@pytest.fixture(scope="module")
def pipeline() -> SpacyPipeline:
    return SpacyPipeline()


def _people_with(pipeline: SpacyPipeline, text: str,
                 names: dict[str, ActorType]) -> dict[str, Actor]:
    """The actors, with the recogniser's labels given (its slips made on purpose)."""
    return by_name(analyse_given(pipeline, text, names))


PASSING = ("Hospital trusts in Wales\n\n"
           "Health minister Edwina Hart said waiting lists had fallen by a third. "
           "Ms Hart told the assembly that Bank of America and the FBI had nothing to do with "
           "it, and that Century had been wrong. Herbert Hoover once said the same, she "
           "added, and so did Churchill.\n\n"
           "Ms Hart said the plan would be published in March.")
PASSING_LABELS: dict[str, ActorType] = {
    "Edwina Hart": "person", "Hart": "person", "Bank of America": "organization",
    "FBI": "organization", "Century": "organization", "Herbert Hoover": "person",
    "Churchill": "person", "Wales": "place"}


@pytest.mark.parametrize(("name", "minor"), [
    ("Edwina Hart", False),       # named often, speaks
    ("Bank of America", False),   # named once, but its name says what it is
    ("FBI", False),               # an acronym
    ("Herbert Hoover", False),    # a person named in full
    ("Century", True),            # one capitalised word, once: may be anything
    ("Churchill", True),          # a surname in passing
])
def test_actors_named_once_in_passing_are_minor(pipeline: SpacyPipeline, name: str,
                                                minor: bool) -> None:
    actors = _people_with(pipeline, PASSING, PASSING_LABELS)
    assert actors[name].minor is minor


def test_a_speaker_named_once_is_not_minor(pipeline: SpacyPipeline) -> None:
    people = analyse(pipeline, "Talks stall\n\n"
                               "\"We will not sign,\" said Okonjo, who leads the delegation.")
    okonjo = next(a for a in people.actors if a.name == "Okonjo")
    assert not okonjo.minor


def test_minor_actors_come_last_and_only_with_all() -> None:
    actors = (Actor("Century", "organization", None, (), 1, (2,), minor=True),
              Actor("Edwina Hart", "person", "Health minister", ("Hart",), 3, (1, 2)),
              Actor("Wales", "place", None, (), 2, (1,)))
    briefing = Briefing(article=sample_article(), models=ModelInfo("s", "t", "e"),
                        actors=actors)
    assert [a.name for a in key_actors(actors)] == ["Edwina Hart", "Wales"]
    assert [a.name for a in key_actors(actors, all_actors=True)] == [a.name for a in actors]
    assert "1 more, less prominent: --all lists them" in to_text(briefing)
    data = json.loads(json.dumps(briefing_to_dict(briefing, all_actors=False)))
    assert [a["name"] for a in data["actors"]] == ["Edwina Hart", "Wales"]
    assert data["actors_total"] == 3 and "minor" not in data["actors"][0]


def test_the_analysis_ranks_minor_actors_after_the_others(pipeline: SpacyPipeline) -> None:
    actors = analyse_given(pipeline, PASSING, PASSING_LABELS).actors
    flags = [a.minor for a in actors]
    assert flags == sorted(flags) and any(flags) and not all(flags)


@pytest.mark.parametrize(("text", "labels", "name"), [
    # A city the recogniser calls a person in most of its mentions, once used where places go.
    ("Labour chooses Manchester\n\nThe party will hold its conference in Manchester, not "
     "Blackpool. Officials hope Manchester can handle the crowds at the Manchester hotels.",
     {"Manchester": "person", "Blackpool": "place"}, "Manchester"),
    ("Arrests\n\nA 24-year-old man from Leicester was detained on Monday, police said.",
     {"Leicester": "person"}, "Leicester"),
    # A wire story's dateline, in capitals.
    ("Trump speaks\n\nLONDON (Reuters) - Donald Trump said on Monday he would visit.",
     {"LONDON": "organization", "Donald Trump": "person", "Reuters": "organization"},
     "LONDON"),
])
def test_a_well_known_place_used_as_one_is_a_place(pipeline: SpacyPipeline, text: str,
                                                   labels: dict[str, ActorType],
                                                   name: str) -> None:
    assert _people_with(pipeline, text, labels)[name].type == "place"


@pytest.mark.parametrize(("text", "labels", "name", "kind"), [
    # A surname that is also a city's name, with a title: the person.
    ("Vote\n\nMr Jackson said he would vote against it. Jackson lives in Leeds.",
     {"Jackson": "person", "Leeds": "place"}, "Jackson", "person"),
    # A club named by its city, owning a win: not the place.
    ("Derby\n\nIn Barcelona's 3-0 win, Barcelona scored twice before half-time.",
     {"Barcelona": "organization"}, "Barcelona", "organization"),
    # A university named by its city: an organisation is as often "from" as a place is.
    ("Writer\n\nShe worked on Wall Street, got an M.F.A. from Columbia and wrote a novel.",
     {"Columbia": "organization"}, "Columbia", "organization"),
])
def test_a_place_name_with_other_evidence_keeps_its_type(pipeline: SpacyPipeline, text: str,
                                                         labels: dict[str, ActorType],
                                                         name: str, kind: ActorType) -> None:
    assert _people_with(pipeline, text, labels)[name].type == kind


def test_the_gazetteer_knows_countries_states_and_large_cities_only() -> None:
    assert all(is_known_place(n) for n in ("France", "West Virginia", "Leicester", "Asia"))
    assert not any(is_known_place(n) for n in ("Cowley", "Microsoft", "Hart", ""))


def test_acronyms_of_concepts_are_not_actors(pipeline: SpacyPipeline) -> None:
    actors = _people_with(
        pipeline, "Retail opens up\n\nIndia will allow FDI in retail, the IT minister said. "
                  "Tata Group welcomed the FDI rules.",
        {"FDI": "organization", "IT": "organization", "Tata Group": "organization"})
    assert "FDI" not in actors and "IT" not in actors and "Tata Group" in actors


def test_a_firm_that_goes_on_as_it_stays_a_firm(pipeline: SpacyPipeline) -> None:
    # Speaking is a weak sign of a person, but "X said it would" is how a firm speaks.
    actors = _people_with(
        pipeline, "Spyware\n\nMicrosoft is investigating a trojan. Microsoft said it did not "
                  "believe the program was widespread. Microsoft has said it plans to offer "
                  "its own software.",
        {"Microsoft": "organization"})
    assert actors["Microsoft"].type == "organization"


def test_a_title_ending_a_span_belongs_to_the_next_name(pipeline: SpacyPipeline) -> None:
    actors = _people_with(
        pipeline, "Donation\n\nThe party repaid the money to former Tory Treasurer Lord "
                  "Ashcroft. Lord Ashcroft said he was pleased.",
        {"Tory Treasurer Lord": "person", "Ashcroft": "person"})
    assert "Tory Treasurer Lord" not in actors and actors["Ashcroft"].type == "person"


def test_a_plural_name_after_the_is_a_body(pipeline: SpacyPipeline) -> None:
    actors = _people_with(
        pipeline, "Bill\n\nThe Lib Dems plan to oppose the Bill. The Lib Dems also oppose "
                  "the plans.", {"Lib Dems": "person"})
    assert actors["Lib Dems"].type == "organization"


@pytest.mark.parametrize(("text", "labels", "name", "kind"), [
    # Countries take "who" in British usage, as organisations do.
    ("Threats\n\nThe priority should be failing states, including Russia and Pakistan, who "
     "cannot protect their stocks. He named Russia as the main risk.",
     {"Russia": "place", "Pakistan": "place"}, "Russia", "place"),
    # A title before a name's possessive is the next person's.
    ("Madrid\n\nThe pole vault went to defending champion Ireland's Paul Brizzel. Ireland's "
     "team did well in Madrid.",
     {"Ireland": "place", "Paul Brizzel": "person", "Madrid": "place"}, "Ireland", "place"),
])
def test_a_place_keeps_its_type_beside_person_words(pipeline: SpacyPipeline, text: str,
                                                    labels: dict[str, ActorType], name: str,
                                                    kind: ActorType) -> None:
    assert _people_with(pipeline, text, labels)[name].type == kind


def test_a_place_is_not_the_first_name_of_a_firm(pipeline: SpacyPipeline) -> None:
    # "UK" must not join "UK Coal" as if it were a first name, even where the recogniser
    # took the firm for a person.
    actors = _people_with(
        pipeline, "Pits\n\nUK Coal will close two pits. Exports from the UK fell too, and "
                  "the UK said so.", {"UK Coal": "person", "UK": "place"})
    assert "UK" not in actors["UK Coal"].aliases and actors["UK"].type == "place"


@pytest.mark.parametrize(("text", "name"), [
    ("Film\n\nThe film tells of the anti-immigration politician Pim Fortuyn. A man was jailed "
     "last year for it.", "Pim Fortuyn"),
    ("Film\n\nThe film is about Fortuyn. Fortuyn's murder shocked the country, and the man "
     "who was jailed for killing Fortuyn is free.", "Fortuyn"),
])
def test_what_only_a_person_is_or_undergoes_makes_a_person(pipeline: SpacyPipeline,
                                                            text: str, name: str) -> None:
    assert _people_with(pipeline, text, {name: "organization"})[name].type == "person"


@pytest.mark.parametrize(("text", "labels", "name", "kind"), [
    # A nationality the recogniser labels a person, or a people that "would" say something.
    ("Trade\n\nNo American would ever say that. A poll of American voters agreed, and "
     "American firms too.", {"American": "person"}, "American", "group"),
    # A stance is not a name.
    ("Speech\n\nHe says he is pro-Israel and will speak to a pro-Israel group.",
     {"pro-Israel": "person"}, "pro-Israel", None),
    # A platform named in passing is a firm.
    ("Posts\n\nRomney said on Twitter that he would not vote. He posted on Twitter again.",
     {"Twitter": "person", "Romney": "person"}, "Twitter", "organization"),
    # A tie between place and person goes to a well-known place.
    ("Sanders Takes Wisconsin\n\nBernie Sanders prevailed in Wisconsin's primary.",
     {"Wisconsin": "person", "Bernie Sanders": "person"}, "Wisconsin", "place"),
])
def test_names_the_small_recogniser_mislabels(pipeline: SpacyPipeline, text: str,
                                              labels: dict[str, ActorType], name: str,
                                              kind: ActorType | None) -> None:
    actors = _people_with(pipeline, text, labels)
    assert (actors[name].type if name in actors else None) == kind


def test_a_noun_inside_a_title_phrase_does_not_type_the_name(pipeline: SpacyPipeline) -> None:
    # "state" in "secretary of state" is part of the title, not what she is.
    actors = _people_with(
        pipeline, "Brexit\n\nHillary Clinton has waded into the Brexit debate. But former "
                  "secretary of state Hillary Clinton is not one of those critics.",
        {"Hillary Clinton": "person", "Brexit": "place"})
    assert actors["Hillary Clinton"].type == "person"
    assert actors["Hillary Clinton"].role == "former secretary of state"
    assert "Brexit" not in actors


@pytest.mark.parametrize(("text", "name"), [
    ("Film\n\nProducer Mel Gibson said the film was finished. Gibson thanked the crew.",
     "Mel Gibson"),
    ("Prize\n\nNovelist Andrea Levy has won the prize. Levy said she was delighted.",
     "Andrea Levy"),
])
def test_a_role_opening_the_sentence_is_not_part_of_the_name(pipeline: SpacyPipeline,
                                                              text: str, name: str) -> None:
    names = [a.name for a in analyse(pipeline, text).actors if a.type == "person"]
    assert names == [name]


def test_a_regnal_number_is_not_an_acronym(pipeline: SpacyPipeline) -> None:
    actors = _people_with(
        pipeline, "Duchy\n\nThe Duchy of Cornwall was set up in 1337 under Edward III. The "
                  "ICC and the FBI were not involved.",
        {"Edward III": "organization", "ICC": "organization", "FBI": "organization"})
    assert actors["Edward III"].type == "person"
    assert not actors["ICC"].minor and not actors["FBI"].minor
