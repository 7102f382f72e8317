"""Which person "the 28-year-old" or "the Briton" is.

Sport, crime and court copy names a person once and then refers to them by age or nationality:
"McIlroy, 28, won the 800m. ... said the 28-year-old." A reader resolves this at once; left
alone, the quote has no speaker. The rule is narrow, because a wrong name is worse than none:
- an age names the one person the article gives that age ("McIlroy, 28,", "the 28-year-old
  McIlroy"); if the article gives no one that age, the person the text has been talking about
  (mentions weighted by recency), unless another is about as salient or has another age;
- a nationality ("the Briton", "the Kenyan") names only a person the article describes by it
  ("Briton Paula Radcliffe", role "Kenyan runner"); of several, none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from spacy.tokens import Token

from summarizer.entity_words import DEMONYMS
from summarizer.people_settings import DEFAULT_PEOPLE_SETTINGS, NominalSettings


@dataclass(frozen=True)
class Nominal:
    """What a person nominal says: an age, or a nationality word."""

    age: int | None = None
    demonym: str | None = None


@dataclass(frozen=True)
class Person:
    """A person mentioned before the nominal: key, stated ages, the words that describe them
    (roles and the word before a mention), and the sentences of their mentions."""

    key: str
    ages: frozenset[int]
    descriptions: frozenset[str]
    sentences: tuple[int, ...]


def age_of_phrase(head: Token) -> int | None:
    """The age in "the 28-year-old" when `head` is its "old", else None."""
    doc = head.doc
    if head.lower_ != "old" or head.i < 4:
        return None
    number, dash, year, dash2 = doc[head.i - 4: head.i]
    if (year.lower_ not in ("year", "years") or dash.text != "-" or dash2.text != "-"
            or not number.text.isdigit()):
        return None
    return int(number.text)


def nominal_of(head: Token) -> Nominal | None:
    """The person nominal headed by `head` ("the 28-year-old", "the Briton"), or None. The
    article "the" is required: "a 28-year-old" introduces someone new."""
    age = age_of_phrase(head)
    first = head.doc[head.i - 5] if age is not None and head.i >= 5 else (
        head.doc[head.i - 1] if head.i >= 1 else None)
    if first is None or first.lower_ != "the":
        return None
    if age is not None:
        return Nominal(age=age)
    if head.tag_ == "NNP" and head.lower_ in DEMONYMS:
        return Nominal(demonym=head.lower_)
    return None


def age_after(tokens: Iterable[Token]) -> int | None:
    """The age in ", 28," right after a name (`tokens` are the ones after it)."""
    window = list(tokens)[:3]
    if (len(window) == 3 and window[0].text == "," and window[1].text.isdigit()
            and window[2].text in (",", ".") and 10 <= int(window[1].text) <= 110):
        return int(window[1].text)
    return None


def choose(nominal: Nominal, sentence: int, people: Iterable[Person],
           settings: NominalSettings = DEFAULT_PEOPLE_SETTINGS.nominals) -> str | None:
    """The key of the person the nominal in sentence `sentence` refers to, or None."""
    people = [p for p in people if p.sentences]
    if nominal.demonym is not None:
        described = [p for p in people if nominal.demonym in p.descriptions]
        return described[0].key if len(described) == 1 else None
    if nominal.age is None:
        return None
    same_age = [p for p in people if nominal.age in p.ages]
    if len(same_age) == 1:
        return same_age[0].key
    if same_age:
        return None
    near = sentence - settings.age_lookback_sentences
    # Someone else of another stated age nearby makes the fallback a guess.
    if any(p.ages and max(p.sentences) >= near for p in people):
        return None
    return settings.most_salient(((p.key, p.sentences) for p in people
                                  if not p.ages and max(p.sentences) >= near), sentence)


def descriptions_of(roles: Iterable[str], words_before: Mapping[int, str]) -> frozenset[str]:
    """The lower-case words that describe a person: their roles' words and the word right
    before each mention ("Briton" in "Briton Paula Radcliffe")."""
    words: set[str] = set()
    for role in roles:
        words.update(role.lower().split())
    words.update(w.lower() for w in words_before.values())
    return frozenset(words)
