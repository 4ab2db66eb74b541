"""The ingest pipeline: targets and sources in, drafts stored once, one Outcome per input out.

`Ingestor` is what the CLI and the scheduler call. It owns no policy about where input comes from
(that is `folder`, `feeds`, `pages`) nor how rows are written (that is `storage`); it connects them,
decides new versus duplicate, files a new article under the story it is a copy of (`stories`), and
keeps a source's health (back-off, failing state) up to date.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bot.ingest.addresses import AddressRefused
from bot.ingest.feeds import Feed, FeedEntry, draft_from_html, looks_like_feed, parse_feed
from bot.ingest.folder import files_in, read_article_file
from bot.ingest.http import Fetcher
from bot.ingest.models import ArticleDraft, IngestError, NoArticleText, Outcome, Status, Summary
from bot.ingest.normalize import canonical_url, content_hash
from bot.ingest.pages import article_from_response, fetch_page
from bot.ingest.stories import TEXT_CHARS, Candidate, closest_copy, shortlist
from storage.articles import add_article, known_urls, recent_titles, story_candidates
from storage.db import Database, driver_message, storage_full
from storage.models import Article, SourceKind, utcnow
from storage.sources import due_sources, get_source, record_fetch_failure, record_fetch_success

_OTHER_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
STORY_WINDOW = timedelta(days=3)  # a copy of a story is looked for among articles stored this recently


class Progress(Protocol):
    def start(self, label: str, total: int) -> None: ...
    def advance(self) -> None: ...


class NoProgress:
    def start(self, label: str, total: int) -> None:
        pass

    def advance(self) -> None:
        pass


def is_url(target: str) -> bool:
    return target.lower().startswith(("http://", "https://"))


def _file_mark(file: Path) -> tuple[int, int] | None:
    try:
        stat = file.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _full(exc: DBAPIError) -> str:
    return f"the disk is full ({driver_message(exc)})"


class Ingestor:
    def __init__(
        self,
        db: Database,
        fetcher: Fetcher,
        *,
        max_file_bytes: int,
        progress: Progress | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.fetcher = fetcher
        self.max_file_bytes = max_file_bytes
        self.progress = progress or NoProgress()
        self.clock = clock
        # Files of registered folders already read, with their modification time and size then: a
        # folder fetched every few minutes reads only what is new or changed (in this process).
        self._read_files: dict[Path, tuple[int, int]] = {}

    # -- one-off targets (the `ingest` command) --------------------------------------------------

    async def ingest_targets(self, targets: Sequence[str]) -> Summary:
        """Each target in turn; a full disk ends the run (what was stored is whole, the rest unread)."""
        summary = Summary()
        for index, target in enumerate(targets):
            try:
                if is_url(target):
                    summary.extend(await self.ingest_url(target))
                elif _OTHER_SCHEME.match(target):
                    scheme = target.split(":", 1)[0]
                    summary.add(
                        Outcome(
                            target, Status.FAILED, reason=f"{scheme}: URLs are not supported; use http(s)"
                        )
                    )
                else:
                    summary.extend(await asyncio.to_thread(self.ingest_path, Path(target)))
            except DBAPIError as exc:
                if not storage_full(exc):
                    raise
                summary.stopped, summary.unread = _full(exc), summary.unread + 1
            if summary.stopped is not None:
                summary.unread += len(targets) - index - 1
                break
        return summary

    def ingest_path(self, path: Path, *, source_id: int | None = None, backfill: bool = False) -> Summary:
        summary = Summary()
        if not path.exists():
            summary.add(Outcome(str(path), Status.FAILED, reason="no such file or folder"))
            return summary
        files = files_in(path) if path.is_dir() else [path]
        if path.is_dir() and not files:
            summary.add(
                Outcome(str(path), Status.FAILED, reason="no .txt, .md or .html files in this folder")
            )
            return summary
        marked = [(f, _file_mark(f)) for f in files]
        if source_id is not None:  # a registered folder: what was read before and is unchanged is not
            marked = [(f, mark) for f, mark in marked if self._read_files.get(f) != mark]  # read again
        self.progress.start(f"Reading {path}", len(marked))
        for done, (file, mark) in enumerate(marked):
            try:
                outcome = self._read_and_store(file, source_id=source_id, backfill=backfill)
            except DBAPIError as exc:
                if not storage_full(exc):
                    raise
                summary.stopped, summary.unread = _full(exc), len(marked) - done
                break
            summary.add(outcome)
            if mark is not None and outcome.status is not Status.FAILED:
                self._read_files[file] = mark
            self.progress.advance()
        return summary

    def _read_and_store(self, file: Path, *, source_id: int | None, backfill: bool) -> Outcome:
        try:
            draft = read_article_file(file, max_bytes=self.max_file_bytes)
        except NoArticleText as exc:
            return Outcome(str(file), Status.SKIPPED, reason=str(exc))
        except IngestError as exc:
            return Outcome(str(file), Status.FAILED, reason=str(exc))
        return self.store(draft, target=str(file), source_id=source_id, backfill=backfill)

    async def ingest_url(self, url: str) -> Summary:
        """A feed's items or a single page, whichever the URL serves."""
        summary = Summary()
        try:
            response = await self.fetcher.get(url)
            if looks_like_feed(response):
                feed = await asyncio.to_thread(parse_feed, response.content)
            else:
                draft = await asyncio.to_thread(article_from_response, response)
                summary.add(await asyncio.to_thread(self.store, draft, target=url))
                return summary
        except NoArticleText as exc:
            summary.add(Outcome(url, Status.SKIPPED, reason=str(exc)))
            return summary
        except IngestError as exc:
            summary.add(Outcome(url, Status.FAILED, reason=str(exc)))
            return summary
        return await self.ingest_feed(feed)

    # -- feeds -------------------------------------------------------------------------------------

    async def ingest_feed(
        self, feed: Feed, *, source_id: int | None = None, backfill: bool = False
    ) -> Summary:
        """Store a feed's new items. Items whose link is already stored are not fetched again."""
        summary = Summary()
        links = {e.link: canonical_url(e.link) for e in feed.entries if e.link}
        known = await asyncio.to_thread(self._known_urls, list(links.values()))
        fresh: list[FeedEntry] = []
        for entry in feed.entries:
            if entry.link and links[entry.link] in known:
                summary.add(Outcome(entry.link, Status.DUPLICATE, title=entry.title, reason="already stored"))
            else:
                fresh.append(entry)
        self.progress.start(f"Reading {feed.title or 'feed'}", len(fresh))
        tasks = [asyncio.ensure_future(self._entry_outcome(e, feed.title)) for e in fresh]
        for entry, task in zip(fresh, tasks, strict=True):
            draft_or_outcome = await task
            if isinstance(draft_or_outcome, Outcome):
                summary.add(draft_or_outcome)
            else:
                target = entry.link or entry.title
                summary.add(
                    await asyncio.to_thread(
                        self.store, draft_or_outcome, target=target, source_id=source_id, backfill=backfill
                    )
                )
            self.progress.advance()
        return summary

    async def _entry_outcome(self, entry: FeedEntry, feed_title: str | None) -> ArticleDraft | Outcome:
        target = entry.link or entry.title or "(feed item)"
        try:
            return await self._entry_draft(entry, feed_title)
        except (NoArticleText, AddressRefused) as exc:  # a link to an internal address is not read
            return Outcome(target, Status.SKIPPED, title=entry.title or None, reason=str(exc))
        except IngestError as exc:
            return Outcome(target, Status.FAILED, title=entry.title or None, reason=str(exc))

    async def _entry_draft(self, entry: FeedEntry, feed_title: str | None) -> ArticleDraft:
        if entry.content_html:
            return await asyncio.to_thread(draft_from_html, entry, entry.content_html, feed_title)
        if not entry.link:
            return await asyncio.to_thread(draft_from_html, entry, entry.summary_html, feed_title)
        try:
            page = await fetch_page(self.fetcher, entry.link)
        except NoArticleText:
            if entry.summary_html:
                return await asyncio.to_thread(draft_from_html, entry, entry.summary_html, feed_title)
            raise
        return ArticleDraft(
            title=entry.title or page.title,
            text=page.text,
            url=entry.link,
            source_name=feed_title or page.source_name,
            author=entry.author or page.author,
            published_at=entry.published_at or page.published_at,
        )

    # -- storing (blocking: the async paths call it in a worker thread) ------------------------------

    def _known_urls(self, canonical_urls: list[str]) -> set[str]:
        with self.db.session() as session:
            return known_urls(session, canonical_urls)

    def store(
        self, draft: ArticleDraft, *, target: str, source_id: int | None = None, backfill: bool = False
    ) -> Outcome:
        with self.db.session() as session:
            article, created = add_article(
                session,
                canonical_url=canonical_url(draft.url) if draft.url else None,
                content_hash=content_hash(draft.text),
                title=draft.title,
                text=draft.text,
                url=draft.url,
                source_name=draft.source_name,
                source_id=source_id,
                author=draft.author,
                published_at=draft.published_at,
                backfill=backfill,
            )
            if created:
                article.story_id = self._story_of(session, article)
            article_id, stored_title = article.id, article.title
        if created:
            return Outcome(target, Status.NEW, title=draft.title, article_id=article_id)
        return Outcome(
            target,
            Status.DUPLICATE,
            title=stored_title,
            article_id=article_id,
            reason=f"already stored as #{article_id}",
        )

    def _story_of(self, session: Session, article: Article) -> int | None:
        """The story a newly stored article is a copy of, among those stored within STORY_WINDOW."""
        recent = recent_titles(session, self.clock() - STORY_WINDOW, exclude_id=article.id)
        picked = shortlist(article.title, article.text, [title for _id, title in recent])
        rows = story_candidates(session, [recent[i][0] for i in picked], TEXT_CHARS)
        return closest_copy(article.title, article.text, [Candidate(*row) for row in rows])

    # -- registered sources (the scheduler) --------------------------------------------------------

    async def fetch_due(self) -> Summary:
        with self.db.session() as session:
            due = [s.id for s in due_sources(session, self.clock())]
        summary = Summary()
        for source_id in due:
            summary.extend(await self.fetch_source(source_id))
        return summary

    async def fetch_source(self, source_id: int) -> Summary:
        """Fetch one registered source now and record how it went on the source."""
        with self.db.session() as session:
            source = get_source(session, source_id)
            if source is None:
                return Summary()
            kind, location = source.kind, source.location
            etag, last_modified = source.etag, source.last_modified
            first_fetch = source.last_success_at is None
        summary = Summary()
        new_etag, new_modified = etag, last_modified
        try:
            if kind is SourceKind.FOLDER:
                folder = Path(location)
                if not folder.is_dir():
                    raise IngestError("folder not found")
                summary = await asyncio.to_thread(
                    self.ingest_path, folder, source_id=source_id, backfill=first_fetch
                )
            elif kind is SourceKind.FEED:
                response = await self.fetcher.get(location, etag=etag, last_modified=last_modified)
                new_etag = response.etag or etag
                new_modified = response.last_modified or last_modified
                if not response.not_modified:
                    feed = await asyncio.to_thread(parse_feed, response.content)
                    summary = await self.ingest_feed(feed, source_id=source_id, backfill=first_fetch)
            else:
                draft = await fetch_page(self.fetcher, location)
                summary.add(
                    await asyncio.to_thread(
                        self.store, draft, target=location, source_id=source_id, backfill=first_fetch
                    )
                )
        except IngestError as exc:
            self._record_failure(source_id, str(exc))
            summary.add(Outcome(location, Status.FAILED, reason=str(exc)))
            return summary
        self._record_success(source_id, new_etag, new_modified)
        return summary

    def _record_success(self, source_id: int, etag: str | None, last_modified: str | None) -> None:
        with self.db.session() as session:
            record_fetch_success(session, source_id, etag=etag, last_modified=last_modified, now=self.clock())

    def _record_failure(self, source_id: int, reason: str) -> None:
        with self.db.session() as session:
            record_fetch_failure(session, source_id, reason, now=self.clock())
