"""Work done aside in a forked child (solver/forked.py), and the readiness offers `runcal plan`
works out that way: the same offers as worked out in-process, for races out of reach."""

from __future__ import annotations

import os

import pytest

from conftest import generated_runners
from solver.errors import RuncalError
from solver.forked import Forked
from solver.profile import load_profile
from solver.solve import busy_for, make_plan

needs_fork = pytest.mark.skipif(not hasattr(os, "fork") or len(os.sched_getaffinity(0)) < 2,
                                reason="no fork, or one core: Forked does nothing aside")


def _all(child: Forked) -> list:
    while not child.finished:
        child.take(wait=True)
    return child.items


@needs_fork
def test_a_childs_results_come_back_in_order_as_they_are_made():
    parent = os.getpid()

    def work():
        yield os.getpid()
        yield {"words": ("a", "b")}
        yield "x" * 200_000  # more than a pipe holds at once

    items = _all(Forked(work))
    assert items[0] != parent and items[1:] == [{"words": ("a", "b")}, "x" * 200_000]


@needs_fork
def test_a_failing_child_delivers_what_it_made_before():
    def work():
        yield 1
        raise ZeroDivisionError

    assert _all(Forked(work)) == [1]
    assert _all(Forked(lambda: os._exit(3))) == []


@needs_fork
def test_take_does_not_wait_unless_asked():
    def work():
        yield 1
        __import__("time").sleep(60)
        yield 2

    child = Forked(work)
    assert child.take(wait=True) == [1]
    assert child.take() == [1] and not child.finished
    pid = child._pid
    child.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    assert child.finished and child.take() == [1]


def test_offers_worked_out_aside_are_the_offers(tmp_path):
    """Generated runners whose goal race is out of reach: offers_aside gives the same readiness,
    offers included, as working every offer out in this process (and so the same output)."""
    compared = 0
    for profile in map(load_profile, generated_runners(tmp_path, 12)):
        busy = busy_for(profile)
        try:
            here = make_plan(profile, busy, offers=True)
        except RuncalError:  # a runner without a plan has no offers to compare
            continue
        aside = make_plan(profile, busy, offers=True, offers_aside=True)
        assert aside.readiness == here.readiness and aside.sessions == here.sessions, profile.name
        compared += any(r.offers for r in here.readiness)
    assert compared >= 4, "too few races out of reach: the offers were not compared"
