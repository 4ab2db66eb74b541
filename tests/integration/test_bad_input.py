"""Bad input gets one line of reason in the summary, everything else goes on, and nothing already
stored is touched. The exit code is non-zero only when nothing at all could be ingested."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from storage.db import Database
from storage.models import Article
from tests.support.webserver import LOOPBACK_SETTING, LocalWebServer

SEED = Path(__file__).resolve().parents[2] / "seeds" / "letsnewz-ase-us-investment.txt"
GOOD_PAGE = (
    "<html><head><title>Foxconn to build servers in Mexico</title></head><body><article>"
    "<h1>Foxconn to build servers in Mexico</h1>"
    "<p>Hon Hai Precision Industry, known as Foxconn, said on Monday it would invest about $900 million "
    "in a new server assembly plant in Guadalajara, Mexico, to meet demand for artificial intelligence "
    "systems from its cloud customers.</p><p>The plant is expected to start production next year.</p>"
    "</article></body></html>"
)


@pytest.fixture
def cli_env(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("FETCH_ALLOW_INTERNAL", LOOPBACK_SETTING)
    monkeypatch.setenv("HTTP_TIMEOUT_SECONDS", "1")
    monkeypatch.setenv("MAX_DOWNLOAD_BYTES", "1000000")
    return db


def snapshot(db: Database) -> list[tuple]:
    with db.session() as session:
        rows = session.scalars(select(Article).order_by(Article.id))
        return [(a.id, a.title, a.text, a.content_hash, a.ingested_at) for a in rows]


def reasons(output: str) -> dict[str, str]:
    """target -> reason for each skipped/failed line of a summary."""
    found = {}
    for line in output.splitlines():
        status, _, rest = line.strip().partition(" ")
        if status in ("skipped", "failed"):
            target, _, reason = rest.strip().partition(": ")
            found[target] = f"{status}: {reason}"
    return found


def test_bad_files_each_get_a_reason_and_the_good_one_is_stored(cli_env: Database, tmp_path: Path, capsys):
    assert main(["ingest", str(SEED)]) == 0
    before = snapshot(cli_env)
    capsys.readouterr()

    good = tmp_path / "good.md"
    good.write_text(
        "# Kioxia widens losses\n\n" + "Kioxia said its quarterly loss widened as NAND prices fell. " * 3
    )
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 news about Acer and its new laptops".encode("latin-1"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text("\n\n   \n")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "menu.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    (tmp_path / "folder.txt").mkdir()
    (tmp_path / "huge.txt").write_text("word " * 300_000)
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    copy = tmp_path / "seed-copy.txt"
    shutil.copy(SEED, copy)
    targets = [str(p) for p in sorted(tmp_path.iterdir())] + [str(tmp_path / "missing.txt")]

    assert main(["ingest", *targets]) == 0
    out = capsys.readouterr().out
    got = reasons(out)
    assert (
        got[str(tmp_path / "latin1.txt")]
        == "failed: not UTF-8 text (byte 0xE9 at offset 3); save it as UTF-8"
    )
    assert got[str(tmp_path / "empty.txt")] == "skipped: empty file"
    assert got[str(tmp_path / "blank.md")] == "skipped: empty file"
    assert got[str(tmp_path / "binary.txt")] == "failed: binary file, not text"
    assert got[str(tmp_path / "menu.html")].startswith("skipped: no article text found")
    assert got[str(tmp_path / "folder.txt")] == "failed: no .txt, .md or .html files in this folder"
    assert got[str(tmp_path / "huge.txt")] == "failed: too large: over the 1 MB cap"
    assert got[str(tmp_path / "image.png")] == "failed: unsupported file type .png; use .txt, .md or .html"
    assert got[str(tmp_path / "dangling.txt")] == "failed: no such file or folder"
    assert got[str(tmp_path / "missing.txt")] == "failed: no such file or folder"
    assert "1 new, 1 duplicate" in out  # good.md stored; the seed's copy recognised by its content
    after = snapshot(cli_env)
    assert after[: len(before)] == before
    assert [row[1] for row in after[len(before) :]] == ["Kioxia widens losses"]


def test_exit_code_is_non_zero_only_when_nothing_could_be_ingested(cli_env: Database, tmp_path: Path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["ingest", str(tmp_path / "empty.txt"), str(tmp_path / "nope.md")]) == 1
    assert main(["ingest", str(SEED), str(tmp_path / "nope.md")]) == 0
    assert main(["ingest", str(SEED)]) == 0  # only duplicates: read fine, nothing new
    assert "nothing new" in capsys.readouterr().out


def test_bad_urls_each_get_a_reason_and_nothing_stored_is_touched(
    cli_env: Database, web: LocalWebServer, capsys
):
    good = web.add("/good", GOOD_PAGE)
    assert main(["ingest", good]) == 0
    before = snapshot(cli_env)
    capsys.readouterr()

    bad = {
        "/error": dict(body="boom", status=500),
        "/missing": dict(body="nope", status=404),
        "/silent": dict(hang=True),
        "/huge": dict(stream_bytes=50_000_000),
        "/liar": dict(body="<p>x</p>", declare_length=50_000_000),
        "/loop-a": dict(redirect_to="/loop-b"),
        "/loop-b": dict(redirect_to="/loop-a"),
        "/menu": dict(
            body="<html><body><nav><a href='/'>Home</a> | <a href='/x'>About</a></nav></body></html>"
        ),
        "/malformed.xml": dict(
            body="<?xml version='1.0'?><rss><channel><title>Broken &&&", content_type="application/rss+xml"
        ),
        "/pdf": dict(body=b"%PDF-1.4 binary", content_type="application/pdf"),
    }
    for path, route in bad.items():
        web.add(path, **route)
    urls = [web.url(p) for p in bad if p != "/loop-b"] + [
        "http://127.0.0.1:9/closed-port",
        "ftp://example.invalid/x",
    ]
    started = time.monotonic()
    assert main(["ingest", *urls]) == 1
    elapsed = time.monotonic() - started
    got = reasons(capsys.readouterr().out)
    assert got[web.url("/error")] == "failed: HTTP 500 Internal Server Error"
    assert got[web.url("/missing")] == "failed: HTTP 404 Not Found"
    assert got[web.url("/silent")] == "failed: the server did not answer within 1 s"
    assert got[web.url("/huge")] == "failed: too large: over the 1 MB cap"
    assert got[web.url("/liar")] == "failed: too large: 50 MB, the cap is 1 MB"
    assert got[web.url("/loop-a")] == "failed: more than 5 redirects (a redirect loop?)"
    assert got[web.url("/menu")].startswith("skipped: no article text found")
    assert got[web.url("/malformed.xml")].startswith("failed: malformed feed")
    assert got[web.url("/pdf")] == "failed: not a web page (application/pdf)"
    assert got["http://127.0.0.1:9/closed-port"].startswith("failed: could not connect")
    assert got["ftp://example.invalid/x"] == "failed: ftp: URLs are not supported; use http(s)"
    assert snapshot(cli_env) == before
    assert elapsed < 30  # bounded: each bad server costs a timeout at most, not a hang


def test_a_web_page_is_not_accepted_as_a_feed_source(cli_env: Database, web: LocalWebServer, capsys):
    page = web.add("/news", GOOD_PAGE)
    assert main(["sources", "add", page]) == 1
    assert "not a feed: the address serves an ordinary web page" in capsys.readouterr().err
    assert main(["sources", "add", page, "--page", "--name", "Foxconn watch"]) == 0
    assert main(["sources", "list"]) == 0
    out = capsys.readouterr().out
    assert "page" in out and "Foxconn watch" in out
