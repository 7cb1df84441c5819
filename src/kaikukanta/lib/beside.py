"""Work done beside the caller: in a thread of its own, started now, waited for later.

A large file import spends much of its time waiting for PostgreSQL (a COPY, the
statistics' upserts, the commit's foreign-key checks). Work that needs none of those
answers can run meanwhile: Python work (the waiting thread holds no interpreter lock),
or writes on a connection of the thread's own (another PostgreSQL backend, on the other
core), which the thread closes when it is done.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connections

T = TypeVar("T")


def beside(work: Callable[[], T], *, name: str = "beside") -> Callable[[], T]:
    """Start `work()` in a thread now. Returns a function that waits for it and gives its
    answer, or raises what it raised. Call that function on every path (also when the
    caller fails), so no thread is left running."""
    answer: list = []

    def run() -> None:
        try:
            answer.append((True, work()))
        except BaseException as exc:  # handed to the waiting caller
            answer.append((False, exc))
        finally:
            connections.close_all()  # this thread's own connections, if it opened any

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()

    def wait() -> T:
        thread.join()
        ok, value = answer[0]
        if not ok:
            raise value
        return value

    return wait
