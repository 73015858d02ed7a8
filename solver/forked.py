"""Work done in a forked child while this process goes on: the second core's share of a plan.

`runcal plan` solves on one core (one CP-SAT worker keeps plans deterministic); a race out of
reach also needs its readiness offers, each variant planned and placed (solver/offers.py), which
do not depend on the plan's solve. A child forked before the solve computes them on the other core
and hands back the result through a pipe (pickled by the child, unpickled by its parent only).

A child that fails or is not there (no fork on the platform, one core) gives None, and the caller
does the work itself: the result is the same either way, only when it is ready differs.
"""

from __future__ import annotations

import os
import pickle
import signal
import warnings
from collections.abc import Callable
from typing import Generic, TypeVar

from .limits import cores

T = TypeVar("T")


class Forked(Generic[T]):
    """`work()` running in a child; result() waits for it (None if the child could not finish)."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._pid: int | None = None
        self._done = False
        self._value: T | None = None
        if not hasattr(os, "fork") or cores() < 2:
            self._done = True
            return
        read, write = os.pipe()
        with warnings.catch_warnings():
            # Python 3.12+ warns at fork() when another thread exists (OpenBLAS's, from numpy): the
            # child never calls into BLAS, and no CP-SAT solve is running (none has started yet).
            warnings.filterwarnings("ignore", message=r".*multi-threaded, use of fork\(\)", category=DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the child: compute, write, leave without the parent's exit handlers or buffers
            code = 1
            try:
                os.close(read)
                data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(data)
                code = 0
            except BaseException:  # noqa: BLE001 - any failure: the parent does the work itself
                pass
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self) -> T | None:
        """The child's result, waiting for it if need be; None when there is none."""
        if not self._done and self._pid is not None:
            self._done = True
            with os.fdopen(self._read, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(self._pid, 0)
            self._pid = None
            if os.waitstatus_to_exitcode(status) == 0 and data:
                self._value = pickle.loads(data)
        return self._value

    def cancel(self) -> None:
        """Stop the child if it is still running (the plan failed, or its result is not wanted)."""
        if not self._done and self._pid is not None:
            self._done = True
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self._pid, 0)
            os.close(self._read)
            self._pid = None
