"""Actors named by what they are ("the company said", "said the 28-year-old") and the typing
rules that keep people and firms apart, on small texts written for these cases."""

from __future__ import annotations

import pytest

from summarizer.article import article_from_text
from summarizer.backends.spacy_nlp import SpacyEntityRecognizer, SpacyPipeline
from summarizer.org_nominals import Candidate, Profile, fits, name_kinds
from summarizer.people import People, analyse_people


@pytest.fixture(scope="session")
def pipeline() -> SpacyPipeline:
    return SpacyPipeline()


def analyse(pipeline: SpacyPipeline, text: str) -> People:
    article = article_from_text(text, source="test")
    entities = SpacyEntityRecognizer(pipeline).recognize(article)
    return analyse_people(article, pipeline.parse(article), entities)


def speakers(people: People) -> dict[str, str | None]:
    return {q.text: q.speaker for q in people.quotes}


@pytest.mark.parametrize(
    ("text", "quote", "speaker"),
    [
        pytest.param(
            "Harbour Telecom Inc reached a pay deal with its engineers on Monday.\n\n"
            "The company said the agreement would add 900 jobs over two years.",
            "the agreement would add 900 jobs over two years", "Harbour Telecom Inc",
            id="the-company-after-an-Inc"),
        pytest.param(
            "German airline Lufthansa cancelled dozens of flights because of the strike.\n\n"
            "The airline said fuel costs had also risen sharply this winter.",
            "fuel costs had also risen sharply this winter", "Lufthansa",
            id="the-airline-described-before-its-name"),
        pytest.param(
            "The Financial Times reported the merger on Sunday.\n\n"
            "The paper said the two boards would meet again next week.",
            "the two boards would meet again next week", "Financial Times",
            id="the-paper-of-a-Times"),
    ],
)
def test_organisation_nominal_speaker_is_the_organisation(
        pipeline: SpacyPipeline, text: str, quote: str, speaker: str) -> None:
    assert speakers(analyse(pipeline, text)).get(quote) == speaker


@pytest.mark.parametrize(
    ("text", "quote", "description"),
    [
        pytest.param("The Labor Department published the figures on Friday.\n\n"
                     "The company said its own figures showed growth.",
                     "its own figures showed growth", "The company",
                     id="an-institution-is-not-the-company"),
        pytest.param("Acme Holdings and Brightline Group signed the deal in London.\n\n"
                     "The company said the terms were fair.",
                     "the terms were fair", "The company",
                     id="two-firms-equally-salient"),
        pytest.param("Harbour Telecom Inc sold its cable arm on Monday.\n\n"
                     "The parent company said the sale would cut its debt.",
                     "the sale would cut its debt", "The parent company",
                     id="a-parent-company-is-another-organisation"),
    ],
)
def test_unsure_nominal_stays_a_description(pipeline: SpacyPipeline, text: str, quote: str,
                                            description: str) -> None:
    """Without one organisation that clearly fits, the speaker is the text's own words."""
    assert speakers(analyse(pipeline, text)).get(quote) == description


def test_the_description_becomes_the_role(pipeline: SpacyPipeline) -> None:
    people = analyse(pipeline, "Solar prices fall\n\nHelios Power Ltd, the solar panel maker, "
                               "cut its prices.\n\nThe maker said demand was strong.")
    actors = {a.name: a for a in people.actors}
    assert actors["Helios Power Ltd"].type == "organization"
    assert actors["Helios Power Ltd"].role == "solar panel maker"
    assert speakers(people).get("demand was strong") == "Helios Power Ltd"


@pytest.mark.parametrize(
    ("noun", "kinds", "expected"),
    [
        ("company", frozenset(), True),  # unknown kind: a generic noun may name it
        ("company", name_kinds("Labor Department"), False),
        ("company", name_kinds("UFJ Bank"), True),
        ("paper", name_kinds("Chicago Sun-Times"), True),
        ("group", name_kinds("Chicago Sun-Times"), False),
        ("union", name_kinds("Communications Workers of America"), True),
        ("company", name_kinds("Rockefeller Brothers Fund"), False),
        ("airline", frozenset({"carrier"}), True),
        ("airline", frozenset(), False),  # a specific noun needs the kind stated
    ],
)
def test_which_kinds_a_nominal_fits(noun: str, kinds: frozenset[str], expected: bool) -> None:
    assert fits(noun, kinds) is expected


