"""Work done in a forked child while this process goes on: the second core's share of a plan.

`runcal plan` solves on one core (one CP-SAT worker keeps plans deterministic); a race out of
reach also needs its readiness offers, each variant planned and placed (solver/offers.py), which
do not depend on the plan's solve. A child forked before the solve works through them on the
other core and hands each result back through a pipe as soon as it has it (pickled by the child,
unpickled by its parent only), so the parent can take what is there and do the rest itself.

A child that fails or is not there (no fork on the platform, one core) delivers nothing more, and
the caller does the work itself: the results are the same either way, only when they are ready
differs.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from .limits import cores

_LENGTH = struct.Struct("!I")  # each result: its pickle's length, then the pickle


class Forked:
    """`work()`'s items, produced in a child in order; `take()` returns those delivered so far."""

    def __init__(self, work: Callable[[], Iterable[Any]]) -> None:
        self._pid: int | None = None
        self._buffer = b""
        self.items: list[Any] = []  # delivered so far, in the child's order
        self.finished = True  # no more items will come
        if not hasattr(os, "fork") or cores() < 2:
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
                for item in work():
                    data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
                    os.write(write, _LENGTH.pack(len(data)))
                    view = memoryview(data)
                    while view:
                        view = view[os.write(write, view):]
                code = 0
            except BaseException:  # noqa: BLE001 - any failure: the parent does the rest itself
                pass
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._read, self.finished = pid, read, False

    def take(self, wait: bool = False) -> list[Any]:
        """The items delivered so far (waiting for one more when `wait` and more may come)."""
        while not self.finished:
            ready, _, _ = select.select([self._read], [], [], None if wait else 0)
            if not ready:
                break
            chunk = os.read(self._read, 1 << 16)
            if not chunk:  # the child is done (or gone)
                self._end()
                break
            self._buffer += chunk
            got = self._frames()
            if got and wait:
                break
        return self.items

    def _frames(self) -> int:
        got = 0
        while len(self._buffer) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self._buffer)
            if len(self._buffer) < _LENGTH.size + size:
                break
            self.items.append(pickle.loads(self._buffer[_LENGTH.size:_LENGTH.size + size]))
            self._buffer = self._buffer[_LENGTH.size + size:]
            got += 1
        return got

    def _end(self) -> None:
        self.finished = True
        os.close(self._read)
        if self._pid is not None:
            os.waitpid(self._pid, 0)
            self._pid = None

    def cancel(self) -> None:
        """Stop the child if it is still running (the plan failed, or the rest is not wanted)."""
        if not self.finished and self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._end()
