"""Human-readable summaries of an ingest run: counts first, then one line per input worth naming."""

from __future__ import annotations

from bot.ingest.models import Status, Summary

MAX_LISTED_NEW = 10


def headline(summary: Summary) -> str:
    parts = [
        f"{summary.count(status)} {status.value}"
        for status in Status
        if summary.count(status) or status is Status.NEW
    ]
    return f"Ingested {len(summary.outcomes)} input(s): " + ", ".join(parts)


def summary_lines(summary: Summary, *, verbose: bool = False) -> list[str]:
    """The headline, the new titles (the first few unless verbose), every skip and failure with its
    reason, and the duplicates only when verbose."""
    lines = [headline(summary)]
    new = summary.of(Status.NEW)
    shown = new if verbose else new[:MAX_LISTED_NEW]
    lines += [f"  new        {o.title}  ({o.target})" for o in shown]
    if len(new) > len(shown):
        lines.append(f"  ... and {len(new) - len(shown)} more new")
    if verbose:
        lines += [f"  duplicate  {o.target}: {o.reason}" for o in summary.of(Status.DUPLICATE)]
    lines += [f"  skipped    {o.target}: {o.reason}" for o in summary.of(Status.SKIPPED)]
    lines += [f"  failed     {o.target}: {o.reason}" for o in summary.of(Status.FAILED)]
    return lines
