"""Quote extraction: every quote form and speaker-resolution case, on small texts."""

from __future__ import annotations

import pytest

from summarizer.article import article_from_text, sample_article
from summarizer.backends.spacy_nlp import SpacyEntityRecognizer, SpacyPipeline
from summarizer.coref import pair_quotation_marks
from summarizer.people import People, analyse_people
from summarizer.types import Article, Quote


@pytest.fixture(scope="session")
def pipeline() -> SpacyPipeline:
    return SpacyPipeline()


def analyse(pipeline: SpacyPipeline, text: str) -> tuple[Article, People]:
    article = article_from_text(text, source="test")
    entities = SpacyEntityRecognizer(pipeline).recognize(article)
    return article, analyse_people(article, pipeline.parse(article), entities)


def only_quote(people: People) -> Quote:
    assert len(people.quotes) == 1, people.quotes
    return people.quotes[0]


@pytest.mark.parametrize(
    ("text", "speaker", "kind", "content"),
    [
        pytest.param('"We will rebuild the old bridge next year," John Smith said.',
                     "John Smith", "direct", "We will rebuild the old bridge next year",
                     id="straight-quotes-cue-after"),
        pytest.param("“The economy is growing faster than expected,” said Maria Lopez.",
                     "Maria Lopez", "direct", "The economy is growing faster than expected",
                     id="curly-quotes-inverted-cue"),
        pytest.param('Maria Lopez put it simply: "We cannot afford another war."',
                     "Maria Lopez", "direct", "We cannot afford another war.",
                     id="colon-introduces-quote"),
        pytest.param("John Smith said that the factory would close in May.",
                     "John Smith", "reported", "the factory would close in May",
                     id="said-that"),
        pytest.param("Vladimir Putin said he liked the idea of a joint mission to Mars.",
                     "Vladimir Putin", "reported", "he liked the idea of a joint mission",
                     id="said-without-that"),
        pytest.param("The new tariffs will hurt farmers, John Smith warned.",
                     "John Smith", "reported", "The new tariffs will hurt farmers",
                     id="inverted-cue-after-content"),
        pytest.param("According to the Global Times, the talks ended without an agreement.",
                     "Global Times", "reported", "the talks ended without an agreement",
                     id="according-to-outlet"),
        pytest.param("The only reason prices rose, Maria Lopez declared, is that demand grew.",
                     "Maria Lopez", "reported", "demand grew",
                     id="cue-inside-content"),
        pytest.param("John Smith told reporters that the strike would end on Friday.",
                     "John Smith", "reported", "the strike would end on Friday",
                     id="told-reporters-that"),
    ],
)
def test_quote_forms(pipeline: SpacyPipeline, text: str, speaker: str, kind: str,
                     content: str) -> None:
    article, people = analyse(pipeline, text)
    quote = only_quote(people)
    assert quote.speaker == speaker
    assert quote.kind == kind
    assert content in quote.text
    assert quote.paragraph == 1
    # The content lies where start/end say.
    assert article.text[quote.start:quote.end].startswith(quote.text[:10])


def test_quote_split_around_cue_is_one_quote(pipeline: SpacyPipeline) -> None:
    _, people = analyse(
        pipeline,
        "Maria Lopez opened the session. “We are ready,” she said, “and we will not wait "
        "any longer.”",
    )
    quote = only_quote(people)
    assert quote.speaker == "Maria Lopez"
    assert quote.cue == "said"
    assert quote.text == "We are ready, and we will not wait any longer."


