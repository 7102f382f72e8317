"""Which organisation "the company", "the airline" or "the newspaper" is.

News copy names an organisation once and then refers to it by what it is: "Verizon
Communications reached a deal ... The company said ...", "German airline Lufthansa ... the
airline said", "the Financial Times said ... the paper said". A reader resolves these without
effort; left unresolved, the speaker of the quote is a description rather than the actor.

The rule is kept narrow, because a wrong name is worse than none:
- only a definite, singular nominal ("the company", "the same airline"), never one that
  introduces a new organisation ("the parent company", "the company that owns it");
- the organisations it may name are those mentioned before it whose kind fits: a kind the
  article gives ("German airline Lufthansa", "Verizon, the telecoms company"), or one its
  name states ("Labor Department", "New York Times", "UFJ Bank"); a generic noun ("the
  company", "the firm", "the group") may also name an organisation whose kind the article
  never states, but never a government body, a court, a party or a news outlet;
- of several that fit, the one the text has been talking about (mentions weighted by
  recency); when two are about as salient, none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from summarizer.people_settings import DEFAULT_PEOPLE_SETTINGS, NominalSettings


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Nouns that say what kind of organisation something is, grouped into families whose members
# name the same kind ("the paper" is "the newspaper").
_FAMILIES: tuple[frozenset[str], ...] = (
    _words("newspaper paper daily tabloid"),
    _words("airline carrier"),
    _words("bank lender"),
    _words("carmaker automaker"),
    _words("network broadcaster channel"),
    _words("website site"),
    _words("club team side"),
    _words("organisation organization"),
    _words("regulator watchdog"),
)
# Kinds of business: "the company" or "the firm" may name any of them.
_BUSINESS = _words("""
    company firm business corporation giant conglomerate group airline carrier bank lender
    insurer retailer chain carmaker automaker manufacturer maker producer operator provider
    publisher startup studio label utility developer supplier distributor miner
    """)
# Kinds of public body or outlet, never "the company" or "the group".
_INSTITUTIONS = _words("""
    department ministry agency commission committee board council court party university
    college school police administration office bureau authority government parliament
    congress senate regulator watchdog newspaper paper daily tabloid magazine network
    broadcaster channel website site outlet campaign
    """)
# Nouns that, written as "the <noun>", can only mean an organisation the text has named.
# Not "the campaign": a candidate's campaign is named by the candidate ("the Trump
# campaign"), whom it must not be confused with.
ORGANISATION_NOUNS: frozenset[str] = (_BUSINESS | _INSTITUTIONS | _words("""
    union club team charity foundation association institute organisation organization
    """)) - {"campaign"}
# Generic nouns: they may name an organisation of a kind the article never states.
_GENERIC = _words("company firm group business corporation")
# Kinds that "the group" may name beside businesses.
_GROUP_KINDS = _words("""
    charity foundation association union organisation organization coalition alliance
    """)
# The last word of a name often states its kind: "Labor Department", "UFJ Bank".
_NAME_KINDS: dict[str, frozenset[str]] = {
    **{word: _words("newspaper paper daily") for word in _words(
        "times post journal herald tribune telegraph guardian gazette chronicle observer")},
    "news": _words("newspaper paper network broadcaster channel outlet website site"),
    **{word: _words("company firm business corporation") for word in _words(
        "inc inc. corp corp. corporation co co. ltd ltd. plc llc holdings group industries")},
    "airlines": _words("airline carrier company firm"),
    "airways": _words("airline carrier company firm"),
    "motors": _words("carmaker automaker company firm manufacturer"),
    "bank": _words("bank lender"),
    "fc": _words("club team side"),
    "workers": _words("union"),
    "fund": _words("fund foundation"),
    **{word: frozenset((word,)) for word in _words("""
        department ministry agency commission committee board council court party union
        university college institute foundation association network club police campaign
        administration office bureau authority charity""")},
}
# Modifiers that make the nominal a different organisation: "the parent company".
_NEW_ORGANISATION_MODIFIERS = _words("""
    parent rival other another new sister joint competing subsidiary holding former
    """)
# The kind of an organisation named after another's possessive ("Microsoft's MSN
# Messenger"): owned by it, so not what "the company" or "the group" means.
OWNED = "#owned"


def _family(noun: str) -> frozenset[str]:
    for family in _FAMILIES:
        if noun in family:
            return family
    return frozenset((noun,))


def name_kinds(name: str) -> frozenset[str]:
    """The kinds an organisation's own name states: its last word ("Labor Department"),
    the last part of a hyphened one ("Sun-Times"), or a word of a union's name
    ("Communications Workers of America")."""
    words = name.lower().replace("-", " ").split()
    if not words:
        return frozenset()
    kinds = set(_NAME_KINDS.get(words[-1], ()))
    if "workers" in words or "union" in words:
        kinds.add("union")
    return frozenset(kinds)


def description_of(name: Span) -> tuple[str, str] | None:
    """The kind noun and the description the text gives the organisation named by `name`:
    right before it ("German airline Lufthansa") or in apposition ("Verizon, the
    telecommunications company"). None when the text describes it by no kind noun."""
    doc = name.doc
    before = doc[name.start - 1] if name.start else None
    if before is not None and before.tag_ == "NN" and before.lower_ in ORGANISATION_NOUNS:
        first = before
        while first.i > 0 and doc[first.i - 1].tag_ in ("JJ", "NN", "NNP", "HYPH") and (
                doc[first.i - 1].head.i >= first.i):
            first = doc[first.i - 1]
        return before.lower_, doc[first.i: before.i + 1].text
    after = doc[name.end] if name.end < len(doc) else None
    if (after is not None and after.tag_ == "NN" and after.lower_ in ORGANISATION_NOUNS
            and name.root.head.i == after.i and name.root.dep_ == "compound"):
        # "Forbes magazine", "the Fiat group".
        return after.lower_, after.text
    for child in name.root.rights:
        if child.dep_ == "appos" and child.tag_ == "NN" and child.lower_ in ORGANISATION_NOUNS:
            words = [t for t in child.subtree if t.i <= child.i and t.dep_ not in ("det", "punct")
                     and t.tag_ not in ("PRP$", "POS")]
            if words and len(words) <= 5:
                return child.lower_, doc[words[0].i: child.i + 1].text
    return None


def is_organisation_nominal(head: Token) -> bool:
    """True for "the company", "the same airline": a definite singular kind noun that refers
    back, not one that introduces a new organisation ("the parent company", "the company
    that owns it", "the group of senators")."""
    if head.tag_ != "NN" or head.lower_ not in ORGANISATION_NOUNS:
        return False
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in head.lefts):
        return False
    if any(c.lower_ in _NEW_ORGANISATION_MODIFIERS for c in head.lefts):
        return False
    # A modifier that names something ("the Labour party", "the Fiat group") makes the
    # phrase a name, which the recogniser's mention covers or misses on its own.
    if any(c.dep_ == "compound" and c.tag_ in ("NNP", "NNPS") for c in head.lefts):
        return False
    # "the Russian space agency Roscosmos": the name follows; the phrase introduces it.
    if precedes_a_name(head):
        return False
    return not any(c.dep_ in ("relcl", "acl") or c.lower_ == "of" for c in head.rights)


