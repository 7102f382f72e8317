"""The digest over many articles: entity merging across articles, the merged sections, the
JSON schema, failures kept in place (CLI exit codes), folders, and "new since"."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from summarizer.api import Analyzer
from summarizer.article import article_from_text
from summarizer.backends import Backends
from summarizer.cli import main
from summarizer.digest import (
    DigestOptions,
    PreviousDigest,
    SourceFailure,
    build_digest,
    merge_actors,
    name_key,
    previous_from_dict,
    previous_from_digest,
)
from summarizer.render import digest_to_dict, digest_to_markdown, digest_to_text
from summarizer.types import Actor, ActorType, Article, Briefing, ModelInfo, Quote

# Three short stories that name one person three ways: in full, by surname, and "Ms X".
HARBOUR = [
    "Council approves harbour plan\n\nThe city council approved a plan to rebuild the old "
    "harbour on Monday, after a debate that lasted most of the night.\n\nMayor Helen Whitcombe "
    "said the vote was a turning point for the town. \"We have waited ten years for this day, "
    "and now the work can begin,\" Helen Whitcombe told reporters outside the town hall.\n\n"
    "The plan will cost about 40 million pounds, most of it from a national regeneration fund.",
    "Harbour contractor named\n\nA local building firm, Marlow Construction, has won the "
    "contract to rebuild the harbour wall, the council said on Wednesday.\n\nWhitcombe said "
    "the firm had promised to hire apprentices from the town. \"Local jobs were the point of "
    "this plan from the start,\" Whitcombe said.\n\nWork is due to start in the spring and "
    "last two years.",
    "Fishermen welcome harbour works\n\nFishermen in the town have welcomed the start of the "
    "harbour works, saying the old wall had become dangerous in winter storms.\n\nMs Whitcombe "
    "met the fishermen's association on Friday to hear their concerns about access during the "
    "building work. Ms Whitcombe promised that one berth would stay open throughout.\n\nThe "
    "association's chairman, Peter Gale, said members were relieved. \"We were losing boats "
    "to other ports every year,\" Mr Gale said.",
]
MODELS = ModelInfo(summary="s", topics="t", entities="e")


@pytest.fixture(scope="module")
def harbour(backends: Backends) -> tuple[list[Article], Analyzer]:
    articles = [article_from_text(text, source=f"harbour-{i}.txt")
                for i, text in enumerate(HARBOUR, start=1)]
    return articles, Analyzer(backends)


def test_one_person_named_three_ways_is_one_entry(
        harbour: tuple[list[Article], Analyzer]) -> None:
    articles, analyzer = harbour
    digest = analyzer.digest(articles, DigestOptions(workers=2))
    whitcombe = [a for a in digest.actors if "whitcombe" in name_key(a.name)]
    assert len(whitcombe) == 1
    assert whitcombe[0].name == "Helen Whitcombe"
    assert whitcombe[0].articles == 3
    assert [c.article for c in whitcombe[0].citations] == [1, 2, 3]
    assert all(c.paragraphs for c in whitcombe[0].citations)
    # Recurring means in two articles or more: Peter Gale (one article) is not listed.
    assert [(a.name, a.articles) for a in digest.actors] == [("Helen Whitcombe", 3)]


def test_sections_cite_articles_and_paragraphs(harbour: tuple[list[Article], Analyzer]) -> None:
    articles, analyzer = harbour
    digest = analyzer.digest(articles)
    assert [a.headline for a in digest.articles] == [a.title for a in articles]
    for item in digest.articles:
        assert 1 <= len(item.bullets) <= 2
        assert all(b.paragraphs for b in item.bullets)
    assert 1 <= len(digest.quotes) <= 3
    # Named speakers first, the one who recurs across articles before the others; one
    # quote per speaker.
    speakers = [q.speaker for q in digest.quotes]
    assert speakers[:2] == ["Helen Whitcombe", "Peter Gale"]
    assert len(set(speakers)) == len(speakers)
    for quote in digest.quotes:
        source = articles[quote.citation.article - 1]
        assert quote.text in source.paragraph(quote.citation.paragraphs[0]).text
    assert digest.topics and all(t.citations for t in digest.topics)
    text = digest_to_text(digest)
    assert "Helen Whitcombe" in text and "#3 ¶" in text
    assert "## Recurring actors" in digest_to_markdown(digest)


def _briefing(source: str, actors: list[tuple[str, ActorType, tuple[str, ...]]],
              quotes: tuple[Quote, ...] = ()) -> Briefing:
    article = article_from_text(f"A story from {source} about things that happened today.",
                                source=source)
    return Briefing(article=article, models=MODELS, summary=(), topics=(),
                    actors=tuple(Actor(name=n, type=t, role=None, aliases=a, mentions=2,
                                       paragraphs=(1,)) for n, t, a in actors),
                    quotes=quotes)


@pytest.mark.parametrize(
    ("articles", "expected"),
    [
        # Full name, surname typed as an organisation by the recogniser, and a title.
        ([[("Jane Doe", "person", ("Doe",))], [("Doe", "organization", ())],
          [("Ms Doe", "person", ())]], {"Jane Doe": 3}),
        # Two people share a surname: a bare "Smith" is not guessed into either.
        ([[("John Smith", "person", ())], [("Mary Smith", "person", ())],
          [("Smith", "person", ())]], {"John Smith": 1, "Mary Smith": 1, "Smith": 1}),
        # ... nor through the aliases each article gave its own Smith.
        ([[("John Smith", "person", ("Smith",))], [("Mary Smith", "person", ("Smith",))]],
         {"John Smith": 1, "Mary Smith": 1}),
        # Organisations by normalised name, legal suffix and initials.
        ([[("the United Nations", "organization", ())], [("UN", "organization", ())],
          [("U.N.", "organization", ())]], {"the United Nations": 3}),
        ([[("Acme Corp", "organization", ())], [("Acme", "organization", ())]], {"Acme Corp": 2}),
        # A place and a person with one word each stay apart from unrelated names.
        ([[("Paris", "place", ())], [("Paris", "place", ())], [("Paris Hilton", "person", ())]],
         {"Paris": 2, "Paris Hilton": 1}),
    ],
)
def test_merge_actors_table(articles: list[list[tuple[str, ActorType, tuple[str, ...]]]],
                            expected: dict[str, int]) -> None:
    briefed = [(i, _briefing(f"s{i}", actors)) for i, actors in enumerate(articles, start=1)]
    merged = merge_actors(briefed)
    assert {a.name: a.articles for a in merged} == expected


@pytest.mark.parametrize(
    ("name", "key"),
    [("Ms. Doe's", "doe"), ("the U.N.", "un"), ("President Jane Doe", "jane doe"),
     ("Mr", "mr"), ("J. R. Smith", "j r smith")],
)
def test_name_key(name: str, key: str) -> None:
    assert name_key(name) == key


def test_quotes_prefer_named_direct_recurring_speakers() -> None:
    def quote(speaker: str | None, text: str, kind: str = "direct") -> Quote:
        return Quote(speaker=speaker, cue="said", text=text, kind=kind,  # type: ignore[arg-type]
                     paragraph=1)

    words = "the plan will change how the town works for years to come"
    first = _briefing("a", [("Jane Doe", "person", ())],
                      (quote("he", words), quote("Jane Doe", words + " now")))
    second = _briefing("b", [("Doe", "person", ()), ("Tom Lee", "person", ())],
                       (quote("Tom Lee", words + " here", "reported"),
                        quote("Doe", words + " again")))
    digest = build_digest([first, second], DigestOptions(quotes=2))
    assert [q.speaker for q in digest.quotes] == ["Jane Doe", "Tom Lee"]
    assert [q.citation.article for q in digest.quotes] == [1, 2]


def test_failures_stay_in_place_and_json_schema() -> None:
    good = _briefing("good.txt", [("Jane Doe", "person", ())])
    digest = build_digest([SourceFailure("bad.txt", "No such file: bad.txt"), good])
    data = json.loads(json.dumps(digest_to_dict(digest)))
    assert data["schema"] == 1 and data["kind"] == "digest"
    assert data["briefed"] == 1 and data["failed"] == 1
    assert data["articles"][0] == {"index": 1, "source": "bad.txt", "title": None,
                                   "error": "No such file: bad.txt"}
    entry = data["articles"][1]
    assert entry["briefing"]["schema"] == 1 and entry["briefing"]["article"]["source"] == "good.txt"
    assert set(entry) == {"index", "source", "title", "key", "headline", "bullets", "briefing"}
    assert set(data) == {"schema", "kind", "briefed", "failed", "articles", "actors", "topics",
                         "quotes", "new_since"}
    assert data["new_since"] is None


def test_new_since_previous_digest() -> None:
    first = _briefing("a.txt", [("Jane Doe", "person", ())])
    second = _briefing("b.txt", [("Jane Doe", "person", ()), ("Tom Lee", "person", ())])
    old = build_digest([first])
    previous = previous_from_dict(json.loads(json.dumps(digest_to_dict(old))))
    assert previous == previous_from_digest(old)
    new = build_digest([first, second], DigestOptions(previous=previous))
    assert new.new_since is not None
    assert new.new_since.articles == (2,)
    assert new.new_since.updated == ()
    # The same source with another text reads as updated, not new.
    edited = _briefing("a.txt", [("Jane Doe", "person", ())])
    edited = Briefing(article=article_from_text("A changed story about other things today.",
                                                source="a.txt"),
                      models=MODELS, summary=(), topics=(), actors=edited.actors, quotes=())
    again = build_digest([edited], DigestOptions(previous=PreviousDigest(
        keys=previous.keys, sources=previous.sources)))
    assert again.new_since is not None and again.new_since.updated == (1,)
    with pytest.raises(ValueError, match="digest"):
        previous_from_dict({"schema": 1, "article": {}})


def _run(argv: list[str], backends: Backends) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err, environ={}, backends=backends)
    return code, out.getvalue(), err.getvalue()


def test_cli_failing_source_reported_in_place(tmp_path: Path, backends: Backends) -> None:
    for i, text in enumerate(HARBOUR[:2], start=1):
        (tmp_path / f"{i}.txt").write_text(text, encoding="utf-8")
    code, out, err = _run(["digest", str(tmp_path / "1.txt"), str(tmp_path / "missing.txt"),
                           str(tmp_path / "2.txt"), "--json", "--no-cache", "--quiet"], backends)
    assert code == 0
    data = json.loads(out)
    assert [("error" in a) for a in data["articles"]] == [False, True, False]
    assert "#2" in err and "No such file: missing.txt" in err
    code, out, err = _run(["digest", str(tmp_path / "missing.txt"), "--no-cache", "--quiet"],
                          backends)
    assert code == 1
    assert "could not be briefed" in " ".join(out.split()) and "No such file" in err
    assert "RECURRING ACTORS" not in out


def test_cli_folder_and_since(tmp_path: Path, backends: Backends) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for i, text in enumerate(HARBOUR, start=1):
        (folder / f"{i}.txt").write_text(text, encoding="utf-8")
    (folder / "notes.csv").write_text("not, an, article", encoding="utf-8")
    (tmp_path / "extra.md").write_text(HARBOUR[0].replace("harbour", "port"), encoding="utf-8")
    code, out, _ = _run(["digest", str(folder), "--json", "--no-cache", "-q"], backends)
    assert code == 0
    first = json.loads(out)
    assert [Path(a["source"]).name for a in first["articles"]] == ["1.txt", "2.txt", "3.txt"]
    assert first["actors"][0]["name"] == "Helen Whitcombe"
    assert first["actors"][0]["articles"] == 3
    previous = tmp_path / "previous.json"
    previous.write_text(out, encoding="utf-8")
    code, out, _ = _run(["digest", str(folder), str(tmp_path / "extra.md"), "--markdown",
                         "--since", str(previous), "--no-cache", "-q"], backends)
    assert code == 0
    assert "## New since the previous digest" in out and "New articles: #4" in out
    code, _, err = _run(["digest", str(folder), "--since", str(folder / "1.txt")], backends)
    assert code == 2 and "--since" in err


def test_run_digest_keeps_analysis_failures_in_place() -> None:
    from summarizer.digest import run_digest
    from summarizer.errors import InputError
    from summarizer.options import AnalysisOptions

    articles = [_briefing(f"s{i}.txt", [("Jane Doe", "person", ())]).article for i in range(4)]
    done: list[int] = []

    def analyse(article: Article, options: AnalysisOptions) -> Briefing:
        if article.source == "s2.txt":
            raise InputError("The text does not look like English.")
        return _briefing(article.source, [("Jane Doe", "person", ())])

    digest = run_digest([*articles, SourceFailure("gone.txt", "No such file")], analyse,
                        DigestOptions(workers=2), on_done=done.append)
    assert [a.error is None for a in digest.articles] == [True, True, False, True, False]
    assert digest.articles[2].source == "s2.txt"
    assert digest.articles[2].error == "The text does not look like English."
    assert sorted(done) == [0, 1, 2, 3, 4]
    assert digest.actors[0].name == "Jane Doe" and digest.actors[0].articles == 3
