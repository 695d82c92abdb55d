"""Consent holds at every seam between the files and a lagging index, against a real `archive serve`.

Each test narrows a public canary testimony in place -- its narrator becomes anonymous, a passage
is wrapped in [[redact: ...]] and its places are coarsened to the governorate -- while the index
cannot follow: (a) the indexer is stopped with SIGSTOP, (b) the index directory is immutable,
(c) a rebuild of a larger collection is in progress, (d) a curator saves it in /curate while the
index cannot be written. Before the edit the canary's surname, word and exact village are found
(the positive control); after it, the page obeys the file at once, and search, the API, the
exports and facet counts answer 503 or omit them; once the index can follow, search works again.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Iterator

import pytest

from archive.store import editing
from archive.loader import file_hash
from search.manifest import IndexPaths, read_serial

from tests.support import builder, consent_table, vocabularies
from tests.support.curators import add_curator, PASSWORD
from tests.support.served import free_port, indexer_of
from tests.support.served import http_get as fetch
from tests.support.served import wait_until as wait_for

pytestmark = pytest.mark.slow

VILLAGES = "".join(f"""\
- id: zqvillage{c}
  name: "Zqvillage{c}"
  type: village
  parent: idlib-district
""" for c in "abcd")


@dataclass(frozen=True)
class Canary:
    """A public testimony with a surname, a word and a village of its own, and how to narrow it."""

    letter: str

    @property
    def id(self) -> str:
        return f"canary-{self.letter}"

    @property
    def surname(self) -> str:
        return f"zq{self.letter * 4}surname"  # four edits apart: no canary's word corrects to another's

    @property
    def word(self) -> str:
        return f"zq{self.letter * 4}word"

    @property
    def village(self) -> str:
        return f"zqvillage{self.letter}"

    @property
    def path(self) -> str:
        return f"en/{self.id}.md"

    def front(self, **changes: object) -> dict:
        return builder.fields(self.id, "consent", places=[self.village],
                                  **{"narrator.name": f"Samira {self.surname.capitalize()}", **changes})

    def body(self, redacted: bool = False) -> str:
        passage = f"the {self.word} orchard behind the school"
        told = f"[[redact: {passage}]]" if redacted else passage
        return consent_table.BODY + f"\nWe hid in {told} until night.\n"

    def text(self) -> str:
        return builder.render(self.front(), self.body())

    def narrowed(self) -> str:
        front = self.front(**{"consent.identity": "anonymous", "consent.place_detail": "governorate"})
        return builder.render(front, self.body(redacted=True))


CANARIES = {c: Canary(c) for c in "abcd"}


def content_with(root: Path, extra: dict[str, str] | None = None) -> Path:
    files = {"places.yaml": vocabularies.PLACES["consent"] + VILLAGES, **{c.path: c.text() for c in CANARIES.values()}}
    return consent_table.write(root, extra={**files, **(extra or {})})


class Server:
    """`archive serve` with two workers and its indexer, on a free loopback port."""

    def __init__(self, content: Path, instance: Path, log: Path):
        self.content, self.instance, self.log_path = content, instance, log
        self.base = f"http://127.0.0.1:{free_port()}"
        command = [str(Path(sys.executable).parent / "archive"), "serve", "--port", self.base.rsplit(":", 1)[1],
                   "--workers", "2", "--content", str(content), "--instance", str(instance)]
        with open(log, "wb") as stream:
            self.process = subprocess.Popen(command, stdout=stream, stderr=subprocess.STDOUT, start_new_session=True)

    def get(self, path: str) -> tuple[int, str]:
        status, _, body = fetch(self.base + path)
        return status, body.decode("utf-8", "replace")

    def indexer(self) -> int:
        pid = indexer_of(self.process.pid)
        assert pid is not None, "no background indexer"
        return pid

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGCONT)  # a stopped indexer must be able to stop
        except ProcessLookupError:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def said(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def serve(tmp_path) -> Iterator:
    started: list[Server] = []

    def start(extra: dict[str, str] | None = None, timeout: float = 60) -> Server:
        content = content_with(tmp_path / "content", extra)
        add_curator(tmp_path / "instance")
        server = Server(content, tmp_path / "instance", tmp_path / "serve.log")
        started.append(server)
        wait_for(lambda: server.get("/api/search?q=bakery")[0] == 200, timeout, "the server to answer search")
        return server

    yield start
    for server in started:
        _immutable(server.instance / "index", False)
        server.stop()


def _immutable(path: Path, on: bool) -> None:
    if path.exists() and shutil.which("chattr") and os.geteuid() == 0:
        subprocess.run(["chattr", "-R", "+i" if on else "-i", str(path)], capture_output=True)


def make_read_only(path: Path) -> None:
    """Make a directory tree unwritable even for root (chattr +i), or skip."""
    if os.geteuid() != 0:
        for folder, dirs, files in os.walk(path):
            for name in [*dirs, *files, ""]:
                target = Path(folder, name)
                target.chmod(target.stat().st_mode & ~0o222)
        return
    if not shutil.which("chattr"):
        pytest.skip("chattr is not installed, and chmod does not stop root")
    done = subprocess.run(["chattr", "-R", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not supported here: {done.stderr.strip()}")
    try:
        (path / "probe").write_text("x")
    except OSError:
        return
    pytest.skip("chattr +i did not make the index directory read-only")


def make_writable(path: Path) -> None:
    if os.geteuid() == 0:
        _immutable(path, False)
        return
    for folder, dirs, files in os.walk(path):
        for name in [*dirs, *files, ""]:
            target = Path(folder, name)
            target.chmod(target.stat().st_mode | 0o200)


def write_atomically(path: Path, text: str) -> None:
    """As an editor saves: a new file renamed over the old one."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, "utf-8")
    os.replace(temporary, path)


