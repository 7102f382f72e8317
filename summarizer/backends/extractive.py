"""The embedded extractive summarizer: picks the article's own sentences.

Each sentence is embedded (all-MiniLM-L6-v2). A sentence scores high when it is central
in meaning (PageRank over the embeddings' cosine-similarity graph), central in wording
(PageRank over TextRank's normalised word overlap: it rewards the sentences that carry the
article's names and figures, which embeddings blur), close to the whole text's centroid, and
early in the article (news puts the gist first). Sentences are then ranked greedily by
maximal marginal relevance, so a ranked sentence must add something the ones above it do not
already say; a summary of k bullets is the top k of that one ranking, in article order.
News-aware rules shape the ranking: the lede (the first substantive paragraph's opening
sentence, unless it is a teaser) comes first, and a sentence that opens with a dangling
pronoun or connective ("He added", "However") brings in the sentence it depends on.
Fragments (under 6 words) and very long run-ons rank last: machine-translated or scraped
text has both.

The similarity graphs are dense (sentences x sentences), so the work grows with the square
of the sentence count. A long text is therefore first cut to at most
`ExtractiveSettings.max_candidates` candidate sentences (see `candidate_indices`), which
bounds memory and time for any text the loader accepts; articles are far below the cap.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from summarizer.backends.base import Embedder
from summarizer.types import Bullet, Paragraph, Sentence

_WORD = re.compile(r"[a-z0-9]+")
_OPENING_QUOTES = frozenset("\"'“‘«")
# Openers that point back at the sentence before. "There is/are" and "It is" + adjective
# are often expletive, but "It" alone is too often "the company" to be left out.
_DANGLING_OPENER = re.compile(
    r"""^["'“‘(]*(?:he|she|it|they|his|her|its|their|him|them|this|these|those|that|such|"""
    r"""however|but|and|or|so|yet|also|still|then|thus|hence|therefore|meanwhile|moreover|"""
    r"""furthermore|instead|nevertheless|nonetheless|besides|otherwise|likewise|similarly|"""
    r"""indeed|again|in addition|as a result|by contrast|on the other hand|even so|"""
    r"""at the same time|in turn)\b(?!-)""",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ExtractiveSettings:
    centrality_weight: float = 0.3
    lexical_weight: float = 0.4
    centroid_weight: float = 0.2
    position_weight: float = 0.1
    redundancy_penalty: float = 0.25
    duplicate_similarity: float = 0.88
    min_words: int = 6
    max_words: int = 70
    # The dense graphs cost 8 bytes x candidates^2 each (~12 MB at 1,200); a 20,000-word
    # report has about 900 sentences, so real articles are never cut.
    max_candidates: int = 1200
    # Of the candidates kept from a longer text, this share is the lead (news puts the gist
    # first); the rest are spread evenly over the remainder, so every part is represented.
    lead_share: float = 0.5
    # The lede is looked for among the first paragraphs only: past those, a story that has
    # not stated its news yet is a feature, and centrality picks better than position.
    lede_search_paragraphs: int = 3
    lede_first: bool = True
    avoid_dangling_openers: bool = True
    # How many sentences back a dangling opener may pull in ("He added ..." after "He said
    # ..." after the sentence that names him).
    max_context_sentences: int = 2


class ExtractiveSummarizer:
    def __init__(self, embedder: Embedder, settings: ExtractiveSettings | None = None) -> None:
        self.embedder = embedder
        self.settings = settings or ExtractiveSettings()
        self.name = f"extractive:{embedder.name}"

    def summarize(self, paragraphs: Sequence[Paragraph], max_bullets: int) -> list[Bullet]:
        """The first `max_bullets` sentences of one ranking, shown in article order.

        The ranking does not depend on `max_bullets`, so a shorter summary is always a
        subset of a longer one.
        """
        every_sentence = [s for p in paragraphs for s in p.sentences]
        if not every_sentence or max_bullets <= 0:
            return []
        kept = candidate_indices(every_sentence, self.settings)
        sentences = [every_sentence[i] for i in kept]
        vectors = self.embedder.embed([s.text for s in sentences])
        # The lede rule is for whole articles, not for a topic's subset of paragraphs.
        whole_article = paragraphs[0].number == 1 and self.settings.lede_first
        lede = lede_index(sentences, self.settings) if whole_article else None
        follows = _follows_previous(kept)
        ranking = rank_sentences(sentences, vectors, self.settings, lede=lede,
                                 follows=follows, limit=max_bullets)
        return [Bullet(text=sentences[i].text, paragraphs=(sentences[i].paragraph,))
                for i in sorted(ranking[:max_bullets])]


def lede_index(sentences: Sequence[Sentence], settings: ExtractiveSettings) -> int | None:
    """The index of the lede: the first sentence of the first substantive paragraph among
    the article's first few, or None when they are all teasers.

    News is written as an inverted pyramid: the first real paragraph states the news (who,
    what, the key figure). A teaser is not that: a question, a direct quotation opening
    the story, or a fragment (a dateline, a kicker).
    """
    seen_paragraphs: list[int] = []
    for index, sentence in enumerate(sentences):
        if sentence.paragraph in seen_paragraphs:
            continue
        seen_paragraphs.append(sentence.paragraph)
        if len(seen_paragraphs) > settings.lede_search_paragraphs:
            return None
        if not _is_teaser(sentence.text, settings):
            return index
    return None


def _is_teaser(text: str, settings: ExtractiveSettings) -> bool:
    words = len(text.split())
    stripped = text.strip()
    return (words < settings.min_words or words > settings.max_words
            or stripped.endswith("?") or stripped[:1] in _OPENING_QUOTES)


def depends_on_previous(text: str) -> bool:
    """Whether a sentence opens with a pronoun or connective that needs the sentence before
    it ("He added ...", "However, ...", "That's why ...")."""
    return _DANGLING_OPENER.match(text) is not None


def _follows_previous(kept: Sequence[int]) -> list[int | None]:
    """For each candidate, the candidate position of the sentence just before it in the
    text, or None when that sentence is not a candidate (or there is none)."""
    position = {original: i for i, original in enumerate(kept)}
    return [position.get(original - 1) for original in kept]


def rank_sentences(
    sentences: Sequence[Sentence],
    vectors: NDArray[np.float32],
    settings: ExtractiveSettings,
    *,
    lede: int | None = None,
    follows: Sequence[int | None] | None = None,
    limit: int | None = None,
) -> list[int]:
    """Candidate indices in the order a summary takes them (maximal marginal relevance).

    The lede, when given, comes first. A sentence that opens with a dangling pronoun or
    connective brings the sentence it depends on (`follows[i]`) in just before itself, so
    no prefix of the ranking holds it without its context (a prefix may end on the context
    alone, which reads fine). Fragments and run-ons come after every well-formed sentence.
    Nothing here depends on `limit`, which only stops the ranking early: every prefix is a
    consistent summary.
    """
    count = len(sentences)
    limit = count if limit is None else min(limit, count)
    scores = sentence_scores(sentences, vectors, settings)
    words = np.array([len(s.text.split()) for s in sentences])
    well_formed = (words >= settings.min_words) & (words <= settings.max_words)
    dangling = np.array([settings.avoid_dangling_openers and depends_on_previous(s.text)
                         for s in sentences], dtype=bool)
    previous = list(follows) if follows is not None else [None] * count
    order: list[int] = [lede] if lede is not None and limit > 0 else []
    while len(order) < limit:
        if order:
            overlap = (vectors @ vectors[order].T).max(axis=1)
            adjusted = np.where(overlap >= settings.duplicate_similarity, -np.inf,
                                scores - settings.redundancy_penalty * np.clip(overlap, 0, 1))
        else:
            adjusted = scores.copy()
        adjusted[order] = -np.inf
        best = _best_of(adjusted, well_formed)
        if best is None:
            best = _best_of(adjusted, np.ones(count, dtype=bool))
        if best is None:
            break
        order.extend(_context_needed(best, dangling, previous, order,
                                     settings.max_context_sentences))
        order.append(best)
    return order[:limit]


def _context_needed(index: int, dangling: NDArray[np.bool_], previous: Sequence[int | None],
                    order: Sequence[int], most: int) -> list[int]:
    """The sentences before `index` that it needs and the ranking lacks, in text order:
    the chain of predecessors while each one still opens with a dangling word."""
    needed: list[int] = []
    current = index
    while dangling[current] and len(needed) < most:
        before = previous[current]
        if before is None or before in order:
            break
        needed.append(before)
        current = before
    return needed[::-1]


def _best_of(adjusted: NDArray[np.float64], eligible: NDArray[np.bool_]) -> int | None:
    masked = np.where(eligible, adjusted, -np.inf)
    best = int(np.argmax(masked))
    return best if np.isfinite(masked[best]) else None


def candidate_indices(sentences: Sequence[Sentence],
                      settings: ExtractiveSettings) -> list[int]:
    """Indices (ascending) of the sentences worth scoring, at most `settings.max_candidates`.

    Repeated sentences are kept once (a repeat adds no meaning, and a text of one line
    14,000 times must not cost 14,000 embeddings). Well-formed sentences (by word count) are
    preferred when there are enough of them. When more remain than the cap, the first half
    of the cap goes to the lead and the rest is spread evenly over what follows: the lead
    prior is the strongest signal in news, and even spacing keeps each part of a long text
    in reach of the centrality scores, at a cost linear in the text's length.
    """
    seen: set[str] = set()
    unique: list[int] = []
    for index, sentence in enumerate(sentences):
        key = " ".join(sentence.text.lower().split())
        if key not in seen:
            seen.add(key)
            unique.append(index)
    cap = max(settings.max_candidates, 1)
    if len(unique) <= cap:
        return unique
    well_formed = [i for i in unique
                   if settings.min_words <= len(sentences[i].text.split()) <= settings.max_words]
    pool = well_formed if len(well_formed) >= cap else unique
    if len(pool) <= cap:
        return pool
    lead = max(1, int(cap * settings.lead_share))
    rest = pool[lead:]
    spread = np.linspace(0, len(rest) - 1, cap - lead).round().astype(int)
    return pool[:lead] + [rest[i] for i in sorted(set(spread.tolist()))]


def sentence_scores(
    sentences: Sequence[Sentence], vectors: NDArray[np.float32], settings: ExtractiveSettings
) -> NDArray[np.float64]:
    """Salience of each sentence (about 0 to 1): semantic and lexical centrality, centroid
    similarity, position."""
    count = len(vectors)
    similarity = np.clip(vectors @ vectors.T, 0.0, 1.0).astype(np.float64)
    np.fill_diagonal(similarity, 0.0)
    centrality = pagerank(similarity)
    centroid = vectors.mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    to_centroid = np.clip(vectors @ centroid, 0.0, 1.0).astype(np.float64)
    position = 1.0 / np.sqrt(1.0 + np.arange(count))
    return (
        settings.centrality_weight * _unit_range(centrality)
        + settings.lexical_weight * _unit_range(pagerank(word_overlap(sentences)))
        + settings.centroid_weight * _unit_range(to_centroid)
        + settings.position_weight * position
    )


def word_overlap(sentences: Sequence[Sentence]) -> NDArray[np.float64]:
    """TextRank's similarity: shared words over the sum of the log sentence lengths."""
    word_sets = [set(_WORD.findall(s.text.lower())) for s in sentences]
    # Only words found in two or more sentences can be shared: leaving the rest out keeps
    # the presence matrix small on long texts without changing any count.
    frequency: Counter[str] = Counter(word for words in word_sets for word in words)
    vocabulary = {word: i for i, word in enumerate(w for w, n in frequency.items() if n > 1)}
    presence = np.zeros((len(sentences), max(len(vocabulary), 1)), dtype=np.float32)
    for row, words in enumerate(word_sets):
        presence[row, [vocabulary[w] for w in words if w in vocabulary]] = 1.0
    shared = (presence @ presence.T).astype(np.float64)
    sizes = np.array([len(words) for words in word_sets], dtype=np.float64)
    logs = np.log(np.maximum(sizes, 1.0))
    norm = logs[:, None] + logs[None, :]
    weights = np.divide(shared, norm, out=np.zeros_like(shared), where=norm > 0)
    weights[(sizes <= 1)[:, None] | (sizes <= 1)[None, :]] = 0.0
    np.fill_diagonal(weights, 0.0)
    return weights


def pagerank(weights: NDArray[np.float64], damping: float = 0.85,
              iterations: int = 50) -> NDArray[np.float64]:
    count = len(weights)
    totals = weights.sum(axis=1, keepdims=True)
    transition = np.divide(weights, totals, out=np.full_like(weights, 1.0 / count),
                           where=totals > 0)
    rank = np.full(count, 1.0 / count)
    for _ in range(iterations):
        updated = (1 - damping) / count + damping * (transition.T @ rank)
        if np.abs(updated - rank).sum() < 1e-8:
            return updated
        rank = updated
    return rank


def _unit_range(values: NDArray[np.float64]) -> NDArray[np.float64]:
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-12:
        return np.ones_like(values)
    return (values - low) / (high - low)