def test_quote_over_paragraph_break_keeps_speaker(pipeline: SpacyPipeline) -> None:
    text = (
        "John Smith spoke to the council on Monday. “The budget is too small for the city "
        "and everybody knows it,” he said. “We will need more money for schools.\n\n"
        "“And we will need it soon, before the winter comes.”"
    )
    article, people = analyse(pipeline, text)
    assert [q.speaker for q in people.quotes] == ["John Smith", "John Smith"]
    assert [q.paragraph for q in people.quotes] == [1, 2]
    assert "before the winter comes" in people.quotes[1].text
    assert all(article.text[q.start:q.end] for q in people.quotes)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        pytest.param("Anna Berg arrived in Oslo on Monday. Tom Hale met her at the airport. "
                     "He said that the talks would start soon.", "Tom Hale",
                     id="pronoun-nearest-subject"),
        pytest.param("Maria Lopez visited the plant in Lyon. She said that production would "
                     "double next year.", "Maria Lopez", id="pronoun-previous-sentence"),
        pytest.param("Russian President Vladimir Putin visited Harbin on Friday. The president "
                     "said that trade with China had doubled.", "Vladimir Putin",
                     id="nominal-title"),
        pytest.param("The head of the space agency Roscosmos, Yuri Borisov, spoke on Monday. "
                     "Later the head of Roscosmos said that a plant would be built on the Moon.",
                     "Yuri Borisov", id="nominal-title-of-organisation"),
        pytest.param("The head of the space agency Roscosmos, Yuri Borisov, shared details of "
                     "the project, saying that Russia would build a plant on the Moon.",
                     "Yuri Borisov", id="appositive-name-of-participle-subject"),
        pytest.param("According to a Chinese expert interviewed by the Global Times, "
                     "breakthroughs are expected in agriculture.",
                     "a Chinese expert interviewed by the Global Times",
                     id="unresolved-source-text"),
    ],
)
def test_speaker_resolution(pipeline: SpacyPipeline, text: str, speaker: str) -> None:
    _, people = analyse(pipeline, text)
    assert [q.speaker for q in people.quotes][-1] == speaker


def test_unresolvable_pronoun_is_none(pipeline: SpacyPipeline) -> None:
    _, people = analyse(pipeline, "The weather was cold. He said that the road was closed.")
    assert only_quote(people).speaker is None


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('He dismissed the "phony polls" and walked off the stage.', id="scare-quotes"),
        pytest.param("She starred in “The Long Night of the Soul” last year.", id="title"),
        pytest.param('The so-called "peace plan" was never published by the ministry.',
                     id="so-called"),
    ],
)
def test_quoted_words_without_cue_are_not_quotes(pipeline: SpacyPipeline, text: str) -> None:
    _, people = analyse(pipeline, text)
    assert people.quotes == ()


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('John Smith said "this will never end. The crowd cheered loudly.',
                     id="unclosed-straight"),
        pytest.param("Maria Lopez said” nothing about the plan, and “then she left.",
                     id="reversed-curly"),
        pytest.param("said that. According to, the. ” “ ” : said: REMARK that THE.",
                     id="broken-fragments"),
    ],
)
def test_unbalanced_marks_and_broken_text_do_not_crash(pipeline: SpacyPipeline,
                                                       text: str) -> None:
    article, people = analyse(pipeline, text)
    for quote in people.quotes:
        assert 0 <= quote.start < quote.end <= len(article.text)
        assert quote.text


def test_paraphrase_needs_a_verb_of_saying(pipeline: SpacyPipeline) -> None:
    """Reported speech is "X said/warned/argued that ...": an accusation, a description or an
    acknowledgement without quotation marks is the writer's account, not a quote."""
    _, people = analyse(
        pipeline,
        "Maria Lopez accused the rival firms of dumping cheap steel. She acknowledged that "
        "prices had fallen. She also expressed hope for continued cooperation with the union. "
        "She warned that the plant could close.",
    )
    assert [(q.speaker, q.cue, q.text) for q in people.quotes] == [
        ("Maria Lopez", "warned", "the plant could close")]


def test_quoted_words_keep_any_speech_verb(pipeline: SpacyPipeline) -> None:
    _, people = analyse(
        pipeline,
        'Maria Lopez accused the rival firms of "dumping cheap steel on our market". '
        '"We will still be here next year," she joked.',
    )
    assert [(q.speaker, q.cue) for q in people.quotes] == [
        ("Maria Lopez", "accused"), ("Maria Lopez", "joked")]