def precedes_a_name(token: Token) -> bool:
    """A proper noun follows `token`: a description written before a name ("the GOP
    Chairman Chuck Williams", "the space agency Roscosmos") introduces it."""
    following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    return following is not None and following.tag_ in ("NNP", "NNPS")


def fits(noun: str, kinds: frozenset[str]) -> bool:
    """Whether "the <noun>" can name an organisation of the given kinds (empty: unknown)."""
    if kinds & _family(noun):
        return True
    if noun not in _GENERIC:
        return False
    if not kinds:
        return True
    if noun == "group" and kinds & _GROUP_KINDS:
        return True
    return bool(kinds & _BUSINESS) and not kinds & _INSTITUTIONS


@dataclass(frozen=True)
class Profile:
    """What the article says an organisation is: its kind nouns, and every word of its
    names and descriptions ("the budget office" needs "budget" among them)."""

    kinds: frozenset[str]
    words: frozenset[str]


@dataclass(frozen=True)
class Candidate:
    """An organisation mentioned before the nominal: its key, profile and the sentences of
    its mentions."""

    key: str
    profile: Profile
    sentences: tuple[int, ...]


def modifiers_of(head: Token) -> tuple[str, ...]:
    """The words that narrow a nominal down: "rights" in "the rights group", "German" in
    "the German airline" (a capitalised modifier: a nationality or a place)."""
    return tuple(c.lower_ for c in head.lefts
                 if (c.dep_ == "compound" and c.tag_ in ("NN", "NNS"))
                 or (c.dep_ in ("amod", "compound") and c.text[:1].isupper()
                     and c.lower_ != "the"))


def choose(head: Token, sentence: int, candidates: Iterable[Candidate],
           settings: NominalSettings = DEFAULT_PEOPLE_SETTINGS.nominals) -> str | None:
    """The key of the organisation the nominal headed by `head` (in sentence number
    `sentence`) refers to, or None."""
    noun, modifiers = head.lower_, modifiers_of(head)
    return settings.most_salient(
        ((candidate.key, candidate.sentences) for candidate in candidates
         if candidate.sentences and fits(noun, candidate.profile.kinds)
         and all(m in candidate.profile.words for m in modifiers)),
        sentence)


def profile_of(descriptions: Sequence[tuple[str, str]], names: Iterable[str]) -> Profile:
    """An organisation's profile from the (kind noun, text) descriptions the article gives it
    and its names."""
    kinds: set[str] = {kind for kind, _ in descriptions}
    words: set[str] = set()
    for _, text in descriptions:
        words.update(text.lower().replace("-", " ").split())
    for name in names:
        kinds |= name_kinds(name)
        words.update(name.lower().replace("-", " ").split())
    return Profile(frozenset(kinds), frozenset(words))


def phrase_of(head: Token) -> str:
    """The nominal's own words without the article: "drug company" of "the drug company"."""
    words = [t for t in head.lefts if t.dep_ in ("compound", "amod") and t.lower_ != "same"]
    first = min((t.i for t in words), default=head.i)
    return head.doc[first: head.i + 1].text
