"""Feeds and pages built to hurt: an XML entity bomb, an external entity that reads a local file, and
a gzip bomb. Each ends in one line of reason, quickly, without the machine's files in the store and
without unpacking more than the download cap."""

from __future__ import annotations

import gzip
import time

from sqlalchemy import select

from bot.cli import main
from storage.models import Article
from tests.integration.test_bad_input import cli_env, reasons  # noqa: F401 (cli_env is a fixture)
from tests.support.webserver import LocalWebServer

LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n' for n in range(1, 10)
    )
    + ']>\n<rss version="2.0"><channel><title>Bomb</title><item><title>&lol9;</title>'
    "<link>http://127.0.0.1:9/x</link><description>&lol9;</description></item></channel></rss>"
)
XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    '<rss version="2.0"><channel><title>Leak</title><item><title>Leak &secret;</title>'
    "<link>https://example.com/leak</link><description>The server says: &secret; and much more text "
    "follows here so that the item would be stored as an article of its own if it were read.</description>"
    "</item></channel></rss>"
)


def test_an_entity_bomb_feed_is_never_expanded(cli_env, web: LocalWebServer, capsys):  # noqa: F811
    url = web.add("/bomb.xml", LAUGHS, content_type="application/rss+xml")
    started = time.monotonic()
    main(["ingest", url])
    took = time.monotonic() - started
    out = capsys.readouterr().out
    assert "lollol" not in out  # the entities were never expanded (a billion "lol"s, 3 GB)
    assert took < 30
    with cli_env.session() as session:
        assert not [a for a in session.scalars(select(Article)) if "lollol" in f"{a.title} {a.text}"]


def test_an_external_entity_never_brings_a_local_file_into_the_store(cli_env, web: LocalWebServer, capsys):  # noqa: F811
    url = web.add("/leak.xml", XXE, content_type="application/rss+xml")
    main(["ingest", url])
    capsys.readouterr()
    with cli_env.session() as session:
        texts = [f"{a.title} {a.text}" for a in session.scalars(select(Article))]
    assert not [t for t in texts if "root:" in t], texts


def test_a_gzip_bomb_is_cut_at_the_download_cap(cli_env, web: LocalWebServer, capsys):  # noqa: F811
    bomb = gzip.compress(b"<p>" + b"a" * 200_000_000 + b"</p>", compresslevel=9)  # 200 MB in about 200 KB
    url = web.add("/bomb.html", bomb, headers={"Content-Encoding": "gzip"})
    started = time.monotonic()
    main(["ingest", url])
    took = time.monotonic() - started
    out = capsys.readouterr().out
    assert reasons(out)[url] == "failed: too large: over the 1 MB cap", out
    assert took < 30