def test_sample_article_reported_statements(pipeline: SpacyPipeline) -> None:
    article = sample_article()
    entities = SpacyEntityRecognizer(pipeline).recognize(article)
    people = analyse_people(article, pipeline.parse(article), entities)
    by_content = {q.text: q for q in people.quotes}

    def speaker_of(fragment: str) -> str | None:
        matches = [q for text, q in by_content.items() if fragment in text]
        assert matches, f"no quote contains {fragment!r}"
        return matches[0].speaker

    assert speaker_of("Beijing understands the real reasons for the war") == "Yuri Ushakov"
    assert speaker_of("jointly unfurling their flags on Mars") == "Vladimir Putin"
    assert speaker_of("the quality of Chinese electric vehicles has improved") == "Vladimir Putin"
    assert speaker_of("Russia welcomes the expansion of China's automobile") == "Vladimir Putin"
    assert speaker_of("install a nuclear power plant on the Moon") == "Yuri Borisov"
    assert speaker_of("extensive network of direct contacts") == "Vladimir Putin"
    assert speaker_of("Russia appreciates China's objective") == "Russian media"
    assert "Chinese expert" in (speaker_of("breakthroughs are expected") or "")
    assert [q.start for q in people.quotes] == sorted(q.start for q in people.quotes)
    assert all(q.kind == "reported" for q in people.quotes)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        pytest.param("Ann Lee met Tom Hart on Monday. Ann Lee said she was tired. \"We will "
                     "not give up on this town,\" she said.",
                     "Ann Lee", id="she-keeps-the-speaker-chain"),
        pytest.param("A cashier at the store was shaken by the talk she had heard. Donna Lages "
                     "runs the diner. \"One guy came in and shouted at us,\" said the woman. "
                     "\"Too much hate in this town now,\" she said.",
                     None, id="she-after-unnamed-woman-names-no-one"),
        pytest.param("The report was published by the Treasury on Monday. It said the bank "
                     "had hidden several losses from its auditors.",
                     None, id="it-after-unnamed-report-names-no-one"),
        pytest.param("David Cameron's spokesman said the prime minister stood by his words.",
                     "David Cameron's spokesman", id="possessor-is-not-the-spokesman"),
        pytest.param("As stated by the Daily Telegraph, the city became the first to "
                     "mandate a higher minimum wage.",
                     "Daily Telegraph", id="as-reported-by-agent"),
    ],
)
def test_speaker_resolution_or_none(pipeline: SpacyPipeline, text: str,
                                    speaker: str | None) -> None:
    _, people = analyse(pipeline, text)
    assert people.quotes
    assert people.quotes[-1].speaker == speaker


