"""Digest sources: files, folders of files, article URLs and RSS/Atom feeds.

A URL is fetched once through the SSRF-guarded fetcher (`summarizer.fetch`: addresses
checked, time, size and redirects capped); what comes back is a feed when its content type
says so (application/rss+xml, application/atom+xml, or XML whose root is <rss>, <feed> or
<rdf:RDF>), otherwise an article page. A feed's items are parsed with feedparser and each
item's link is fetched once, through the same fetcher. Every source that fails becomes a
`SourceFailure` in its place, with a message for the user; the others still load.

`fetch_feed` is the polling form (the bot's feeds): a conditional GET with the validators of
the previous fetch, so an unchanged feed costs the server a 304 and no body.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from summarizer.digest import MAX_DIGEST_ARTICLES, SourceFailure
from summarizer.errors import BriefingError, FetchError, InputError
from summarizer.types import Article

# Items read from one feed at most: a day of a busy news feed, and what a digest can show.
MAX_FEED_ITEMS = 20
# Feeds are small; a multi-megabyte "feed" is hostile or not a feed.
MAX_FEED_BYTES = 2_000_000
FOLDER_SUFFIXES = (".txt", ".md", ".html", ".htm")
# Files taken from one folder tree: a bound on the walk itself (a digest briefs fewer).
MAX_FOLDER_FILES = 1000
# Item pages fetched at once: network-bound, so more than the cores, but polite to one host.
FETCH_THREADS = 4

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
               "application/xml", "text/xml")
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://")
# The root element of a feed, after an XML declaration, comments or a doctype.
_FEED_ROOT = re.compile(
    rb"^(?:\s|<\?xml[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>|<\?xml-stylesheet[^>]*\?>)*"
    rb"<(?:rss|feed|rdf:RDF)[\s>]", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class FeedItem:
    title: str | None
    link: str
    published: str | None = None
    id: str | None = None  # the item's guid (RSS) or id (Atom), when it has one


class NotAFeedError(FetchError):
    """The URL answered with a web page, not a feed."""


@dataclass(frozen=True)
class Feed:
    url: str
    title: str | None
    items: tuple[FeedItem, ...]


@dataclass(frozen=True)
class FetchedPage:
    url: str
    body: bytes
    content_type: str


@dataclass(frozen=True)
class FeedFetch:
    """One poll of a feed: its items, or None when the server said it has not changed; and
    the validators to send next time."""

    url: str  # after redirects
    feed: Feed | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.feed is None


def is_url(source: str) -> bool:
    return bool(_URL.match(source))


def looks_like_feed(body: bytes, content_type: str) -> bool:
    """A feed by its declared type, or XML whose root element is a feed's.

    Plain "application/xml" or "text/xml" is sniffed too: servers send feeds with them, and
    other XML (a sitemap) is not a feed.
    """
    declared = content_type.split(";")[0].strip().lower()
    if declared in ("application/rss+xml", "application/atom+xml", "application/rdf+xml"):
        return True
    head = body[:4096].lstrip(b"\xef\xbb\xbf")
    return bool(_FEED_ROOT.match(head))


def fetch_page(url: str, *, allow_private: bool = False, timeout: float = 10.0,
               max_bytes: int = MAX_FEED_BYTES, max_redirects: int = 5) -> FetchedPage:
    """Fetch a page or a feed through the guarded fetcher (every redirect hop resolved and
    checked again, one deadline for all of them).

    Raises:
        FetchError: as `fetch_url`, and for a type that is neither a page nor a feed.
    """
    from summarizer.fetch import fetch_url

    page = fetch_url(url, timeout=timeout, max_bytes=max_bytes, max_redirects=max_redirects,
                     allow_private=allow_private, accept=_PAGE_TYPES + _FEED_TYPES)
    return FetchedPage(url=page.url, body=page.body, content_type=page.content_type)


def fetch_feed(url: str, *, etag: str | None = None, last_modified: str | None = None,
               allow_private: bool = False, timeout: float = 10.0,
               max_items: int = MAX_FEED_ITEMS) -> FeedFetch:
    """Fetch and parse the feed at `url`, conditionally when validators are given.

    Raises:
        NotAFeedError: the URL is a web page.
        FetchError: as `fetch_url`; a malformed feed, or a document that is not a feed.
    """
    from summarizer.fetch import fetch_url

    validators = {"If-None-Match": etag or "", "If-Modified-Since": last_modified or ""}
    page = fetch_url(url, timeout=timeout, max_bytes=MAX_FEED_BYTES, allow_private=allow_private,
                     accept=_PAGE_TYPES + _FEED_TYPES, headers=validators)
    if page.not_modified:
        return FeedFetch(url=page.url, feed=None, etag=page.etag,
                         last_modified=page.last_modified)
    if not looks_like_feed(page.body, page.content_type):
        if page.content_type.startswith(_PAGE_TYPES):
            raise NotAFeedError(f"{_short(url)} is a web page, not an RSS or Atom feed.")
        raise FetchError(f"{_short(url)} is not an RSS or Atom feed.")
    feed = parse_feed(page.body, page.url, max_items=max_items)
    return FeedFetch(url=page.url, feed=feed, etag=page.etag, last_modified=page.last_modified)


def parse_feed(body: bytes, url: str, *, max_items: int = MAX_FEED_ITEMS) -> Feed:
    """The items of an RSS or Atom document, newest first as the feed lists them, each with
    an absolute http(s) link (items without one are skipped; a link listed twice is kept
    once).

    Raises:
        FetchError: the document is not a feed, or one so malformed that no item is read.
    """
    import feedparser

    # A file object, never bytes or str: feedparser opens a str as a URL or a file name.
    parsed = feedparser.parse(io.BytesIO(body))
    if not parsed.get("version") and not parsed.entries:
        raise FetchError(f"{_short(url)} is not a valid RSS or Atom feed.")
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in parsed.entries:
        link = _entry_link(entry, url)
        if link is None or link in seen:
            continue
        seen.add(link)
        title = " ".join(str(entry.get("title") or "").split()) or None
        guid = str(entry.get("id") or "").strip() or None
        items.append(FeedItem(title=title, link=link,
                              published=entry.get("published") or entry.get("updated"),
                              id=guid))
        if len(items) >= max_items:
            break
    if parsed.get("bozo") and not items:
        # A lenient parser reads what it can of a broken feed; only when nothing usable
        # comes out is it an error, and then the user should hear that the feed is broken.
        raise FetchError(f"The feed at {_short(url)} is malformed: no item could be read.")
    title = " ".join(str(parsed.feed.get("title") or "").split()) or None
    return Feed(url=url, title=title, items=tuple(items))


def _entry_link(entry: object, base: str) -> str | None:
    get = getattr(entry, "get", None)
    if get is None:
        return None
    link = get("link")
    if not link:
        for candidate in get("links") or ():
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    if not link:
        return None
    try:
        absolute = urljoin(base, str(link).strip())
        scheme = urlsplit(absolute).scheme
    except ValueError:
        return None
    return absolute if scheme in ("http", "https") else None


def _short(url: str, limit: int = 80) -> str:
    return url if len(url) <= limit else url[: limit - 1] + "…"


# --------------------------------------------------------------------------- sources


def folder_files(folder: Path, limit: int = MAX_FOLDER_FILES) -> list[Path]:
    """The article files in `folder` and its subfolders (a corpus kept by category), by path;
    hidden files and folders skipped, links to folders not followed (no loops), at most
    `limit` files (the digest's own cap applies after)."""
    found: list[Path] = []
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        found.extend(Path(root) / name for name in files
                     if not name.startswith(".") and Path(name).suffix.lower() in FOLDER_SUFFIXES)
        if len(found) >= limit:
            break
    return sorted(found, key=lambda p: p.relative_to(folder).parts)[:limit]


def load_sources(
    sources: Sequence[str],
    *,
    allow_private: bool = False,
    max_items: int = MAX_FEED_ITEMS,
    max_articles: int = MAX_DIGEST_ARTICLES,
    on_loaded: Callable[[str], None] | None = None,
) -> list[Article | SourceFailure]:
    """Load every source, in order: a folder gives its files, a feed its items. A source
    that fails is a `SourceFailure` in its place; the same URL or file is loaded once.
    Past `max_articles`, further articles are reported as skipped.
    """
    from summarizer.article import article_from_bytes, article_from_file, load_article

    # First expand folders and feeds into single loads, then load them (URLs in threads).
    loads: list[Callable[[], Article] | SourceFailure] = []
    names: list[str] = []
    seen: set[str] = set()

    def add(name: str, load: Callable[[], Article]) -> None:
        if name in seen:
            return
        seen.add(name)
        names.append(name)
        loads.append(load)

    def fail(name: str, error: str) -> None:
        names.append(name)
        loads.append(SourceFailure(name, error))

    def page_loader(url: str) -> Callable[[], Article]:
        return partial(load_article, url, allow_private_urls=allow_private)

    for source in sources:
        if is_url(source):
            try:
                page = fetch_page(source, allow_private=allow_private)
            except BriefingError as error:
                fail(source, str(error))
                continue
            if looks_like_feed(page.body, page.content_type):
                try:
                    feed = parse_feed(page.body, page.url, max_items=max_items)
                except BriefingError as error:
                    fail(source, str(error))
                    continue
                if not feed.items:
                    fail(source, f"The feed at {_short(source)} has no items with links.")
                for item in feed.items:
                    add(item.link, page_loader(item.link))
            else:
                add(source, partial(article_from_bytes, page.body, source=source,
                                    content_type=page.content_type))
            continue
        path = Path(source)
        try:
            is_folder = path.is_dir()
        except OSError:
            is_folder = False
        if is_folder:
            files = folder_files(path)
            if not files:
                fail(source, f"The folder {path.name} has no {', '.join(FOLDER_SUFFIXES)} files.")
            for file in files:
                add(str(file), partial(article_from_file, file))
        else:
            add(source, partial(article_from_file, path))

    results: list[Article | SourceFailure | None] = [None] * len(loads)
    count = 0
    todo: list[tuple[int, Callable[[], Article]]] = []
    for index, load in enumerate(loads):
        if isinstance(load, SourceFailure):
            results[index] = load
        elif count >= max_articles:
            results[index] = SourceFailure(
                names[index], f"Skipped: a digest covers at most {max_articles} articles.")
        else:
            count += 1
            todo.append((index, load))

    def run(job: tuple[int, Callable[[], Article]]) -> None:
        index, load = job
        try:
            results[index] = load()
        except (InputError, BriefingError) as error:
            results[index] = SourceFailure(names[index], str(error))
        if on_loaded is not None:
            on_loaded(names[index])

    with ThreadPoolExecutor(max_workers=FETCH_THREADS, thread_name_prefix="load") as pool:
        list(pool.map(run, todo))
    return [r for r in results if r is not None]
