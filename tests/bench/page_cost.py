"""What a theme page and an OAI-PMH list cost a worker on a built collection (docs/serving.md quotes it).

    python -m tests.bench.page_cost --content <content> --instance <instance with a built index>

Through the Flask test client, on the app `archive serve` runs: the largest and a middling theme's page
and the largest place's page (median of five), and OAI-PMH's ListIdentifiers and ListRecords, each first page timed twice: when a new
public set is first served (what a worker pays after every change of the files or the index) and then
again in the same one, with the second page of each list through its resumption token. Milliseconds.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from pathlib import Path
from typing import Any, Callable


def _timed(call: Callable[[], Any], times: int = 1) -> float:
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        call()
        spent.append((time.perf_counter() - start) * 1000)
    return statistics.median(spent)


def _get(client: Any, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def measure(content: Path, instance: Path) -> dict[str, float]:
    from web import create_app
    from web.present import public_counts

    app = create_app({"ARCHIVE_CONTENT": str(content), "ARCHIVE_INSTANCE": str(instance), "TESTING": True})
    client = app.test_client()
    site = app.extensions["archive_site"]
    found: dict[str, float] = {}
    with app.test_request_context("/"):
        places, counted = (c.most_common() for c in public_counts())
    largest, middling = counted[0], counted[len(counted) // 2]
    _get(client, "/")
    found["OAI-PMH Identify, the worker's first (its records and the datestamp ledger)"] = _timed(
        lambda: _get(client, "/oai?verb=Identify"))
    for name, (theme, count) in (("largest", largest), ("middling", middling)):
        found[f"theme page, {name} theme ({count} testimonies)"] = _timed(
            lambda: _get(client, f"/themes/{theme}"), times=5)
    place, count = places[0]
    found[f"place page, largest place ({count} testimonies)"] = _timed(lambda: _get(client, f"/places/{place}"), times=5)
    for verb in ("ListIdentifiers", "ListRecords"):
        first = f"/oai?verb={verb}&metadataPrefix=oai_dc"
        site._public = None  # as after a change: the worker makes a new public set
        found[f"{verb}, first page of a new public set"] = _timed(lambda: _get(client, first))
        found[f"{verb}, first page again"] = _timed(lambda: _get(client, first), times=5)
        token = re.search(r"<resumptionToken[^>]*>([^<]+)<", _get(client, first).get_data(as_text=True))
        assert token, "one page holds the whole list"
        found[f"{verb}, second page"] = _timed(lambda: _get(client, f"/oai?verb={verb}&resumptionToken={token[1]}"),
                                               times=5)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, required=True)
    parser.add_argument("--instance", type=Path, required=True)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    for name, ms in measure(args.content, args.instance).items():
        print(f"{name}: {ms:.0f} ms")
    print(f"load average before: {load:.1f}, after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
