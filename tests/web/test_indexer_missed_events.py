"""A change the kernel never told the background indexer of is still indexed: the file watcher's scan shows it
within seconds, and the periodic full scan at the latest.

The indexer's notices of one folder are taken away (its watch removed, as if the kernel had dropped its
events), then a testimony in it is withdrawn. The positive control: a change in a folder still watched is
indexed from its path at once, and the missed withdrawal is not, until a full scan.
"""

from __future__ import annotations

import datetime as dt

import pytest

from archive.config import Config
from archive.following import Following
from archive.notified import INotify
from search import buckets
from search.indexer import index_status
from search.manifest import IndexPaths
from web.indexer import Follower
from web.public_set import Catalogues
from web.watching import observe, write_watched

from tests.support import builder
from tests.support.builder import write_testimony

pytestmark = pytest.mark.skipif(INotify is None, reason="needs Linux inotify")


@pytest.fixture
def follower(tmp_path):
    content = builder.write_collection(tmp_path / "content", vocabulary="search", testimonies={
        "told": dict(title="Told account"), "missed": dict(folder="east", title="Missed account")})
    builder.build_index(content, tmp_path / "instance")
    config = Config(content, tmp_path / "instance")
    clock = [0.0]
    following = Following(content, full_every=60, clock=lambda: clock[0])
    buckets.keep_last()
    found = Follower(config, following)
    found.clock = clock
    found.step()
    assert following.route == "full scan"
    yield found
    buckets.keep_last(False)
    following.close()


def _miss(follower: Follower, folder: str) -> None:
    notices = follower.following.notices
    for descriptor in [wd for wd, name in notices.folders.items() if name == folder]:
        notices.inotify.rm_watch(descriptor)
    notices.inotify.read(timeout=100)  # the IGNORED the removal makes: the kernel now tells nothing of `folder`


def _public(config: Config) -> set[str]:
    return {row[0] for row in Catalogues(config.instance).current()[0].listing()}


def _withdraw_unseen(follower: Follower) -> Config:
    config = follower.config
    _miss(follower, "east")
    write_testimony(config.content, "told", title="Told account, edited")
    follower.step()
    assert follower.following.route == "changed paths" and index_status(config, dt.date.today()).fresh
    write_testimony(config.content, "missed", folder="east", title="Missed account", access="withdrawn")
    follower.step()
    assert follower.following.route == "unchanged" and "missed" in _public(config)  # missed: still listed
    assert not index_status(config, dt.date.today()).fresh
    return config


def test_a_missed_withdrawal_is_indexed_once_the_watcher_has_seen_it(follower):
    config = _withdraw_unseen(follower)
    catalogues = Catalogues(config.instance)
    write_watched(config.instance, observe(config.content, catalogues.current()[0], IndexPaths(config.instance).keys()))
    follower.step()  # sees that the watcher disagrees
    follower.step()
    assert follower.following.route == "full scan"
    assert "missed" not in _public(config) and index_status(config, dt.date.today()).fresh


def test_a_missed_withdrawal_is_indexed_by_the_periodic_full_scan(follower):
    config = _withdraw_unseen(follower)
    follower.step()
    assert follower.following.route == "unchanged" and "missed" in _public(config)
    follower.clock[0] = 61.0
    follower.step()
    assert follower.following.route == "full scan"
    assert "missed" not in _public(config) and index_status(config, dt.date.today()).fresh
