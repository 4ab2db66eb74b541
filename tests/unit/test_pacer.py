"""The outbox's overall pacing (bot.delivery.telegram._Pacer): evenly spaced send slots, never a
burst above the rate, and no backlog of slots saved up over a quiet spell.

The rule the tests read: with slots of `interval`, the i-th send after a pacer is first used (or used
again after a quiet spell) at time t goes no earlier than t + (i - 1) * interval: at most one slot
lies in the past. Only such lower bounds are asserted: a slow machine makes sends later, never
earlier."""

from __future__ import annotations

import asyncio

from bot.delivery.telegram import _Pacer

RATE = 20.0  # slots a second: 50 ms apart
INTERVAL = 1 / RATE
SLACK = 0.005  # the event loop's clock resolution and scheduling


async def times_of_sends(pacer: _Pacer, senders: int, each: int) -> tuple[float, list[float]]:
    """When the senders started, and when each send went, in order."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    sent: list[float] = []

    async def sender() -> None:
        for _ in range(each):
            await pacer.wait()
            sent.append(loop.time())

    await asyncio.gather(*(sender() for _ in range(senders)))
    return started, sorted(sent)


def never_faster_than_the_rate(started: float, sent: list[float]) -> bool:
    return all(at >= started + (i - 1) * INTERVAL - SLACK for i, at in enumerate(sent))


async def test_concurrent_senders_share_the_rate_and_never_go_faster():
    started, sent = await times_of_sends(_Pacer(RATE), senders=4, each=5)
    assert len(sent) == 20
    assert never_faster_than_the_rate(started, sent)


async def test_the_first_send_goes_at_once():
    loop = asyncio.get_running_loop()
    started = loop.time()
    await _Pacer(1.0).wait()  # one a second: a wait for a slot would be noticed
    assert loop.time() - started < 0.5


async def test_a_quiet_spell_saves_up_no_burst():
    pacer = _Pacer(RATE)
    await times_of_sends(pacer, senders=1, each=3)
    await asyncio.sleep(10 * INTERVAL)  # ten slots go unused
    started, sent = await times_of_sends(pacer, senders=3, each=4)
    assert never_faster_than_the_rate(started, sent)
