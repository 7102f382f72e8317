"""The default news taxonomy, and the descriptions that help bare labels embed well.

The labels follow the top level of the IPTC Media Topics vocabulary, merged and renamed
where a newsroom would (one "Economy and business" rather than three finance nodes). Each
is described by a few facets written for this project: sentence embeddings match a
paragraph to "companies, profits, shares and markets" far better than to the bare word
"business".

A topic is a list of facets, not one long description, because one averaged embedding of
"scientific research, space exploration, computers, software..." sits between its parts and
close to none of them: a paragraph on a Moon mission then matched "International relations"
(the two countries in it) better than "Science and technology". Scored against each facet
and keeping the best (see `EmbeddingZeroShot`), the Mars and Moon paragraphs find their
topic. In a development run on the 300 BBC articles (sentence evidence as in
`summarizer.topics`), facets raised the share of articles whose strongest default topic fits
their category from 0.90 to 0.93; benchmarks/eval_topics.py prints today's figure.

Users type bare labels ("business, tech, sport"). A label that names a taxonomy topic or
one of its aliases borrows that topic's facets; any other label is described by templates
around the label itself (see `label_prompts`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TopicLabel:
    label: str
    facets: tuple[str, ...]
    aliases: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        return "; ".join(self.facets)


NEWS_TAXONOMY: tuple[TopicLabel, ...] = (
    TopicLabel("Politics", ("government, ministers and parliament",
                            "elections, voters, parties and campaigns",
                            "laws, policy decisions and political debate"),
               ("politics", "political", "government", "elections", "election", "policy")),
    TopicLabel("International relations",
               ("diplomacy between countries, state visits and summits",
                "treaties, foreign policy, alliances and sanctions"),
               ("diplomacy", "foreign policy", "international", "world", "geopolitics",
                "foreign affairs")),
    TopicLabel("Conflict and defence", ("war, armed conflict and invasions",
                                        "the military, armies and weapons",
                                        "terrorism, ceasefires and peace talks"),
               ("war", "conflict", "military", "defence", "defense", "security", "terrorism")),
    TopicLabel("Economy and business", ("companies, profits, shares and markets",
                                        "trade, exports, imports and tariffs",
                                        "the economy, growth, prices, banks and investment",
                                        "industry, manufacturing and carmakers"),
               ("business", "economy", "economics", "finance", "markets", "trade", "companies",
                "money")),
    TopicLabel("Energy and resources", ("oil, gas, electricity and nuclear power",
                                        "mining, pipelines and commodities"),
               ("energy", "oil", "gas", "resources", "commodities")),
    TopicLabel("Science and technology",
               ("scientific research and discoveries",
                "space exploration, rockets, satellites, the Moon and Mars",
                "computers, software, the internet and phones",
                "technology companies, gadgets and video games"),
               ("technology", "tech", "science", "it", "computing", "internet", "space",
                "innovation")),
    TopicLabel("Health", ("medicine, diseases, doctors and hospitals",
                          "public health, drugs and healthcare"),
               ("health", "medicine", "medical", "healthcare")),
    TopicLabel("Environment", ("climate change, pollution and emissions",
                               "nature, wildlife, conservation and sustainability"),
               ("environment", "climate", "nature", "ecology")),
    TopicLabel("Crime and justice", ("crime, police and arrests",
                                     "courts, trials, judges, prisons and lawsuits"),
               ("crime", "justice", "law", "legal", "courts", "police")),
    TopicLabel("Disasters and accidents", ("earthquakes, floods, fires and storms",
                                           "crashes, explosions and emergency rescue"),
               ("disaster", "disasters", "accidents", "emergency")),
    TopicLabel("Arts, culture and entertainment",
               ("films, television, celebrities and awards",
                "music, books, theatre, art and festivals"),
               ("entertainment", "culture", "arts", "art", "film", "music", "movies", "media",
                "celebrity")),
    TopicLabel("Sport", ("football, tennis, athletics and other sports",
                         "matches, players, teams, coaches and championships"),
               ("sport", "sports", "football", "soccer", "athletics")),
    TopicLabel("Education", ("schools, universities, students, teachers and exams",),
               ("education", "schools", "universities")),
    TopicLabel("Society", ("social issues, welfare, human rights and protests",
                           "immigration, demographics and communities"),
               ("society", "social issues", "immigration", "human rights", "social")),
    TopicLabel("Labour", ("workers, employment, unions and strikes",
                          "wages, jobs and working conditions"),
               ("labour", "labor", "jobs", "employment", "unions")),
    TopicLabel("Transport", ("cars, the automotive industry and roads",
                             "railways, aviation, airlines and shipping"),
               ("transport", "transportation", "cars", "automotive", "aviation")),
    TopicLabel("Agriculture and food", ("farming, crops, livestock and fisheries",
                                        "food supply and food prices"),
               ("agriculture", "farming", "food")),
    TopicLabel("Religion", ("churches, faiths, religious leaders and beliefs",),
               ("religion", "faith")),
    TopicLabel("Lifestyle and leisure", ("travel, holidays and hobbies",
                                         "fashion, food and drink and consumer life"),
               ("lifestyle", "leisure", "travel", "fashion")),
    TopicLabel("Weather", ("weather forecasts, heatwaves, rain and snow",), ("weather",)),
)

DEFAULT_LABELS: tuple[str, ...] = tuple(topic.label for topic in NEWS_TAXONOMY)

_BY_NAME: dict[str, TopicLabel] = {}
for _topic in NEWS_TAXONOMY:
    _BY_NAME.setdefault(_topic.label.lower(), _topic)
for _topic in NEWS_TAXONOMY:
    for _alias in _topic.aliases:
        _BY_NAME.setdefault(_alias, _topic)


def describe(label: str) -> TopicLabel | None:
    """The taxonomy topic a label names (by its name or an alias), if any."""
    return _BY_NAME.get(" ".join(label.lower().split()))


def label_prompts(label: str) -> list[str]:
    """Texts whose mean embedding stands for `label` as a whole (all facets together).

    The label alone embeds as a word, not as a news topic; templated sentences and, where
    the taxonomy knows the label, its facets put it in the register of news text.
    """
    prompts = _templates(label)
    topic = describe(label)
    if topic is not None:
        prompts += [f"News about {facet}." for facet in topic.facets]
    return prompts


def facet_prompts(label: str) -> list[list[str]]:
    """One group of texts per facet of `label`; each group's mean embedding is one facet.

    A label outside the taxonomy has one facet: its templates. For a taxonomy topic, each
    facet's group is two sentences on the facet plus the label's name:
    - named by its own label (the default taxonomy), with one template, so the facet stays
      mostly its own subject (with all three, the name outweighed the facet and a Moon
      mission paragraph fell back to "International relations");
    - named by a word the user typed ("business", "tech"), with all three templates, so the
      user's word keeps its weight: on the BBC articles, typed bare, accuracy 0.92 against
      0.89 with one template (benchmarks/eval_topics.py).
    """
    topic = describe(label)
    if topic is None:
        return [_templates(label)]
    named = ([f"This news article is about {label}."] if label == topic.label
             else _templates(label))
    return [[f"News about {facet}.", f"{topic.label}: {facet}.", *named]
            for facet in topic.facets]


def _templates(label: str) -> list[str]:
    return [label, f"This news article is about {label}.", f"A news report on {label}."]