def test_dateline_with_outlet_is_not_the_speaker(pipeline: SpacyPipeline) -> None:
    _, people = analyse(pipeline, "LONDON (Reuters) - Donald Trump said he was unlikely to "
                                  "have a good relationship with David Cameron.")
    assert people.quotes[0].speaker in ("Donald Trump", None)
    assert people.quotes[0].speaker != "LONDON"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("``We will win the seat,'' she said. ''And then the next one.''",
                     ["We will win the seat,", "And then the next one."],
                     id="typewriter-marks"),
        pytest.param("The players' union said 'no' to the offer.", [], id="possessive-apostrophe"),
        pytest.param('"The U.S. is not about “Equal Justice” anymore. It is',
                     [], id="curly-inside-straight-is-nested"),
        pytest.param('“He called it "nonsense" today,” she said.',
                     ['He called it "nonsense" today,'], id="straight-inside-curly-is-nested"),
        pytest.param('"First part ends here. "Second part runs on." Then narration.',
                     ["First part ends here.", "Second part runs on."],
                     id="reopened-after-sentence-end-splits"),
    ],
)
def test_quotation_mark_pairing(text: str, expected: list[str]) -> None:
    quoted = pair_quotation_marks(text)
    assert [text[a:b] for a, b in quoted.closed] == expected


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        pytest.param("Ann Lee spoke at the rally. ``We will rebuild the old bridge next "
                     "year,'' she said.", "Ann Lee", "We will rebuild the old bridge",
                     id="typewriter-quote-marks"),
        pytest.param('Dr. Ann Ward stated:\n\n"The agency has gone far beyond its powers. It '
                     "is about “Equal Justice” no longer.\n\n\"The courts will have the last "
                     'word on this matter."', "Ann Ward", "courts will have the last word",
                     id="colon-block-with-nested-marks"),
        pytest.param("Mr Howard said Mr Blunkett had complained he had inherited a \"giant "
                     "mess\" at the Home Office.", "Howard", "giant mess",
                     id="nested-speech-belongs-to-outer-speaker"),
        pytest.param("Tom Hale described the device as a cheap laptop, \"We have to get the "
                     "display down to below twenty dollars.\"", "Tom Hale",
                     "We have to get the display down", id="described-as"),
        pytest.param("Lu Kang repeated that China opposed hacking and acted against it.",
                     "Lu Kang", "China opposed hacking", id="repeated-that"),
        pytest.param("Mr Blair retorted voters remembered the record of the government.",
                     "Blair", "voters remembered the record", id="retorted"),
        pytest.param("Mira Nair met the cast in London. \"I said, get some rest, won't you,\" "
                     "she joked. \"I'm not a fan of the underfed actor at all. This was a "
                     "story about a woman. \"I love the fleshiness it brings.\"", "Mira Nair",
                     "I love the fleshiness", id="quote-reopened-in-run-together-paragraphs"),
        pytest.param("Curfews and community service orders were other options which could be "
                     "used if court orders to allow parental access were defied, Lord Falconer "
                     "said.", "Falconer", "Curfews and community service orders",
                     id="closing-attribution-hung-on-the-clause"),
        pytest.param("Lu Kang spoke in Beijing. People should provide evidence for their "
                     "accusations and not wave around speculative words like “maybe” and "
                     "“perhaps”, he told reporters.", "Lu Kang",
                     "People should provide evidence", id="closing-attribution-conjoined"),
        pytest.param("Ann Lee spoke in the Commons. \"No bill goes through without scrutiny, "
                     "but this one will,\" she said.\n\n\"I have no desire to make further "
                     "concessions on the bill.\" The debate went on.", "Ann Lee",
                     "I have no desire", id="quote-paragraph-after-a-cued-quote"),
        pytest.param("Sen. Ted Cruz was also critical of the stance, telling Breitbart London: "
                     "\"The comments today are typical of his administration.\"", "Ted Cruz",
                     "The comments today are typical", id="colon-after-a-participle-of-saying"),
        pytest.param("Lord Falconer told BBC Radio 4's Today programme he hoped voluntary "
                     "mediation could help solve disputes.", "Falconer",
                     "he hoped voluntary mediation", id="told-listener-then-clause"),
    ],
)
def test_recall_classes(pipeline: SpacyPipeline, text: str, speaker: str,
                        content: str) -> None:
    _, people = analyse(pipeline, text)
    quotes = [q for q in people.quotes if content in q.text]
    assert quotes, people.quotes
    assert quotes[0].speaker is not None and speaker in quotes[0].speaker


def test_a_colon_quote_shows_the_verb_of_saying_as_its_cue(pipeline: SpacyPipeline) -> None:
    _, people = analyse(pipeline, "Sen. Ted Cruz was also critical of the stance, telling "
                                  "Breitbart London: \"The comments today are typical of his "
                                  "administration.\"")
    assert [(q.speaker, q.cue) for q in people.quotes] == [("Ted Cruz", "telling")]


@pytest.mark.parametrize("text", [
    "A spokesman for the group was unable to say when the refinery would reopen.",
    "The firm declined to say whether it would pay the fine.",
    "Ann Lee refused to say who had told her.",
    "Mr Smith did not want to say if he would stay.",
])
def test_what_someone_would_not_say_is_not_a_quote(pipeline: SpacyPipeline, text: str) -> None:
    assert analyse(pipeline, text)[1].quotes == ()


def test_a_quote_paragraph_after_a_longer_closing_is_not_carried_on(
        pipeline: SpacyPipeline) -> None:
    # The paragraph before ends on more than the quote's cue: the new quotation is not
    # given to its speaker.
    _, people = analyse(pipeline, "\"We will not sign,\" Ann Lee said, before the talks "
                                  "broke up and the delegates went home for the night.\n\n"
                                  "\"Nobody expected this.\" The hall emptied.")
    assert not any(q.speaker and "Nobody expected" in q.text for q in people.quotes)


@pytest.mark.parametrize("text", [
    "The family have lived in the suburb for three months, and though they speak barely a "
    "word of English, their smiles said a lot.",
    "The plan had been costly, and in the end, the minister said nothing.",
])
def test_a_closing_verb_with_its_own_object_reports_nothing(pipeline: SpacyPipeline,
                                                            text: str) -> None:
    assert analyse(pipeline, text)[1].quotes == ()


