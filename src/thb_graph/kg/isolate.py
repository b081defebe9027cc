"""Engine work that a native library could crash, run where a crash becomes an error.

Oxigraph and the other native parts of the engine can die on input they were never
meant to see (a stack overflow in a parser, an abort): the process ends with a signal and
no message. ``run_step`` runs such a step in a forked child process: its result (or the
exception it raised) comes back through a pipe, and a child killed by a signal becomes an
``EngineCrashError`` naming the step, in a process that is still alive to report it.

The child inherits the parent's memory (copy-on-write), so arguments need not be copied;
only the result travels back, pickled. Without ``fork`` (not on POSIX), or in a process
running other threads (a server: a forked child would inherit their locks mid-use), the
step runs in the process itself.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from thb_graph.errors import EngineCrashError

T = TypeVar("T")


def run_step(step: str, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``func(*args, **kwargs)`` in a child process; EngineCrashError naming ``step`` when
    the child dies without answering."""
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return func(*args, **kwargs)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, func, args, kwargs), daemon=True)
    child.start()
    send.close()
    try:
        outcome, value = receive.recv()
    except EOFError:
        child.join()
        raise EngineCrashError(
            f"the engine crashed while {step} ({_how(child.exitcode)}); nothing was changed",
            details=[f"step: {step}"],
        ) from None
    finally:
        receive.close()
    child.join()
    if outcome == "error":
        raise value
    return value  # type: ignore[no-any-return]


def _child(send: Connection, func: Callable[..., Any], args: Any, kwargs: Any) -> None:
    try:
        try:
            send.send(("ok", func(*args, **kwargs)))
        except BaseException as e:
            try:
                send.send(("error", e))
            except Exception:
                send.send(("error", RuntimeError(f"{type(e).__name__}: {e}")))
        send.close()
    finally:
        os._exit(0)  # no atexit handlers, no finalisers of the parent's objects


def _how(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


__all__ = ["run_step"]
