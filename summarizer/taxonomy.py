"""The default news taxonomy, and the descriptions that help bare labels embed well.

The labels follow the top level of the IPTC Media Topics vocabulary, merged and renamed
where a newsroom would (one "Economy and business" rather than three finance nodes). Each
has a short description written for this project: sentence embeddings match a paragraph to
"companies, markets, trade, jobs..." far better than to the bare word "business".

Users type bare labels ("business, tech, sport"). A label that names a taxonomy topic or
one of its aliases borrows that topic's description; any other label is described by
templates around the label itself (see `label_prompts`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TopicLabel:
    label: str
    description: str
    aliases: tuple[str, ...] = ()


NEWS_TAXONOMY: tuple[TopicLabel, ...] = (
    TopicLabel("Politics", "government, elections, parties, parliament, presidents and "
               "ministers, laws and policy decisions", ("politics", "political", "government",
                                                        "elections", "election", "policy")),
    TopicLabel("International relations", "diplomacy between countries, state visits, summits, "
               "treaties, foreign policy, alliances and sanctions",
               ("diplomacy", "foreign policy", "international", "world", "geopolitics",
                "foreign affairs")),
    TopicLabel("Conflict and defence", "war, armed conflict, the military and armies, weapons, "
               "invasions, terrorism, ceasefires and peace talks",
               ("war", "conflict", "military", "defence", "defense", "security", "terrorism")),
    TopicLabel("Economy and business", "companies, markets, trade, profits, jobs, prices, "
               "banks, investment, tariffs and economic growth",
               ("business", "economy", "economics", "finance", "markets", "trade", "companies",
                "money")),
    TopicLabel("Energy and resources", "oil, gas, electricity, nuclear power, mining, "
               "pipelines and commodities", ("energy", "oil", "gas", "resources", "commodities")),
    TopicLabel("Science and technology", "scientific research, space exploration, computers, "
               "software, the internet, phones, gadgets and technology companies",
               ("technology", "tech", "science", "it", "computing", "internet", "space",
                "innovation")),
    TopicLabel("Health", "medicine, diseases, hospitals, doctors, public health, drugs and "
               "healthcare", ("health", "medicine", "medical", "healthcare")),
    TopicLabel("Environment", "climate change, pollution, nature, wildlife, conservation and "
               "sustainability", ("environment", "climate", "nature", "ecology")),
    TopicLabel("Crime and justice", "crime, police, courts, trials, prisons, lawsuits and "
               "judges", ("crime", "justice", "law", "legal", "courts", "police")),
    TopicLabel("Disasters and accidents", "earthquakes, floods, fires, storms, crashes, "
               "explosions and emergency rescue", ("disaster", "disasters", "accidents",
                                                    "emergency")),
    TopicLabel("Arts, culture and entertainment", "films, music, television, celebrities, "
               "books, theatre, art, awards and festivals",
               ("entertainment", "culture", "arts", "art", "film", "music", "movies", "media",
                "celebrity")),
    TopicLabel("Sport", "football, tennis, athletics, matches, players, teams, coaches, "
               "championships and the Olympics", ("sport", "sports", "football", "soccer",
                                                  "athletics")),
    TopicLabel("Education", "schools, universities, students, teachers, exams and education "
               "policy", ("education", "schools", "universities")),
    TopicLabel("Society", "social issues, immigration, demographics, welfare, human rights, "
               "communities and protests", ("society", "social issues", "immigration",
                                            "human rights", "social")),
    TopicLabel("Labour", "workers, employment, unions, strikes, wages and working conditions",
               ("labour", "labor", "jobs", "employment", "unions")),
    TopicLabel("Transport", "cars, the automotive industry, railways, aviation, shipping and "
               "roads", ("transport", "transportation", "cars", "automotive", "aviation")),
    TopicLabel("Agriculture and food", "farming, crops, livestock, food supply, food prices and "
               "fisheries", ("agriculture", "farming", "food")),
    TopicLabel("Religion", "churches, faiths, religious leaders and beliefs", ("religion",
                                                                                "faith")),
    TopicLabel("Lifestyle and leisure", "travel, fashion, food and drink, hobbies, holidays and "
               "consumer life", ("lifestyle", "leisure", "travel", "fashion")),
    TopicLabel("Weather", "weather forecasts, heatwaves, storms, rain and snow", ("weather",)),
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
    """Texts whose mean embedding stands for `label`.

    The label alone embeds as a word, not as a news topic; templated sentences and, where
    the taxonomy knows the label, its description put it in the register of news text.
    """
    prompts = [
        label,
        f"This news article is about {label}.",
        f"A news report on {label}.",
    ]
    topic = describe(label)
    if topic is not None:
        prompts.append(f"News about {topic.description}.")
        prompts.append(f"{topic.label}: {topic.description}.")
    return prompts
