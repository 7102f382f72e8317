"""Key actors: merging, roles, types, junk, mention counts and ranking."""

from __future__ import annotations

import re

import pytest

from summarizer.actors import ActorIndex
from summarizer.article import article_from_text, sample_article
from summarizer.backends.spacy_nlp import SpacyEntityRecognizer, SpacyPipeline
from summarizer.people import People, analyse_people
from summarizer.people_settings import CorefSettings, PeopleSettings
from summarizer.quotes import extract_quotes
from summarizer.types import Actor, ActorType, Article, Entity


@pytest.fixture(scope="session")
def pipeline() -> SpacyPipeline:
    return SpacyPipeline()


@pytest.fixture(scope="session")
def sample_people(pipeline: SpacyPipeline) -> People:
    article = sample_article()
    entities = SpacyEntityRecognizer(pipeline).recognize(article)
    return analyse_people(article, pipeline.parse(article), entities)


def analyse(pipeline: SpacyPipeline, text: str) -> People:
    article = article_from_text(text, source="test")
    entities = SpacyEntityRecognizer(pipeline).recognize(article)
    return analyse_people(article, pipeline.parse(article), entities)


def given_entities(article: Article, names: dict[str, ActorType]) -> list[Entity]:
    """Entities as another recogniser might give them: every occurrence of each name."""
    entities = []
    for paragraph in article.paragraphs:
        for name, kind in names.items():
            for match in re.finditer(re.escape(name), paragraph.text):
                start = paragraph.start + match.start()
                entities.append(Entity(name, kind, start, start + len(name), paragraph.number))
    return sorted(entities, key=lambda e: e.start)


def analyse_given(pipeline: SpacyPipeline, text: str, names: dict[str, ActorType]) -> People:
    """The analysis with the recogniser's labels given (`given_entities`), slips included."""
    article = article_from_text(text, source="t")
    return analyse_people(article, pipeline.parse(article), given_entities(article, names))


def by_name(people: People) -> dict[str, Actor]:
    return {actor.name: actor for actor in people.actors}


@pytest.mark.parametrize(
    ("text", "name", "alias"),
    [
        pytest.param("Russian President Vladimir Putin arrived on Monday. Putin met students. "
                     "Later Putin left.", "Vladimir Putin", "Putin", id="surname"),
        pytest.param("Chinese President Xi Jinping hosted the talks. Xi praised the deal.",
                     "Xi Jinping", "Xi", id="family-name-first"),
    ],
)
def test_person_variants_merge_into_fullest_name(pipeline: SpacyPipeline, text: str, name: str,
                                                 alias: str) -> None:
    people = analyse(pipeline, text)
    actors = by_name(people)
    assert name in actors
    assert alias in actors[name].aliases
    assert alias not in actors
    assert actors[name].type == "person"


def test_outlet_with_and_without_article_is_one_actor(pipeline: SpacyPipeline) -> None:
    article = article_from_text(
        "The Global Times reported the deal. Readers of Global Times were pleased.", source="t"
    )
    entities = given_entities(article, {"The Global Times": "organization",
                                        "Global Times": "organization"})
    people = analyse_people(article, pipeline.parse(article), entities)
    names = [a.name for a in people.actors]
    assert names.count("Global Times") == 1
    assert "The Global Times" not in names


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        pytest.param("However, presidential foreign policy aide Yuri Ushakov spoke to reporters.",
                     "Yuri Ushakov", "presidential foreign policy aide", id="pre-modifier"),
        pytest.param("The meeting was attended by former Russian Defense Minister Sergei Shoigu.",
                     "Sergei Shoigu", "former Russian Defense Minister", id="capitalised-title"),
        pytest.param("The head of the space agency Roscosmos, Yuri Borisov, shared details.",
                     "Yuri Borisov", "head of the space agency Roscosmos", id="the-x-of-y-name"),
        pytest.param("Anna Berg, the mayor of Oslo, opened the bridge on Monday.",
                     "Anna Berg", "mayor of Oslo", id="appositive"),
        # A form of address between the title and the name is not part of the role.
        pytest.param("Metropolitan Police Commissioner Sir Ian Blair said arrests were made.",
                     "Ian Blair", "Metropolitan Police Commissioner", id="title-sir-name"),
        pytest.param('Health Secretary Dr John Reid said it was "a good day".',
                     "John Reid", "Health Secretary", id="title-dr-name"),
    ],
)
def test_roles(pipeline: SpacyPipeline, text: str, name: str, role: str) -> None:
    actors = by_name(analyse(pipeline, text))
    assert actors[name].role == role


