"""Word lists the actor and quote analyses share: speech cues, titles, and the context words
that tell an organisation from a place or a person.

The pipeline runs without a lemmatizer, so verb lists hold every inflected form; matching is
on the lower-cased token text (`token.lower_`), which also accepts "REMARK" for "remark".
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    """A word list written as one string, for lists that read better as prose."""
    return frozenset(text.split())


def _regular_forms(verb: str) -> set[str]:
    """The regular inflections of an English verb: note -> note, notes, noted, noting."""
    if verb.endswith("e"):
        return {verb, verb + "s", verb + "d", verb[:-1] + "ing"}
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return {verb, verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"}
    return {verb, verb + "s", verb + "ed", verb + "ing"}


# Verbs that report what someone said. Kept to verbs whose object is what was said, so that
# "X argued that ..." is a quote but "X believes that ..." (a belief) is not.
_REGULAR_SPEECH_VERBS = _words("""
    add acknowledge announce argue assert claim comment complain confirm contend declare deny
    emphasize emphasise explain insist note remark reply respond state stress testify tweet
    warn admit report reiterate recall predict accuse ask post explain
    concede joke retort repeat
""")
_IRREGULAR_SPEECH_VERBS = {
    "say": {"say", "says", "said", "saying"},
    "tell": {"tell", "tells", "told", "telling"},
    "write": {"write", "writes", "wrote", "written", "writing"},
    "admit": {"admit", "admits", "admitted", "admitting"},
    "quip": {"quip", "quips", "quipped", "quipping"},
}
SPEECH_VERBS: frozenset[str] = frozenset(
    {form for verb in _REGULAR_SPEECH_VERBS for form in _regular_forms(verb)}
    | {form for forms in _IRREGULAR_SPEECH_VERBS.values() for form in forms}
)
# The verbs that report speech without quotation marks ("X said that ...", "X warned that
# ..."): verbs of saying, of a manner of saying ("retorted", "conceded") and of telling what
# was said ("confirmed", "recalled", "complained"). Narrower than SPEECH_VERBS on purpose:
# after "accused", "described", "acknowledged", "predicted", "pointed out" or "reported" the
# clause is the writer's account of a stance or a media report, and news annotation
# (PolNeAR's cue list) does not count it as speech. Measured with benchmarks/eval_quotes.py
# on PolNeAR train, then confirmed on dev: precision 0.846 -> 0.880 (dev 0.848 -> 0.875),
# recall unchanged (0.838; dev 0.857 -> 0.854). Quoted words keep every verb of SPEECH_VERBS:
# "We are done," she joked.
REPORTING_VERBS: frozenset[str] = frozenset(
    form
    for verb in _words("""
        add announce argue claim declare explain insist note remark reply respond state
        tweet warn ask comment assert contend stress emphasize emphasise concede reiterate
        repeat retort testify joke confirm recall complain
        """)
    for form in _regular_forms(verb)
) | frozenset(
    form for verb in ("say", "tell", "write", "admit", "quip")
    for form in _IRREGULAR_SPEECH_VERBS[verb]
)
# Phrasal cues: the verb counts only with this particle ("points out", not "points").
PHRASAL_SPEECH_VERBS: dict[str, str] = {
    form: "out" for form in _regular_forms("point")
}
# Verbs whose content is their object rather than a clause: "accused X of Y", "expressed hope
# for Y", "warned of Y".
OBJECT_CONTENT_VERBS: frozenset[str] = frozenset(
    _regular_forms("accuse") | _regular_forms("warn") | _regular_forms("express")
    | _regular_forms("describe")
)
# "described" reports speech only with "as": "described the device as '...'" (PolNeAR
# annotates it as a cue), not "described the scene".
DESCRIBE_VERBS: frozenset[str] = frozenset(_regular_forms("describe"))
# "expressed" reports speech only with these objects ("expressed hope", not "expressed milk").
EXPRESS_OBJECTS: frozenset[str] = _words(
    "hope hopes concern concerns confidence doubt doubts regret support opposition"
)

PRONOUNS: dict[str, str] = {
    "he": "male", "him": "male", "his": "male",
    "she": "female", "her": "female",
    "they": "plural", "them": "plural", "their": "plural", "it": "neuter", "its": "neuter",
    "i": "speaker", "we": "speaker", "you": "listener",
}

# Nouns that name a position a person holds: they make a pre-modifier or an appositive a
# role ("presidential foreign policy aide"), and a definite nominal ("the president") a
# reference to whoever holds it.
TITLE_WORDS: frozenset[str] = _words("""
    president vice-president minister premier chancellor secretary aide adviser advisor
    spokesman spokeswoman spokesperson head chief chairman chairwoman chair director leader
    governor mayor senator congressman congresswoman representative ambassador envoy
    commander general admiral colonel officer official diplomat ceo founder executive manager
    editor correspondent reporter analyst expert professor economist lawyer attorney judge
    justice prosecutor king queen prince princess emperor pope candidate nominee deputy
    member coach speaker prime sheriff mp lawmaker strategist chancellor counsel
    press-secretary campaigner activist researcher scientist commissioner administrator
    cardinal archbishop bishop
    """)
# Titles written before a name that are not part of it.
HONORIFICS: frozenset[str] = _words("""
    mr mr. mrs mrs. ms ms. dr dr. sir dame lord lady president sen sen. senator gov gov.
    governor rep rep. rev rev. prof prof. gen gen. col col. capt capt. minister
    premier chancellor king queen prince princess pope judge justice""")
# Nouns that give the gender of the person they describe ("Nair, a mother of two", "the
# spokeswoman"). Words used of either ("actor", "chairman" of a woman) are left out.
FEMALE_NOUNS: frozenset[str] = _words("""
    woman girl mother grandmother daughter sister wife widow actress spokeswoman chairwoman
    congresswoman businesswoman councilwoman aunt niece queen princess duchess countess lady
    heiress sportswoman policewoman""")
MALE_NOUNS: frozenset[str] = _words("""
    man boy father grandfather son brother husband widower spokesman congressman businessman
    councilman uncle nephew king prince duke lord sportsman policeman""")
FEMALE_HONORIFICS: frozenset[str] = _words("mrs mrs. ms ms. miss dame lady queen")
MALE_HONORIFICS: frozenset[str] = _words("mr mr. sir lord king prince")

# Last words that make a name an organisation: "... Oil Corporation", "... Space Agency".
ORG_SUFFIXES: frozenset[str] = _words("""
    corporation corp corp. inc inc. ltd ltd. llc plc company co. agency fund committee council
    ministry bank association institute institution university college foundation times post
    gazette gazeta news journal tribune herald telegraph guardian service commission department
    office court administration authority organization organisation group bureau board
    network airlines airways motors industries holdings partners trust society league
    """)
# Common nouns beside a name (compound, appositive) that say what kind of thing it is.
ORG_CONTEXT: frozenset[str] = _words("""
    agency newspaper paper outlet broadcaster channel network company firm carmaker automaker
    manufacturer maker corporation ministry bank party daily magazine website site group giant
    producer operator organization organisation committee council startup publisher tabloid
    """)
PLACE_CONTEXT: frozenset[str] = _words("""
    city town village capital metropolis region province country state port island county
    district republic
    """)
# Modifiers that only organisations take: "state-owned AvtoVAZ".
ORG_MODIFIERS: frozenset[str] = _words(
    "state-owned state-run government-owned privately-held publicly-traded"
)
# Capitalised words that are never a name on their own: ordinals, months, weekdays, numbers.
NOT_NAMES: frozenset[str] = _words("""
    first second third fourth fifth sixth seventh eighth ninth tenth last next one two three
    four five six seven eight nine ten hundred thousand million billion
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    the a an this that these those
    """)
# Titles that, written before a name, make it a person whatever the recogniser said
# ("Sen. Doherty", "Mr. Shadman"). Kings and princes are left out: "Prince Edward Island".
PERSON_HONORIFICS: frozenset[str] = _words("""
    mr mr. mrs mrs. ms ms. miss dr dr. sen sen. senator gov gov. governor rep rep. rev rev.
    prof prof. gen gen. col col. capt capt. lt lt. sgt sgt. maj maj. cmdr cmdr. adm adm.
    sir dame president judge justice mayor""")
# Names of things that are not actors: diseases, a few products and the acronyms of
# concepts that news text names as if they were organisations ("Ebola spread", "iPhone
# sales", "FDI in retail", "an IT firm").
NON_ACTOR_NAMES: frozenset[str] = _words("""
    ebola zika hiv aids covid covid-19 sars mers malaria measles cholera polio tuberculosis
    influenza coronavirus h1n1 h5n1 mpox monkeypox dengue alzheimer alzheimer's parkinson's
    iphone ipad ipod kindle xbox playstation android
    gdp fdi gmt ipo vat dna gps dvd mp3 it linux wimax wi-fi bluetooth brexit grexit
    """)
# Words that make a capitalised name an event, a law, a storm or a disease: "Great
# Recession", "World War II", "Hurricane Sandy", "Affordable Care Act".
EVENT_WORDS: frozenset[str] = _words("""
    recession depression war olympics olympic hurricane typhoon cyclone pandemic epidemic
    outbreak virus flu syndrome disease act amendment treaty accords doctrine cup
    championship championships marathon tournament festival
    """)