def test_candidate_profile_is_frozen() -> None:
    candidate = Candidate("acme", Profile(frozenset({"company"}), frozenset({"acme"})), (1,))
    with pytest.raises(AttributeError):
        candidate.key = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        pytest.param("The jury includes actresses Maria Olsen and Petra Lind, who both "
                     "won prizes last year.", "Maria Olsen", "person",
                     id="plural-person-noun-before-names"),
        pytest.param("Mobile sales grew by a third, according to technology analysts "
                     "Gartner.", "Gartner", "organization",
                     id="plural-noun-before-one-word-firm"),
        pytest.param("The Scottish National Party's Holyrood leader, Nicola Sturgeon, "
                     "welcomed the move.", "Nicola Sturgeon", "person",
                     id="title-in-apposition-before-name"),
        pytest.param("Tom Goldstein, publisher of SCOTUSblog, said the court was split.",
                     "Tom Goldstein", "person", id="publisher-of-is-a-role"),
        pytest.param("The top ten included In Good Company - starring Dennis Quaid - and "
                     "two other comedies.", "Dennis Quaid", "person",
                     id="capitalised-noun-of-a-title-is-no-context"),
        pytest.param("The carmaker sold more of its three marques - BMW, Mini and "
                     "Rolls-Royce - in Asia.", "Rolls-Royce", "organization",
                     id="hyphened-one-word-name-is-not-a-full-name"),
        pytest.param("These countries are mainly in Sub-Saharan Africa, Latin America and "
                     "the Caribbean.", "Sub-Saharan Africa", "place",
                     id="listed-only-among-places"),
        pytest.param("Applications from England and Wales rose by 17% this year.", "Wales",
                     "place", id="one-place-beside-another"),
        pytest.param("The South Yorkshire company said it hoped to return to profit. Mining "
                     "in South Yorkshire has a long history.", "South Yorkshire", "place",
                     id="a-place-before-company-says-where-it-is"),
    ],
)
def test_typing_rules(pipeline: SpacyPipeline, text: str, name: str, kind: str) -> None:
    actors = {a.name: a.type for a in analyse(pipeline, "Title\n\n" + text).actors}
    assert actors.get(name) == kind, actors


def test_bare_word_used_as_a_business_is_an_organisation(pipeline: SpacyPipeline) -> None:
    """A one-word name the article never gives a first name, with a product after its
    possessive, is a business even where the recogniser says person."""
    text = ("Game makers gathered in London.\n\nThe sports award went to Konami's Pro "
            "Evolution Soccer 4, and Konami was also praised for its racing games.")
    actors = {a.name: a.type for a in analyse(pipeline, text).actors}
    assert actors.get("Konami") == "organization", actors


def test_capitalised_common_noun_is_not_an_organisation(pipeline: SpacyPipeline) -> None:
    text = ("Tax plans\n\nThe chancellor will present the Budget on Wednesday. Economists "
            "expect the budget to raise fuel duty.")
    names = {a.name for a in analyse(pipeline, text).actors}
    assert "Budget" not in names


_RACE = ("Indoor trials\n\nJames Carver, 28, won the 800m in Sheffield on Saturday. Anna "
         "Brook, 24, took the 400m.\n\n")


@pytest.mark.parametrize(
    ("text", "quote", "speaker"),
    [
        pytest.param(_RACE + '"I am qualified now and that is what matters," said the '
                     "28-year-old.", "I am qualified now and that is what matters",
                     "James Carver", id="age-given-after-the-name"),
        pytest.param(_RACE + "The 24-year-old insisted she would race in Madrid.",
                     "she would race in Madrid", "Anna Brook",
                     id="age-phrase-the-parser-leaves-without-a-subject"),
        pytest.param("Marathon\n\nBriton Paula Radcliffe won in New York. \"It was a "
                     "great day,\" the Briton said.", "It was a great day", "Paula Radcliffe",
                     id="nationality-given-before-the-name"),
    ],
)
def test_person_nominal_speaker_is_the_person(
        pipeline: SpacyPipeline, text: str, quote: str, speaker: str) -> None:
    found = {q.text.strip(" ,"): q.speaker for q in analyse(pipeline, text).quotes}
    assert found.get(quote) == speaker, found


def test_age_no_one_was_given_names_no_one_among_two(pipeline: SpacyPipeline) -> None:
    """Two people of stated ages, and the nominal gives a third age: no guess."""
    people = analyse(pipeline, _RACE + "The 31-year-old said the track was slow.")
    assert speakers(people).get("the track was slow") == "The 31-year-old"


def test_nationality_nominal_is_not_an_actor(pipeline: SpacyPipeline) -> None:
    people = analyse(pipeline, "Marathon\n\nBriton Paula Radcliffe won in New York. "
                               "\"It was a great day,\" the Briton said.")
    assert [a.name for a in people.actors if a.type != "place"] == ["Paula Radcliffe"]


def test_title_written_before_the_name_resolves_the_title(pipeline: SpacyPipeline) -> None:
    """ "Sen. Ted Cruz ... The senator said": the honorific is the title; it also becomes the
    role when the article gives no other."""
    people = analyse(pipeline, "Tax debate\n\nSen. Ted Cruz spoke in Houston on Monday. The "
                               "senator said taxes were too high.")
    assert speakers(people).get("taxes were too high") == "Ted Cruz"
    assert {a.name: a.role for a in people.actors}["Ted Cruz"] == "Senator"


def test_lower_case_title_before_a_name_is_not_the_persons(pipeline: SpacyPipeline) -> None:
    people = analyse(pipeline, "Court row\n\nDonald Trump attacked the ruling. The federal "
                               "judge Trump was referring to is Gonzalo Curiel.")
    assert {a.name: a.role for a in people.actors}["Donald Trump"] is None