def test_members_of_a_body_named_by_a_plural_acronym_are_not_actors(
        pipeline: SpacyPipeline) -> None:
    text = ('Courts should be used as a last resort, MPs said. "The welfare of the child '
            'comes first," the MPs said. Shares in UPS rose, and GPs were pleased.')
    people = analyse_given(pipeline, text, {"MPs": "person", "UPS": "organization",
                                            "GPs": "organization"})
    assert [a.name for a in people.actors] == ["UPS"]
    # What they said is still a quote, credited to them as written.
    assert [q.speaker for q in people.quotes] == ["MPs", "the MPs"]


def test_prizes_are_not_actors(pipeline: SpacyPipeline) -> None:
    text = ("Brando's Academy Award was sold. Smith won the Nobel Prize, and the Fields Medal "
            "went to Jones.")
    people = analyse_given(pipeline, text, {"Brando's Academy Award": "organization",
                                            "Nobel Prize": "organization", "Smith": "person",
                                            "Fields Medal": "organization", "Jones": "person"})
    assert sorted(a.name for a in people.actors) == ["Jones", "Smith"]


def test_junk_entities_are_not_actors(pipeline: SpacyPipeline) -> None:
    article = article_from_text(
        "THE statement was short. Defense Minister Andrei Belousov came First in the vote on "
        "May 17, 2024, with 75 percent.", source="t")
    entities = given_entities(article, {
        "THE": "organization", "Defense": "organization", "First": "organization",
        "May 17, 2024": "place", "75": "group", "Andrei Belousov": "person",
    })
    people = analyse_people(article, pipeline.parse(article), entities)
    assert [a.name for a in people.actors] == ["Andrei Belousov"]
    assert people.actors[0].role == "Defense Minister"


@pytest.mark.parametrize(
    ("text", "names", "name", "expected"),
    [
        pytest.param("Putin spoke to state newspaper Rossiyskaya Gazeta on Friday.",
                     {"Rossiyskaya Gazeta": "person"}, "Rossiyskaya Gazeta", "organization",
                     id="context-noun"),
        pytest.param("He visited the stands of China National Offshore Oil Corporation.",
                     {"China National Offshore Oil Corporation": "place"},
                     "China National Offshore Oil Corporation", "organization", id="suffix"),
        pytest.param("In Harbin, the delegation laid flowers at the memorial.",
                     {"Harbin": "person"}, "Harbin", "place", id="in-a-person"),
        pytest.param("Harbin, a former Russian-majority metropolis, welcomed the guests.",
                     {"Harbin": "person"}, "Harbin", "place", id="appositive-place"),
    ],
)
def test_entity_type_mistakes_are_corrected(pipeline: SpacyPipeline, text: str,
                                            names: dict[str, ActorType], name: str,
                                            expected: ActorType) -> None:
    assert by_name(analyse_given(pipeline, text, names))[name].type == expected


def test_pronoun_and_nominal_references_count_as_mentions(pipeline: SpacyPipeline) -> None:
    people = analyse(
        pipeline,
        "Russian President Vladimir Putin visited Harbin on Friday. He said that trade had "
        "doubled. The president also met students.",
    )
    putin = by_name(people)["Vladimir Putin"]
    assert putin.mentions == 3
    assert putin.paragraphs == (1,)


def test_actors_are_ranked_by_salience_not_alphabet(pipeline: SpacyPipeline) -> None:
    people = analyse(
        pipeline,
        "Anna Berg met Tom Hale in Oslo.\n\nTom Hale said that the talks went well. Tom Hale "
        "told reporters that a deal was near. Hale said the deal would be signed soon.",
    )
    assert people.actors[0].name == "Tom Hale"


def test_sample_article_people(sample_people: People) -> None:
    people = [a for a in sample_people.actors if a.type == "person"]
    roles = {a.name: a.role for a in people}
    assert roles == {
        "Vladimir Putin": "Russian President",
        "Xi Jinping": "Chinese President",
        "Yuri Ushakov": "presidential foreign policy aide",
        "Sergei Shoigu": "former Russian Defense Minister",
        "Andrei Belousov": "current Defense Minister",
        "Yuri Borisov": "head of the Russian space agency Roscosmos",
    }
    assert sample_people.actors[0].name == "Vladimir Putin"


def test_sample_article_organisations_and_no_junk(sample_people: People) -> None:
    types = {a.name: a.type for a in sample_people.actors}
    organisations = {"Global Times", "Rossiyskaya Gazeta", "Roscosmos", "AvtoVAZ", "Rosatom",
                     "China National Offshore Oil Corporation",
                     "Russian Direct Investment Fund", "European Space Agency", "NASA",
                     "Reuters", "CCTV"}
    assert {name: types.get(name) for name in organisations} == dict.fromkeys(
        organisations, "organization")
    assert types["Harbin"] == "place"
    # "the Russian space agency Roscosmos" introduces Roscosmos: it describes no other agency.
    roles = {a.name: a.role for a in sample_people.actors}
    assert roles["European Space Agency"] is None
    # The Moon is a place the article talks about, never a person.
    assert types["Moon"] == "place"
    assert not {"THE", "REMARK", "Defense", "First", "Meetings"} & set(types)


