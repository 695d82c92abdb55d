"""The real `archive serve` is ready when it says it is listening: its master prepared what a worker's first search
needs (web/ready.py) before gunicorn's `Listening at:`, and it counted the files with problems from the index runs
(the manifest knows every invalid file) instead of reading every file before it listens."""

from __future__ import annotations

import json

import pytest

from tests.support import builder
from tests.support.served import serving

pytestmark = pytest.mark.slow


def test_archive_serve_prepares_before_it_listens_and_counts_the_files_with_problems(tmp_path):
    accounts = {f"bread-{n:02d}": {"title": f"Bread queue {n}", "body": f"We waited for bread, day {n}."}
                for n in range(5)}
    accounts["broken-account"] = {"access": "nonsense"}  # invalid: not published, counted as a problem
    content = builder.write_collection(tmp_path / "content", vocabulary="search", testimonies=accounts)
    instance = tmp_path / "instance"
    builder.build_index(content, instance)  # the server's own index runs then read no file
    log = tmp_path / "serve.log"
    with serving(content, instance, log) as served:
        status, _, body = served.get("/api/search?q=bread&per_page=50")
        assert status == 200 and json.loads(body)["total"] == 5
        said = log.read_text()
    assert f"warning: 1 file in {content} has problems" in said
    prepared = said.index("Prepared for the workers' first requests: 5 public testimonies, the search index "
                          "checked against them.")
    assert prepared < said.index("Listening at:")
