"""Credit lines are recognised at load time and kept out of the body (issue 9, item 3)."""

from __future__ import annotations

import pytest

from summarizer.article import article_from_text
from summarizer.credits import is_credit, split_credits
from summarizer.render import article_to_dict

STORY = ("Islamic State fighters have persecuted minorities in the region it controls, the "
         "report said on Tuesday. Officials in Baghdad said the findings would be studied.")


@pytest.mark.parametrize("line", [
    "By Jane Smith",
    "By Jane Smith, Reuters",
    "By JANE SMITH and Tom O'Neil | The Washington Post",
    "BYLINE: Amber Phillips",
    "(Reporting by Amanda Becker in Washington; Writing by Luciana Lopez; Editing by "
    "Matthew Lewis.)",
    "(Reporting by Jason Lange and Dustin Volz; Additional reporting by Jim Finkle in Boston, "
    "and Ben Blanchard in BEIJING; Editing by Grant McCool.)",
    "Additional reporting by Kylie MacLellan; Editing by Michael Holden and Gareth Jones.",
    "Writing by Scott Malone",
    "Compiled by Tom Brown",
    "Follow Pam Key on Twitter @pamkeyNEN",
    "Follow @politico.",
    "Follow @USATOpinion or #tellusatoday on Twitter for more of this discussion.",
    "Photo: Jane Doe/Reuters",
    "(AP Photo/Evan Vucci)",
    "Image copyright Getty Images",
    "--additional reporting from Darren Samuelsohn.",
    "— Additional reporting by Linh Tat.",
    "Amanda Terkel contributed reporting.",
    "Alex Isenstadt contributed to this story.",
    "Sam Lachman contributed reporting from Charleston. Ryan Grim reported from Washington, D.C.",
    "Lerer reported from Los Angeles. Associated Press writer Jill Colvin contributed from "
    "Albuquerque.",
])
def test_credit_lines_are_recognised(line: str) -> None:
    assert is_credit(line)


@pytest.mark.parametrize("sentence", [
    "By Tuesday, the storm had moved north and the rain had stopped.",
    "By winning the Republican primary in Ohio, John Kasich picked up all 66 delegates.",
    "Soros contributed more than $2 million to the group.",
    "Mr. Rastin also contributed $300,000 to an independent group.",
    "Reuters reported from Kabul that the city had fallen.",
    "Reporting from Kabul, our correspondent found the city had fallen.",
    "By contrast, Trump has just 5 percent support of the black vote.",
    "By 2015, the American coal market was in a deep slide.",
    "Reporting by the BBC showed that prices rose sharply in the spring.",
    "Photos showed horror-stricken mourners crouched over blanket-covered bodies.",
    "Follow the money, the senator told reporters.",
    "Editing the bill took months, she said.",
    "By Tuesday",
])
def test_sentences_are_not_credit_lines(sentence: str) -> None:
    assert not is_credit(sentence)
    assert split_credits(sentence) == (sentence, ())


@pytest.mark.parametrize(("layout", "credit"), [
    ("By Jane Smith, Reuters\n\n{story}", "By Jane Smith, Reuters"),
    ("{story}\n\n(Reporting by Andy Bruce; Editing by Joyjeet Das)",
     "(Reporting by Andy Bruce; Editing by Joyjeet Das)"),
    ("{story} (Reporting by Amanda Becker in Washington; Editing by Eric Beech.)",
     "(Reporting by Amanda Becker in Washington; Editing by Eric Beech.)"),
    ("{story}\n\nFollow Pam Key on Twitter @pamkeyNEN", "Follow Pam Key on Twitter @pamkeyNEN"),
    ("Photo: Jane Doe/Reuters\n\n{story}", "Photo: Jane Doe/Reuters"),
])
def test_credits_leave_the_body_for_the_metadata(layout: str, credit: str) -> None:
    article = article_from_text(layout.format(story=STORY) + "\n\nA second paragraph of the "
                                "story follows here with more words.")
    assert article.credits == (credit,)
    assert credit not in article.text
    assert article.paragraphs[0].text == STORY
    assert all(credit not in s.text for s in article.sentences)


def test_a_byline_above_the_story_is_not_its_title() -> None:
    article = article_from_text(f"By Jane Smith\n\n{STORY}")
    assert article.title is None
    assert article.credits == ("By Jane Smith",)


def test_credits_are_in_the_json_article() -> None:
    article = article_from_text(f"{STORY}\n\n(Reporting by Andy Bruce; Editing by Joyjeet Das)")
    assert article_to_dict(article)["credits"] == [
        "(Reporting by Andy Bruce; Editing by Joyjeet Das)"]
    assert article_to_dict(article_from_text(STORY))["credits"] == []