@pytest.mark.parametrize(
    ("text", "name", "absent"),
    [
        pytest.param("Kenya's Isabella Ochichi led from the start. Australian Ochichi? No: "
                     "the Australian Ochichi of the programme was a misprint, and Kenyan "
                     "Ochichi won by ten seconds.", "Isabella Ochichi",
                     ("Australian Ochichi", "Kenyan Ochichi"), id="demonym-before-surname"),
        pytest.param("Briton Paula Radcliffe was second. Radcliffe said the course was hard.",
                     "Paula Radcliffe", ("Briton Paula Radcliffe",), id="demonym-noun"),
        pytest.param("Former chief executive Bernie Ebbers denies fraud. Mr Ebber's lawyers "
                     "say the witness lied.", "Bernie Ebbers", ("Ebber",),
                     id="misspelt-possessive"),
    ],
)
def test_one_person_one_entry(pipeline: SpacyPipeline, text: str, name: str,
                              absent: tuple[str, ...]) -> None:
    actors = by_name(analyse(pipeline, text))
    assert actors[name].type == "person"
    assert not set(absent) & set(actors)


def test_party_name_keeps_its_first_word(pipeline: SpacyPipeline) -> None:
    people = analyse(pipeline, "The Liberal Democrats said the plan was flawed. The Social "
                               "Democrats agreed.")
    actors = by_name(people)
    assert {"Liberal Democrats", "Social Democrats"} <= set(actors)
    assert "Democrats" not in actors
    assert [q.speaker for q in people.quotes] == ["Liberal Democrats"]


def test_sentence_initial_common_word_is_not_a_name(pipeline: SpacyPipeline) -> None:
    actors = by_name(analyse(pipeline, "Budget airline Ryanair said it would buy 70 planes."))
    assert "Budget" not in actors
    assert actors["Ryanair"].type == "organization"
    # A name the tagger reads as a proper noun still opens a sentence.
    assert "Vodafone" in by_name(analyse(pipeline, "Vodafone said profits rose by 10%."))


def test_organisation_short_forms_join_it(pipeline: SpacyPipeline) -> None:
    actors = by_name(analyse(
        pipeline,
        "WorldCom's external auditors Arthur Andersen approved the accounts, the court heard. "
        "Andersen said it had been misled. The firm signed a deal with Shanghai Automotive "
        "Industry Corporation (SAIC). SAIC said the deal was good. Donald Trump spoke. "
        "Trump said the Washington Post was wrong, and Washington agreed."))
    assert actors["Arthur Andersen"].type == "organization"
    assert "Andersen" in actors["Arthur Andersen"].aliases
    assert "SAIC" in actors["Shanghai Automotive Industry Corporation"].aliases
    assert not {"Andersen", "SAIC"} & set(actors)
    # A person's surname and a place keep to themselves.
    assert "Trump" in actors["Donald Trump"].aliases
    assert actors["Washington"].type == "place"


def test_rules_and_agreements_are_not_actors(pipeline: SpacyPipeline) -> None:
    actors = by_name(analyse(pipeline, "A court blocked the Obama Power Plant Rules. Iran "
                                       "signed the Paris Agreement. The House Rules Committee "
                                       "met on Monday."))
    assert not {"Obama Power Plant Rules", "Paris Agreement"} & set(actors)
    assert "House Rules Committee" in actors


def test_party_name_cut_before_a_verb_of_saying(pipeline: SpacyPipeline) -> None:
    people = analyse(pipeline, "The Liberal Democrats say they suspect the move is part of a "
                               "wider plan agreed with the US.")
    assert [q.speaker for q in people.quotes] == ["Liberal Democrats"]


def test_strong_context_outweighs_repeated_recogniser_slips(pipeline: SpacyPipeline) -> None:
    """The recogniser's slip repeats on every mention of the name; one "airline" beside it is
    evidence of another kind and decides."""
    actors = by_name(analyse(
        pipeline,
        "German airline Lufthansa may sue federal agencies for damages. Lufthansa said that it "
        "may lose millions of euros. Flights were delayed for an hour, Lufthansa said. "
        "Lufthansa accounts for most flights at Frankfurt."))
    assert actors["Lufthansa"].type == "organization"


