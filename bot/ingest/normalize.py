"""Fingerprints that make an article stored once: its canonical URL, then a hash of its content; and
the same URL as people are shown it (tracking parameters out, the rest as written)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKER_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "oly_")
# Exact names only: prefixes such as "ga" or "ref" would also catch real parameters (gameId, refresh).
_TRACKERS = {
    "fbclid",
    "gclid",
    "dclid",
    "gclsrc",
    "msclkid",
    "yclid",
    "igshid",
    "twclid",
    "ttclid",
    "wbraid",
    "gbraid",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "ref",
    "ref_src",
    "ref_url",
    "cmpid",
    "xtor",
    "ocid",
    "sr_share",
    "at_medium",
    "at_campaign",
    "spm",
    "share",
    "s_cid",
    "cid_source",
}


def canonical_url(url: str) -> str:
    """Scheme and host lowercased, default port, fragment and tracking parameters (utm_*, fbclid,
    gclid, ...) dropped, repeated slashes folded, query parameters sorted. file:// URIs are kept."""
    url = url.strip()
    if url.startswith("file:"):
        return url
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port and _DEFAULT_PORTS.get(scheme) != parts.port:
        host = f"{host}:{parts.port}"
    path = re.sub(r"/{2,}", "/", parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracker(k))
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def without_tracking(url: str) -> str:
    """`url` without its tracking parameters (the ones `canonical_url` drops: utm_*, fbclid, ...),
    everything else kept as written: the link shown to people. A URL that cannot be parsed, or has
    nothing to drop, comes back unchanged."""
    if "?" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    pieces = parts.query.split("&")
    kept = [p for p in pieces if p and not _is_tracker(unquote_plus(p.partition("=")[0]))]
    if len(kept) == len(pieces):
        return url
    return urlunsplit(parts._replace(query="&".join(kept)))


def _is_tracker(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith(_TRACKER_PREFIXES) or lowered in _TRACKERS


def content_hash(text: str) -> str:
    """SHA-256 over the words of the body, case, accents, punctuation and spacing folded, so a copy
    that differs only in markup or whitespace hashes the same. The title is left out on purpose:
    feeds and pages often title the same story differently."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    words = _NON_WORD.sub(" ", folded).split()
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()
