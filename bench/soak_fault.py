"""The fault leg of `make soak`: a PostgreSQL of its own SIGKILLed under load and started again.

While it is down every answer must be a 503 UNAVAILABLE within 1 s; a request caught in flight
may fail the same way but never as CONFLICT or a 500; readiness must return within 1 s of the
restart; no request may outlast the hub's deadline; every acknowledged write must be there.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx

from bench.private_postgres import free_port, private_postgres
from bench.soak_load import Answer, LoadPlan, missing_writes, percentile, run_load

__all__ = ["fault_leg"]

SECONDS, KILL_AT, RESTART_AT = 20.0, 6.0, 11.0
DEADLINE_S = 30.0  # the hub's default ACCORD_REQUEST_DEADLINE_MS
WITHIN_S = 1.0


class Readiness(threading.Thread):
    """Polls /readyz every 20 ms, keeping (time, status)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.seen, self.done = url, list[tuple[float, int]](), threading.Event()

    def run(self) -> None:
        with httpx.Client(timeout=2) as client:
            while not self.done.is_set():
                try:
                    status = client.get(f"{self.url}/readyz").status_code
                except httpx.HTTPError:
                    status = 0
                self.seen.append((time.perf_counter(), status))
                time.sleep(0.02)


def fault_leg(
    home: Path,
    *,
    clients: int,
    serving: Callable[..., AbstractContextManager[Any]],
    plan: Callable[..., LoadPlan],
) -> bool:
    with private_postgres() as postgres, serving(postgres.url, home, port=free_port()) as hub:
        events: dict[str, float] = {}

        def at(elapsed: float) -> None:
            began = events.setdefault("began", time.perf_counter() - elapsed)
            if "killed" not in events and elapsed >= KILL_AT:
                postgres.kill()
                events["killed"] = time.perf_counter() - began
            elif "killed" in events and "restarted" not in events and elapsed >= RESTART_AT:
                postgres.start()  # returns once it accepts connections
                events["restarted"] = time.perf_counter() - began

        readiness = Readiness(hub.url)
        readiness.start()
        answers = asyncio.run(run_load(plan(hub, seconds=SECONDS, clients=clients), at=at))
        readiness.done.set()
        readiness.join()
        acknowledged = [a.agreement_id for a in answers if a.agreement_id is not None]
        missing = asyncio.run(missing_writes(hub.database_url, acknowledged))
    return _report(answers, events, readiness.seen, acknowledged, missing)


def _report(
    answers: Sequence[Answer],
    events: dict[str, float],
    readiness: Sequence[tuple[float, int]],
    acknowledged: Sequence[str],
    missing: int,
) -> bool:
    killed, restarted = events["killed"], events["restarted"]
    down = [a for a in answers if a.started >= killed and a.started + a.seconds <= restarted]
    wrong = [a for a in down if a.status != 503 or a.codes != ("UNAVAILABLE",)]
    slow = [a for a in down if a.seconds > WITHIN_S]
    caught = [a for a in answers if a.started < killed < a.started + a.seconds]
    caught_bad = [a for a in caught if not a.ok and (a.status, a.codes) != (503, ("UNAVAILABLE",))]
    back = [t - events["began"] for t, status in readiness if status == 200]
    ready_after = min((t for t in back if t >= restarted), default=float("inf")) - restarted
    recovered = [a for a in answers if a.started > restarted + WITHIN_S]
    not_recovered = [a for a in recovered if not a.ok]
    longest = max((a.seconds for a in answers), default=0.0)
    times = [a.seconds * 1000 for a in down]
    print(f"\nfault, PostgreSQL SIGKILLed at {killed:.1f} s, restarted at {restarted:.1f} s:")
    print(
        f"  while down: {len(down)} answers, {len(wrong)} not 503 UNAVAILABLE, "
        f"{len(slow)} slower than 1 s (p50 {percentile(times, 0.5):.1f} ms, "
        f"p99 {percentile(times, 0.99):.1f} ms, max {max(times, default=0):.1f} ms)"
    )
    print(f"  in flight at the kill: {len(caught)}, of which {len(caught_bad)} neither ok nor 503")
    print(f"  readiness back {ready_after * 1000:.0f} ms after the restart")
    print(f"  after recovery: {len(recovered)} answers, {len(not_recovered)} errors")
    print(f"  longest request {longest * 1000:.0f} ms (deadline {DEADLINE_S * 1000:.0f} ms)")
    print(f"  acknowledged writes {len(acknowledged)}, missing afterwards {missing}")
    for answer in (wrong + caught_bad + not_recovered)[:5]:
        print(f"    e.g. {answer}")
    return (
        not wrong
        and not slow
        and not caught_bad
        and ready_after <= WITHIN_S
        and not not_recovered
        and longest < DEADLINE_S
        and missing == 0
        and bool(down)
    )