# --- what is asked, before and after ---------------------------------------------------------------------------

def probes(c: Canary) -> dict[str, str]:
    q = urllib.parse.quote
    return {
        "narrator": f"/api/search?q={q('narrator:' + c.surname)}&per_page=100",
        "word": f"/api/search?q={c.word}&per_page=100",
        "village": f"/api/search?place={c.village}&per_page=100",
        "facets": "/api/search?q=bakery&per_page=100",
        "csv": f"/search.csv?place={c.village}",
        "csv-all": "/search.csv?q=bakery",
        "json": f"/search.json?q={c.word}",
        "page": f"/search?q={c.word}",
    }


def found_before(server: Server, c: Canary) -> None:
    """The positive control: while public and exact, the canary's name, word and village are all found."""
    asked = {name: server.get(path) for name, path in probes(c).items()}
    assert all(status == 200 for status, _ in asked.values()), {k: s for k, (s, _) in asked.items()}
    narrator = json.loads(asked["narrator"][1])["results"]
    assert [r["id"] for r in narrator] == [c.id] and c.surname in narrator[0]["narrator"].lower()
    word = json.loads(asked["word"][1])["results"]
    assert [r["id"] for r in word] == [c.id] and f"<mark>{c.word}</mark>" in word[0]["snippet"]
    village = json.loads(asked["village"][1])
    assert [r["id"] for r in village["results"]] == [c.id]
    facets = json.loads(asked["facets"][1])["facets"]["place"]
    assert any(item["value"] == c.village and item["count"] == 1 for item in facets)
    assert c.id in asked["csv"][1] and c.village.capitalize() in asked["csv"][1]
    assert c.village.capitalize() in asked["csv-all"][1]
    assert c.id in asked["json"][1] and f"<mark>{c.word}</mark>" in asked["page"][1]


def page_obeys(server: Server, c: Canary) -> bool:
    status, page = server.get(f"/t/{c.id}")
    assert status == 200
    return c.surname not in page.lower() and c.word not in page and "Anonymous" in page


def every_worker_obeys(server: Server, c: Canary) -> None:
    """An edit made outside the site reaches every worker within ARCHIVE_RELOAD_SECONDS (2 s): wait for the
    first page that obeys, then for the other worker's next scan, then every page must obey."""
    wait_for(lambda: page_obeys(server, c), 15, "the page to obey the file")
    time.sleep(2.5)
    assert all(page_obeys(server, c) for _ in range(6))