def test_transcript_label_inside_quotes_is_a_new_speaker(pipeline: SpacyPipeline) -> None:
    text = ("Partial transcript as follows:\n\n\"WALLACE: Let's start with the news on the "
            "debate tonight.\n\n\"PENCE: Well, look, the American people have an important "
            "choice to make.\"")
    _, people = analyse(pipeline, text)
    speakers = {q.speaker for q in people.quotes if "American people" in q.text}
    assert speakers == {"PENCE"}


@pytest.mark.parametrize(
    ("text", "content", "left_out"),
    [
        pytest.param("House Speaker Paul Ryan said he cannot currently support Donald Trump, "
                     "throwing a wrench in the nominee's efforts to unify the party.",
                     "he cannot currently support Donald Trump", "throwing",
                     id="trailing-participle-is-the-writer's"),
    ],
)
def test_reported_content_boundaries(pipeline: SpacyPipeline, text: str, content: str,
                                     left_out: str) -> None:
    _, people = analyse(pipeline, text)
    quotes = [q for q in people.quotes if content in q.text]
    assert quotes, people.quotes
    assert left_out not in quotes[0].text
    assert not quotes[0].text.endswith(("and", ","))


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        pytest.param("LONDON (Reuters) - Maria Lopez said she was unlikely to meet the "
                     "minister this year.", "Maria Lopez", "she was unlikely to meet",
                     id="dateline-as-second-subject"),
        pytest.param("Tom Hale, who is running for mayor, tweeted on Friday to say he had "
                     "never backed the plan.", "Tom Hale", "he had never backed the plan",
                     id="predicate-hung-on-the-name"),
        pytest.param("Tom Hale pivoted to arguing that the plan was one more reason to act.",
                     "Tom Hale", "the plan was one more reason", id="gerund-after-preposition"),
        pytest.param("Tom Hale said on Friday during a news conference that he may wait until "
                     "March to decide.", "Tom Hale", "he may wait until March",
                     id="that-clause-hung-on-a-noun"),
        pytest.param("Tom Hale spoke for an hour, noting that at one point last year he had "
                     "trailed by 50 points.", "Tom Hale", "at one point last year he had",
                     id="that-read-as-a-preposition"),
    ],
)
def test_speaker_found_through_misparses(pipeline: SpacyPipeline, text: str, speaker: str,
                                         content: str) -> None:
    _, people = analyse(pipeline, text)
    quotes = [q for q in people.quotes if content in q.text]
    assert quotes, people.quotes
    assert quotes[0].speaker == speaker


def test_second_quotation_belongs_to_its_own_cue(pipeline: SpacyPipeline) -> None:
    _, people = analyse(
        pipeline,
        "In an interview with the Daily Mail, Tom Hale insisted it was “premature” to back the "
        "plan while adding on other matters, “I don’t have any doubt that her heart is in the "
        "right place.”")
    by_cue = {q.cue: q for q in people.quotes}
    assert by_cue["adding"].speaker == "Tom Hale"
    assert by_cue["adding"].text.startswith("I don’t have any doubt")
    assert "any doubt" not in by_cue["insisted"].text


def test_content_keeps_no_orphan_quotation_mark(pipeline: SpacyPipeline) -> None:
    _, people = analyse(pipeline, 'He said "it is more likely than not" that the ban would be '
                                  'lifted before July, and Mr Straw said the "motives of some '
                                  'countries" were unclear.')
    texts = [q.text for q in people.quotes]
    assert any(t.startswith("it is more likely than not that the ban") for t in texts), texts
    assert any('"motives of some countries"' in t for t in texts), texts


def test_subject_of_a_subordinate_clause_is_less_salient(pipeline: SpacyPipeline) -> None:
    """'he said' after "Clarke said ... when Blunkett argued ...": the main clause's speaker,
    not the subject of the "when" clause."""
    text = ("Cards plan\n\nBut Mr Clarke said he had backed the plans when Mr Blunkett argued "
            "for them in Cabinet. \"Cards are a means to a more secure society,\" he said.")
    _, people = analyse(pipeline, text)
    found = {q.text.strip(" ,"): q.speaker for q in people.quotes}
    assert found.get("Cards are a means to a more secure society") == "Clarke", found


