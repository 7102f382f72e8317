"""Word lists for deciding what a name in the text stands for: a person, an organisation, or a
thing that is not an actor at all (a product, a work, an event).

They complement `summarizer.speech` (titles, honorifics, organisation suffixes); each list is
the evidence one rule of `summarizer.actors` reads, and each rule names its list.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Kinship words used as a title before a first name ("Uncle Ossie"): the name is the person,
# the word is not part of it.
KINSHIP_TITLES: frozenset[str] = _words("""
    uncle aunt auntie aunty grandma grandpa granny grandad grandmother grandfather cousin
    """)
# Capitalised interjections that a recogniser takes for names inside quotes ("Are you O.K.,
# honey?").
INTERJECTIONS: frozenset[str] = _words("""
    o.k. ok okay hey wow oh hello thanks amen yeah yes no
    """)
# Words that make a capitalised name an event (beside `speech.EVENT_WORDS`): "Iowa Caucus".
EXTRA_EVENT_WORDS: frozenset[str] = _words("""
    caucus caucuses summit referendum awards oscars prix oscar emmys grammys baftas
    indoors indoor games trials worlds
    """)
# Last words of a prize's name: "Academy Award", "Nobel Prize", "Stirling Prize".
PRIZE_WORDS: frozenset[str] = _words("award prize medal trophy")
# A prize named by its metal and its emblem: "Golden Lion", "Silver Bear", "Golden Globe".
PRIZE_METALS: frozenset[str] = _words("golden gold silver bronze crystal")
PRIZE_EMBLEMS: frozenset[str] = _words("""
    lion bear globe globes palm palme ball boot shoe raspberry osella shell leopard
    """)
# Nouns that say the name right before them, or right after them, is a product: "the first
# Macintosh computer", "its Lisa computer", "a used Cooper S car".
PRODUCT_NOUNS: frozenset[str] = _words("""
    computer computers machine machines car cars model models laptop laptops phone phones
    smartphone smartphones handset tablet tablets device devices console consoles software
    app apps engine engines jet jets aircraft plane planes vehicle vehicles truck trucks
    drug drugs vaccine vaccines processor chip chips operating browser
    """)
# Nouns and modifiers that say the name beside them is a work: "Thackeray's novel Vanity
# Fair", "her debut feature Salaam Bombay", "the bestselling Being Digital", "seven films
# including Jungle Fever".
WORK_NOUNS: frozenset[str] = _words("""
    novel novels book books film films movie movies play plays opera operas album albums
    song songs single programme programmes program show shows series documentary memoir
    poem painting feature sitcom musical bestseller bestselling best-selling hit blockbuster
    biopic drama thriller comedy
    """)
# Verbs whose object is a made thing, not an actor: "created the Macintosh", "published
# Being Digital", "the GUI was developed".
MAKING_VERBS: frozenset[str] = _words("""
    publish published publishes write wrote written release released releases launch launched
    launches unveil unveiled design designed create created develop developed invent invented
    drive drove driven
    """)
# Nouns of which a made thing is the object: "the release of the Mac", "an adaptation of
# Vanity Fair".
MAKING_NOUNS: frozenset[str] = _words("""
    release launch version edition sequel adaptation premiere screening copies remake
    """)
# Verbs and nouns of owning: what is bought, sold or owned is a company, never a place ("to
# help buy Yugansk", "the purchase of Yugansk", "Yugansk was sold").
OWNING_VERBS: frozenset[str] = _words("""
    buy bought buying buys sell sold selling sells acquire acquired acquiring acquires
    purchase purchased own owned owns renationalise renationalised nationalise nationalised
    privatise privatised
    """)
OWNING_NOUNS: frozenset[str] = _words("""
    purchase acquisition sale takeover stake shares owner owners buyer shareholders
    """)
# Online platforms, which news text names in passing ("said on Twitter") and the small
# recogniser often calls people: firms, whatever the label.
PLATFORMS: frozenset[str] = _words("""
    twitter facebook instagram youtube tiktok snapchat linkedin whatsapp reddit telegram
    """)
# What only a person has or undergoes: "Fortuyn's murder", "Brown's wife", "killing Fortuyn".
PERSON_POSSESSIONS: frozenset[str] = _words("""
    death murder killing assassination funeral wife husband son daughter father mother
    brother sister widow widower girlfriend boyfriend birthday childhood
    """)
# (Word forms: the pipeline runs no lemmatizer.)
PERSON_FATE_VERBS: frozenset[str] = _words("""
    kill kills killed killing murder murders murdered murdering assassinate assassinated
    assassinating marry marries married marrying
    """)
# Common nouns in apposition that only a person takes: "Rakeem Jones, 26, a protester".
PERSON_NOUNS: frozenset[str] = _words("""
    man woman boy girl protester protesters resident student mother father son daughter wife
    husband friend neighbour neighbor veteran athlete runner player actor actress singer
    writer author retiree worker teacher nurse doctor lawyer driver victim witness survivor
    supporter voter activist farmer engineer historian expert scientist
    """)
# Titles written before a name (beside `speech.HONORIFICS`), and never a name on their own:
# "Cardinal Cormac Murphy-O'Connor", "the Cardinal will ask", "AG Lynch" (attorney general;
# a company's "AG" follows its name, "Siemens AG", and is never stripped from the front).
EXTRA_TITLES: frozenset[str] = _words("""
    cardinal archbishop bishop rabbi imam sheikh pastor reverend olympian champion skipper
    ag
    """)
# Descriptions written right before a person's name, besides `speech.TITLE_WORDS`: "heptathlon
# champion Carolina Kluft", "Committee chairman Edward Leigh" (a title word there is about
# the person, whatever noun comes before it).
NAME_DESCRIPTIONS: frozenset[str] = _words("""
    champion olympian skipper captain striker midfielder goalkeeper defender batsman bowler
    all-rounder sprinter jockey golfer boxer""")
# Nouns beside a name that say it is a company (beside `speech.ORG_CONTEXT`): "its Alfa Romeo
# division", "Jaguar, a unit of Ford". Not "brand": "the Trump brand" is still the person.
BUSINESS_NOUNS: frozenset[str] = _words("""
    division subsidiary unit marque conglomerate retailer lender insurer airline carrier chain
    """)
# Nouns of organisation context that a person can be too: "Tom Goldstein, publisher of
# SCOTUSblog", "producer Brian Grazer".
ROLE_OR_ORG_NOUNS: frozenset[str] = _words("publisher producer operator maker owner")
# Words inside an organisation's name that say what kind of body it is, beside the suffixes of
# `speech.ORG_SUFFIXES` ("Department of Justice", "Associated Press", "House of Commons"): a
# name holding one is an organisation even when the article names it only once.
BODY_WORDS: frozenset[str] = _words("""
    church party parliament assembly senate congress house press federation embassy center
    centre union unions reserve force forces guard programme program research media
    communications software security brothers bros theatre theater academy school hospital
    police army navy club team studios records publishing radio channel tv television
    """)
# What a business has and a person rarely does: "Sega's games", "Napster's subscribers".
BUSINESS_ASSETS: frozenset[str] = _words("""
    shares share profits profit revenue revenues sales games game console consoles software
    products product services service stores shops customers subscribers staff employees
    workforce boss founder chairman website network brand brands subsidiary division unit
    stake headquarters factory factories plant plants phones handsets chips range
    """)
# Words for a nation's people, as adjective or noun ("Australian", "Briton", "Kenyans"). Sport
# and wire copy write them before a name ("Australian Johnson", "Briton Paula Radcliffe");
# they describe the person and are not part of the name.
DEMONYMS: frozenset[str] = _words("""
    afghan albanian algerian american andorran angolan argentine argentinian armenian
    australian austrian azerbaijani bahraini bangladeshi belarusian belgian bolivian bosnian
    brazilian british briton bulgarian burmese burundian cambodian cameroonian canadian chadian
    chilean chinese colombian congolese croat croatian cuban cypriot czech dane danish dutch
    dutchman ecuadorean ecuadorian egyptian emirati englishman english eritrean estonian
    ethiopian fijian filipino finn finnish french frenchman gabonese gambian georgian german
    ghanaian greek guatemalan guinean haitian honduran hungarian icelandic indian indonesian
    iranian iraqi irish irishman israeli italian ivorian jamaican japanese jordanian kazakh
    kenyan korean kosovan kuwaiti kyrgyz laotian latvian lebanese liberian libyan lithuanian
    luxembourger macedonian malagasy malawian malaysian malian maltese mauritanian mexican
    moldovan mongolian montenegrin moroccan mozambican namibian nepalese nepali nicaraguan
    nigerian nigerien norwegian omani pakistani palestinian panamanian paraguayan peruvian
    pole polish portuguese qatari romanian russian rwandan salvadoran samoan saudi scot scots
    scotsman scottish senegalese serb serbian sierra singaporean slovak slovakian slovene
    slovenian somali spaniard spanish sudanese swede swedish swiss syrian taiwanese tajik
    tanzanian thai togolese tongan tunisian turk turkish turkmen ugandan ukrainian uruguayan
    uzbek venezuelan vietnamese welsh welshman yemeni zambian zimbabwean kiwi aussie
    """)
# Words that join a demonym in front of it: "South African", "New Zealander", "Sri Lankan".
DEMONYM_PREFIXES: frozenset[str] = _words("south north east west new sri costa puerto")
DEMONYM_SECOND_WORDS: frozenset[str] = _words(
    "african korean sudanese zealander zealand lankan rican timorese"
)