def _shown(name: str, body: str) -> str:
    """What a probe's answer shows, without the parts that echo the query (the search box, selected facets)."""
    if name == "page":
        return re.sub(r'<input[^>]*name="q"[^>]*>', "", body)
    if name.startswith("csv"):
        return body
    data = json.loads(body)
    data.pop("suggestion", None)
    for items in data.get("facets", {}).values():
        items[:] = [item for item in items if not item["selected"]]
    return json.dumps(data, ensure_ascii=False)


def nothing_hidden(server: Server, c: Canary) -> list[str]:
    """Every probe answers 503, or answers without the hidden name, the redacted word or the exact village."""
    leaks = []
    for name, path in probes(c).items():
        status, body = server.get(path)
        if status not in (200, 503):
            leaks.append(f"{name}: {status}")
            continue
        shown = _shown(name, body) if status == 200 else body
        lowered = shown.lower()
        if c.surname in lowered:
            leaks.append(f"{name} ({status}): the hidden name")
        if (c.word in lowered and name != "page") or f"<mark>{c.word}" in lowered:
            leaks.append(f"{name} ({status}): the redacted word")
        if c.village in lowered:
            leaks.append(f"{name} ({status}): the exact village")
        if name not in ("facets", "csv-all") and re.search(rf"\b{c.id}\b", shown):
            leaks.append(f"{name} ({status}): found by what was hidden")
    return leaks


def assert_nothing_hidden(server: Server, c: Canary, rounds: int = 3) -> int:
    """Probe a few times (each round may reach either worker); returns how many probes were refused (503)."""
    refused = 0
    for _ in range(rounds):
        leaks = nothing_hidden(server, c)
        assert not leaks, leaks
        refused += sum(server.get(path)[0] == 503 for path in probes(c).values())
    return refused


def search_works_again(server: Server, c: Canary) -> bool:
    """Liveness: search answers, shows the canary as it is now, and no longer finds what was hidden."""
    status, body = server.get("/api/search?q=bakery&per_page=100")
    if status != 200:
        return False
    shown = {r["id"]: r for r in json.loads(body)["results"]}
    if c.id not in shown or shown[c.id]["narrator"] != "Anonymous":
        return False
    assert shown[c.id]["places"] == [{"id": "idlib-governorate", "name": "Idlib Governorate"}]
    for name in ("narrator", "word", "village"):
        status, body = server.get(probes(c)[name])
        assert status == 200 and json.loads(body)["total"] == 0, (name, body[:300])
    status, body = server.get(probes(c)["csv"])
    assert status == 200 and c.id not in body
    return True


# --- the seams --------------------------------------------------------------------------------------------------

def test_a_stopped_indexer_never_serves_a_narrowed_testimony_as_it_was(serve):
    server, c = serve(), CANARIES["a"]
    found_before(server, c)
    indexer = server.indexer()
    os.kill(indexer, signal.SIGSTOP)
    try:
        write_atomically(server.content / c.path, c.narrowed())
        every_worker_obeys(server, c)
        assert assert_nothing_hidden(server, c) > 0  # search is refused, not merely lucky
    finally:
        os.kill(indexer, signal.SIGCONT)
    wait_for(lambda: search_works_again(server, c), 30, "search to work again")


def test_a_read_only_index_directory_never_serves_a_narrowed_testimony_as_it_was(serve):
    server, c = serve(), CANARIES["b"]
    found_before(server, c)
    index = server.instance / "index"
    make_read_only(index)
    try:
        write_atomically(server.content / c.path, c.narrowed())
        every_worker_obeys(server, c)  # meanwhile the indexer has tried, and failed, to follow
        assert assert_nothing_hidden(server, c) > 0
    finally:
        make_writable(index)
    wait_for(lambda: search_works_again(server, c), 30, "search to work again")
    assert "make the instance directory" in server.said()  # the operator was told what to do


BULK = 250  # small testimonies: enough that a rebuild takes a few seconds, to be caught in the middle


