"""Human-readable summaries of an ingest run: counts first, then one line per input worth naming."""

from __future__ import annotations

from bot.ingest.models import Status, Summary

MAX_LISTED_NEW = 10


def headline(summary: Summary) -> str:
    counts = {status: summary.count(status) for status in Status}
    parts = [f"{n} {status.value}" for status, n in counts.items() if n or status is Status.NEW]
    text = f"Ingested {len(summary.outcomes)} input(s): " + ", ".join(parts)
    if counts[Status.DUPLICATE] and counts[Status.DUPLICATE] == len(summary.outcomes):
        text += " (nothing new: all already stored)"
    return text


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
    if summary.stopped is not None:
        lines.append(
            f"Stopped: {summary.stopped}; {summary.unread} input(s) not read. Every article stored is "
            "whole; free some space and run the same command again to store the rest."
        )
    return lines
