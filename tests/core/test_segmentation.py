"""Sentence segmentation on the hard cases of news text (issue 9, item 2).

`HARD_CASES` is also the table that benchmarks/eval_segmentation.py scores every candidate
splitter on.
"""

from __future__ import annotations

import pytest

from summarizer.article import article_from_text
from summarizer.text import split_sentences

# (case id, text, the sentences expected)
HARD_CASES: list[tuple[str, str, list[str]]] = [
    ("dotted-name", "In those settlements, J.P. Morgan paid $13 billion. The bank declined to "
     "comment.", ["In those settlements, J.P. Morgan paid $13 billion.",
                  "The bank declined to comment."]),
    ("us-mid", "U.S. officials met the U.S. Senate on Tuesday. Nothing was agreed.",
     ["U.S. officials met the U.S. Senate on Tuesday.", "Nothing was agreed."]),
    ("us-end", "The company moved its headquarters to the U.S. The next year it doubled.",
     ["The company moved its headquarters to the U.S.", "The next year it doubled."]),
    ("titles", "Gov. Chris Christie met Sen. Michael Doherty and Rep. Jim Smith. Mr. Smith "
     "left early.", ["Gov. Chris Christie met Sen. Michael Doherty and Rep. Jim Smith.",
                     "Mr. Smith left early."]),
    ("saint", "The rally was held in St. Louis near St. Mary's church. Thousands came.",
     ["The rally was held in St. Louis near St. Mary's church.", "Thousands came."]),
    ("company", "Acme Inc. said sales rose. Rivals Widget Corp. and Gadget Co. Ltd. fell.",
     ["Acme Inc. said sales rose.", "Rivals Widget Corp. and Gadget Co. Ltd. fell."]),
    ("company-end", "The deal was struck with Acme Inc. But it fell apart a week later.",
     ["The deal was struck with Acme Inc.", "But it fell apart a week later."]),
    ("number", "The team is ranked No. 5 in the country. It was No. 2 last year.",
     ["The team is ranked No. 5 in the country.", "It was No. 2 last year."]),
    ("said-no", "Asked whether he would run, he said no. Then he left the room.",
     ["Asked whether he would run, he said no.", "Then he left the room."]),
    ("initial", "John F. Kennedy was elected in 1960. George W. Bush followed decades later.",
     ["John F. Kennedy was elected in 1960.", "George W. Bush followed decades later."]),
    ("decimal", "Prices rose 3.5% in May, after 2.75% in April. Analysts were surprised.",
     ["Prices rose 3.5% in May, after 2.75% in April.", "Analysts were surprised."]),
    ("date", "The law takes effect on Jan. 1, 2017, and ends in Sept. 2018. It was signed "
     "at 10 a.m. Tuesday.", ["The law takes effect on Jan. 1, 2017, and ends in Sept. 2018.",
                             "It was signed at 10 a.m. Tuesday."]),
    ("state", "Rep. Ann Lee, R-Calif., and Sen. Bob Ray of Ill. voted no. They lost.",
     ["Rep. Ann Lee, R-Calif., and Sen. Bob Ray of Ill. voted no.", "They lost."]),
    ("quote-attribution", '"I thought the lines were going to be ridiculous." she said. '
     "The airport was quiet.", ['"I thought the lines were going to be ridiculous." she said.',
                                "The airport was quiet."]),
    ("quote-then-sentence", '"Now it\'s five or six." The next morning the queue was gone.',
     ['"Now it\'s five or six."', "The next morning the queue was gone."]),
    ("curly-quote", "“Now it’s five or six.” The next morning the queue was gone.",
     ["“Now it’s five or six.”", "The next morning the queue was gone."]),
    ("quote-comma", '"We will win," he said. "No doubt about it."',
     ['"We will win," he said.', '"No doubt about it."']),
    ("question-in-quote", '"Why now?" she asked. Nobody answered.',
     ['"Why now?" she asked.', "Nobody answered."]),
    ("quote-inside", 'He said: "It is over. We lost." Then he left.',
     ['He said: "It is over.', 'We lost."', "Then he left."]),
    ("ellipsis-mid", "The deal was ... complicated, he said. Talks resume Monday.",
     ["The deal was ... complicated, he said.", "Talks resume Monday."]),
    ("ellipsis-end", "He paused... Then he went on. She waited . . . and waited.",
     ["He paused...", "Then he went on.", "She waited . . . and waited."]),
    ("unicode-ellipsis", "It was over… The crowd left.", ["It was over…", "The crowd left."]),
    ("hyphen", "The e-tailer was acting as a bully, the anti-trust lawyer said. It denied it.",
     ["The e-tailer was acting as a bully, the anti-trust lawyer said.", "It denied it."]),
    ("brand", "Sales of the phone fell. eBay said it would cut prices.",
     ["Sales of the phone fell.", "eBay said it would cut prices."]),
    ("bracket", "(The vote was close.) Opponents said they would appeal.",
     ["(The vote was close.)", "Opponents said they would appeal."]),
    ("court-case", "In Abbott v. Burke the court ruled for the districts. The state paid.",
     ["In Abbott v. Burke the court ruled for the districts.", "The state paid."]),
    ("lowercase-after", "no capital after this. and so on", ["no capital after this. and so on"]),
    ("exclamation", "It worked! Engineers cheered. Did it last? Nobody knows.",
     ["It worked!", "Engineers cheered.", "Did it last?", "Nobody knows."]),
]


@pytest.mark.parametrize(("text", "expected"), [(t, e) for _, t, e in HARD_CASES],
                         ids=[case for case, _, _ in HARD_CASES])
def test_hard_cases(text: str, expected: list[str]) -> None:
    assert [text[start:end] for start, end in split_sentences(text)] == expected


@pytest.mark.parametrize(("text", "expected"), [(t, e) for _, t, e in HARD_CASES],
                         ids=[case for case, _, _ in HARD_CASES])
def test_spans_cover_the_text_in_order(text: str, expected: list[str]) -> None:
    spans = split_sentences(text)
    assert spans == sorted(spans)
    assert "".join(text[s:e] for s, e in spans).replace(" ", "") == text.replace(" ", "")


def test_article_sentences_use_the_same_splitter() -> None:
    text = ("In those settlements, J.P. Morgan paid $13 billion to the U.S. government. The bank "
            "declined to comment on Tuesday.\n\nGov. Chris Christie said nothing.")
    article = article_from_text(text)
    assert [s.text for s in article.sentences] == [
        "In those settlements, J.P. Morgan paid $13 billion to the U.S. government.",
        "The bank declined to comment on Tuesday.",
        "Gov. Chris Christie said nothing.",
    ]