def test_a_rebuild_in_progress_never_serves_a_narrowed_testimony_as_it_was(serve):
    template = builder.render(builder.fields("bulk-xxxx", "consent", title="A short account (bulk-xxxx)"),
                                  "The well in the courtyard ran dry.\n")
    bulk = {f"en/bulk/bulk-{i:04d}.md": template.replace("bulk-xxxx", f"bulk-{i:04d}") for i in range(BULK)}
    server, c = serve(bulk, timeout=120), CANARIES["c"]
    found_before(server, c)
    paths = IndexPaths(server.instance)
    serving = read_serial(paths)[1]
    # A gazetteer edit makes the indexer rebuild everything; the canary is narrowed at the same moment.
    places = server.content / "places.yaml"
    write_atomically(places, places.read_text("utf-8") + "- id: zqnewplace\n  name: Newplace\n  type: town\n")
    write_atomically(server.content / c.path, c.narrowed())
    deadline = time.monotonic() + 30
    while not any(p.name != serving for p in paths.generations.iterdir()):
        assert time.monotonic() < deadline, "no rebuild started"
        time.sleep(0.01)
    indexer = server.indexer()
    os.kill(indexer, signal.SIGSTOP)  # hold the rebuild in the middle, as long as the probes take
    try:
        assert read_serial(paths)[1] == serving, "the rebuild finished before it could be held: make BULK larger"
        every_worker_obeys(server, c)
        assert assert_nothing_hidden(server, c) > 0
    finally:
        os.kill(indexer, signal.SIGCONT)
    wait_for(lambda: search_works_again(server, c), 60, "search to work again")
    assert read_serial(paths)[1] != serving  # the rebuilt generation serves


def test_a_curator_save_the_index_cannot_follow_turns_public_search_off_and_says_so(serve):
    server, c = serve(), CANARIES["d"]
    found_before(server, c)
    curator = Curator(server.base)
    curator.sign_in()
    index = server.instance / "index"
    make_read_only(index)
    try:
        values = editing.values_from_text((server.content / c.path).read_text("utf-8"))
        values.update(consent_identity="anonymous", consent_place_detail="governorate",
                      consent_reason="The narrator asked not to be named.",
                      body=c.body(redacted=True))
        status, page = curator.save(f"/curate/t/{c.id}/edit", values)
        assert status == 200 and f"Your changes to {c.id} were saved" in page
        assert "public search index could not be updated" in page and "switched off" in page
        assert page_obeys(server, c)  # at once: the save's response came after every worker was told
        assert assert_nothing_hidden(server, c) > 0
    finally:
        make_writable(index)
    wait_for(lambda: search_works_again(server, c), 30, "search to work again")


class Curator:
    """A signed-in curator's browser: cookies, and the CSRF token of each form."""

    TOKEN = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)"')

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def open(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        encoded = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, encoded, timeout=60) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode("utf-8", "replace")

    def token(self, page: str) -> str:
        match = self.TOKEN.search(page)
        assert match, "no CSRF token in the form"
        return match.group(1)

    def sign_in(self) -> None:
        status, page = self.open("/curate/sign-in")
        assert status == 200
        status, page = self.open("/curate/sign-in", {"csrf_token": self.token(page), "name": "amal",
                                                     "password": PASSWORD})
        assert status == 200 and 'class="sign-out"' in page, page[:300]

    def save(self, path: str, values: dict[str, str]) -> tuple[int, str]:
        status, page = self.open(path)
        assert status == 200, page[:300]
        version = re.search(r'name="version" type="hidden" value="([^"]*)"', page)
        assert version, "no version in the form"
        return self.open(path, {**copy.deepcopy(values), "csrf_token": self.token(page), "version": version.group(1)})


def test_nothing_in_the_index_folder_can_be_matched_against_a_guess(tmp_path):
    content, instance = content_with(tmp_path / "content"), tmp_path / "instance"
    builder.build_index(content, instance)
    stored = "\n".join(p.read_bytes().decode("latin-1") for p in (instance / "index").rglob("*") if p.is_file())
    keys = IndexPaths(instance).keys()
    for row in consent_table.HIDDEN:
        path = f"{row.front.get('language', 'en')}/{row.id}.md"
        data = (content / path).read_bytes()
        assert keys(row.id) in stored and keys(path) in stored  # the positive control: keyed under the secret
        guesses = [row.id, path, file_hash(data), hashlib.sha256(data).hexdigest()[:24]]
        guesses += [hashlib.sha256(text.encode()).hexdigest()[:24] for text in (row.id, path)]
        assert not [guess for guess in guesses if guess in stored], row.id
    assert (instance / "secret_key").is_file() and not list((instance / "index").rglob("secret*"))
