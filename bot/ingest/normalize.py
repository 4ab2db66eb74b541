"""Fingerprints that make an article stored once: its canonical URL, then a hash of its content."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urldefrag

import courlan

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def canonical_url(url: str) -> str:
    """Scheme and host lowercased, default port, fragment and tracking parameters (utm_*, fbclid,
    gclid, ref ...) dropped, query parameters sorted. file:// URIs are returned as they are."""
    url = url.strip()
    if url.startswith("file:"):
        return url
    url, _fragment = urldefrag(url)
    return courlan.normalize_url(url, strict=False, trailing_slash=False)


def content_hash(text: str) -> str:
    """SHA-256 over the words of the body, case, accents, punctuation and spacing folded, so a copy
    that differs only in markup or whitespace hashes the same. The title is left out on purpose:
    feeds and pages often title the same story differently."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    words = _NON_WORD.sub(" ", folded).split()
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()