@pytest.mark.parametrize(
    ("text", "quote", "speaker"),
    [
        pytest.param("Laptops\n\nMaria Lopez wants schools to use them but conceded this was "
                     "ambitious. \"Phone makers sell millions a year, so we can too.\" She "
                     "plans a launch in May.",
                     "Phone makers sell millions a year, so we can too.", "Maria Lopez",
                     id="after-a-verb-of-saying"),
        pytest.param("Laptops\n\nMaria Lopez set up two schools in Peru. \"We put in twenty "
                     "laptops and only one has broken.\" She plans a launch in May.",
                     "We put in twenty laptops and only one has broken.", "Maria Lopez",
                     id="between-sentences-about-the-speaker"),
    ],
)
def test_standalone_quotation_framed_by_its_speaker(pipeline: SpacyPipeline, text: str,
                                                    quote: str, speaker: str) -> None:
    _, people = analyse(pipeline, text)
    found = {q.text: q.speaker for q in people.quotes}
    assert found.get(quote) == speaker, found


def test_standalone_quotation_without_a_frame_is_left_out(pipeline: SpacyPipeline) -> None:
    """No verb of saying before it and another subject after it: whose words these are is a
    guess, and a wrong name is worse than none."""
    _, people = analyse(pipeline, "Laptops\n\nMaria Lopez set up two schools in Peru. \"We "
                                  "put in twenty laptops and only one has broken.\" The "
                                  "ministry plans a launch in May.")
    assert [q.text for q in people.quotes] == []


def test_a_name_the_recogniser_missed_still_takes_the_floor(pipeline: SpacyPipeline) -> None:
    """ "Theresa May ... told ... She said ...": the recogniser misses the name, but the
    pronoun must not jump back to the last woman it did find."""
    text = ("Family courts\n\nThe plans were criticised by Children's Minister Margaret Hodge "
            "last week.\n\nTheresa May, shadow secretary for the family, told the Today "
            "programme that the plans were inadequate. She said a new government would bring "
            "radical reform.")
    _, people = analyse(pipeline, text)
    found = {q.text: q.speaker for q in people.quotes}
    assert found.get("a new government would bring radical reform") is None
    assert "a new government would bring radical reform" in found


def test_framing_verb_keeps_its_own_reported_quote(pipeline: SpacyPipeline) -> None:
    _, people = analyse(pipeline, "Laptops\n\nMatthew Herren says there are both pros and "
                                  "cons to the project. \"It is very simple to set up, just a "
                                  "satellite antenna on the roof.\"")
    assert [(q.speaker, q.kind) for q in people.quotes] == [
        ("Matthew Herren", "reported"), ("Matthew Herren", "direct")]


@pytest.mark.parametrize(
    ("text", "quote", "speaker"),
    [
        pytest.param("Fees\n\nThe figures were published on Thursday. Director, David Caldwell, "
                     "said some students were avoiding fees. He told the BBC: \"The reason "
                     "people choose Scotland is the courses.\"",
                     "The reason people choose Scotland is the courses.", "David Caldwell",
                     id="capitalised-title-beside-the-name-is-not-a-rival"),
        pytest.param("Fees\n\nDavid Caldwell said fees were rising. Mr Wallace agreed and said "
                     "the figures needed context. He explained that acceptances were lower.",
                     "acceptances were lower", "Wallace",
                     id="subject-of-a-verb-joined-to-one-of-saying"),
        pytest.param("Peace\n\nCardinal Cormac Murphy-O'Connor spoke at Westminster. Archbishop "
                     "Rowan Williams criticised the war. On Friday, the Cardinal will ask the "
                     "congregation to pray. \"It is possible, it is real,\" he will say.",
                     "It is possible, it is real,", "Cormac Murphy-O'Connor",
                     id="capitalised-definite-title"),
    ],
)
def test_pronoun_speakers_through_titles(pipeline: SpacyPipeline, text: str, quote: str,
                                         speaker: str) -> None:
    _, people = analyse(pipeline, text)
    found = {q.text: q.speaker for q in people.quotes}
    assert found.get(quote) == speaker, found