def test_prizes_and_meetings_are_not_actors(pipeline: SpacyPipeline) -> None:
    """A prize named by metal and emblem, and a sports meeting, are things, not actors,
    whatever type the recogniser gives them, also where it stops short of the meeting's
    last word."""
    article = article_from_text(
        "Festival\n\nThe film won the Golden Lion in Venice. Sara Holm will run at the European "
        "Indoors in March, after the Norwich Union European trials and the Worlds.", source="t")
    entities = given_entities(article, {
        "Golden Lion": "organization", "European Indoors": "organization",
        "Sara Holm": "person", "Venice": "place", "Norwich Union European": "organization",
        "Worlds": "person",
    })
    people = analyse_people(article, pipeline.parse(article), entities)
    assert sorted(a.name for a in people.actors) == ["Sara Holm", "Venice"]


def test_no_state_is_shared_between_analyses(pipeline: SpacyPipeline,
                                             sample_people: People) -> None:
    """The same article analysed again, after another one, gives the same actors and quotes:
    pronoun resolution and recorded references belong to one article's index, never to a
    module."""
    other = article_from_text("Tax plans\n\nSen. Ted Cruz spoke in Houston. The senator said "
                              "taxes were too high. \"We will cut them,\" he said.", source="t")
    analyse_people(other, pipeline.parse(other), SpacyEntityRecognizer(pipeline).recognize(other))
    article = sample_article()
    again = analyse_people(article, pipeline.parse(article),
                           SpacyEntityRecognizer(pipeline).recognize(article))
    assert again == sample_people


def test_settings_change_the_analysis(pipeline: SpacyPipeline) -> None:
    """The thresholds are real settings: a stricter pronoun rule leaves a pronoun speaker
    unnamed."""
    text = ("Cards plan\n\nMr Clarke said he backed the plans. Mr Kennedy disagreed with him. "
            "\"Cards are a means to a more secure society,\" he said.")
    article = article_from_text(text, source="t")
    docs = pipeline.parse(article)
    entities = SpacyEntityRecognizer(pipeline).recognize(article)
    default = analyse_people(article, docs, entities)
    strict = analyse_people(article, docs, entities, PeopleSettings(
        coref=CorefSettings(ambiguous_share=0.0)))
    quote = "Cards are a means to a more secure society"
    assert [q.speaker for q in default.quotes if q.text.strip(" ,") == quote] == ["Kennedy"]
    assert [q.speaker for q in strict.quotes if q.text.strip(" ,") == quote] == [None]


def test_organisation_name_cut_before_its_of_is_the_same_one(pipeline: SpacyPipeline) -> None:
    article = article_from_text(
        "Rules face test in U.S. Court\n\nStates are challenging the rules before the U.S. "
        "Court of Appeals for the District of Columbia Circuit.", source="t")
    entities = given_entities(article, {
        "U.S. Court": "organization",
        "U.S. Court of Appeals for the District of Columbia Circuit": "organization",
    })
    people = analyse_people(article, pipeline.parse(article), entities)
    assert [(a.name, a.aliases) for a in people.actors] == [
        ("U.S. Court of Appeals for the District of Columbia Circuit", ("U.S. Court",))]


def test_ranking_is_the_last_step(pipeline: SpacyPipeline) -> None:
    """The ranking takes the quotes, and the index takes no reference after it: a reference
    recorded late would change a ranking already given out."""
    article = article_from_text("Cards plan\n\nMr Clarke said the plans would go ahead. "
                                "\"We will not pause,\" he said.", source="t")
    docs = pipeline.parse(article)
    index = ActorIndex(article, docs, SpacyEntityRecognizer(pipeline).recognize(article))
    quotes = extract_quotes(article, docs, index)
    assert [a.name for a in index.actors(quotes)] == ["Clarke"]
    pronoun = next(t for t in docs[-1] if t.lower_ == "he")
    clarke = index.group_named("Clarke")
    assert clarke is not None
    with pytest.raises(RuntimeError, match="before the actors are ranked"):
        index.record(clarke.key, pronoun, index.offset(pronoun))


def _listed(pipeline: SpacyPipeline, text: str, names: dict[str, ActorType]) -> list[str]:
    return [a.name for a in analyse_given(pipeline, text, names).actors]


def test_name_found_only_in_a_title_case_headline_is_not_an_actor(
        pipeline: SpacyPipeline) -> None:
    """In a title-case headline every word is capitalised, so a name the body never uses is
    the recogniser running words together."""
    listed = _listed(pipeline, "Obama Power Plant Rules Face Key Test In U.S. Court.\n\n"
                               "States are challenging the rules of President Barack Obama in a "
                               "federal court.",
                     {"Obama Power Plant Rules Face": "organization", "Barack Obama": "person"})
    assert listed == ["Barack Obama"]


def test_name_a_title_case_headline_quotes_stays(pipeline: SpacyPipeline) -> None:
    listed = _listed(pipeline, "Ann Coulter: And Then There Was The One.\n\nThe columnist "
                               "praised the candidate on her radio show.",
                     {"Ann Coulter": "person"})
    assert listed == ["Ann Coulter"]
