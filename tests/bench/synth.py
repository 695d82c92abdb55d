"""Synthetic testimony collections for benchmarks and load tests: deterministic, valid by docs/format.md, fast.

    from tests.bench.synth import SynthSpec, generate, write_collection
    made = generate(SynthSpec(n=10_000, seed=42))   # cached under tests/bench/out/collections/
    made.content                                     # the content directory (collection.yaml, places.yaml, ...)
    made.docs                                        # per testimony: id, path, language, consent state, ...
    write_collection(tmp_path / "content", SynthSpec(n=200))   # no cache: into a directory of your own

Every testimony is a function of (spec, its number) alone, so any one of them can be
written again (`render`), and collections are written in parallel. The gazetteer and
themes are the sample collection's (real names, Arabic names, aliases); bodies are
Markdown paragraphs drawn from per-topic sentence pools of real English and Arabic
words (with tashkeel and proclitics), naming the testimony's places by any of their
names. The consent mix, identities, `place_detail`, `[[redact: ...]]` passages and
the date forms are drawn as in `SynthSpec` and recorded per testimony in `docs`.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from . import words as w
from .texts import Vocabulary, body, date_text, place_name, quoted, vocabulary

__all__ = ["ConsentMix", "SynthSpec", "DocInfo", "Generated", "generate", "write_collection", "render",
           "load_docs", "ROOT", "OUT", "SOURCE_VOCABULARY"]

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "out"
SOURCE_VOCABULARY = ROOT / "testimonies"  # places.yaml and themes.yaml are copied from here


@dataclass(frozen=True)
class ConsentMix:
    """Shares of testimonies that are not plainly public (the rest are public and published)."""

    restricted: float = 0.05
    withdrawn: float = 0.03
    embargoed: float = 0.03  # half of them with an embargo that has ended (public again)
    draft: float = 0.02


@dataclass(frozen=True)
class SynthSpec:
    """What to generate; the same spec always gives the same bytes."""

    n: int
    seed: int = 42
    arabic_share: float = 0.2
    body_bytes: int = 10_000  # UTF-8 bytes of each body, approximately
    mix: ConsentMix = field(default_factory=ConsentMix)
    redacted_share: float = 0.15  # testimonies with [[redact: ...]] passages
    coarse_share: float = 0.08  # consent.place_detail: governorate

    def key(self) -> str:
        """The cache key: the parameters and the generator's own source."""
        digest = hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode())
        here = Path(__file__)
        for path in (here, here.with_name("texts.py"), here.with_name("words.py"),
                     SOURCE_VOCABULARY / "places.yaml", SOURCE_VOCABULARY / "themes.yaml"):
            digest.update(path.read_bytes())
        return f"n{self.n}-s{self.seed}-{digest.hexdigest()[:10]}"


@dataclass(frozen=True)
class DocInfo:
    """One generated testimony as the generator meant it (what the archive should make of it).

    `state` is public | restricted | withdrawn | embargoed | embargo-ended | draft."""

    number: int
    id: str
    path: str  # relative to the content directory
    language: str
    state: str
    identity: str
    places: tuple[str, ...]
    themes: tuple[str, ...]
    place_detail: str
    event_date: str
    redacted: bool
    translation_of: str | None = None

    @property
    def public(self) -> bool:
        return self.state in ("public", "embargo-ended")


@dataclass(frozen=True)
class Generated:
    """A collection on disk: `root/content` is the content directory, `root/docs.json` the DocInfos."""

    spec: SynthSpec
    root: Path
    docs: tuple[DocInfo, ...]
    seconds: float
    cached: bool

    @property
    def content(self) -> Path:
        return self.root / "content"


# --- one testimony --------------------------------------------------------------------------------


def _state(rng: random.Random, mix: ConsentMix) -> str:
    roll = rng.random()
    for state, share in (("restricted", mix.restricted), ("withdrawn", mix.withdrawn),
                         ("embargoed", mix.embargoed / 2), ("embargo-ended", mix.embargoed / 2),
                         ("draft", mix.draft)):
        if roll < share:
            return state
        roll -= share
    return "public"


def _yaml_date(rng: random.Random, text: str) -> str:
    """Dates as curators write them: sometimes quoted, sometimes bare (YAML reads a number or a date)."""
    return quoted(text) if rng.random() < 0.4 else text


@dataclass(frozen=True)
class _Draft:
    """What the generator decided about one testimony before writing it."""

    info: DocInfo
    title: str
    name: str
    pseudonym: str
    listed_places: list[str]  # as written in `places:`: mostly ids, sometimes a name
    place_names: list[str]  # as the text names them
    topics: list[str]
    hidden: list[str]  # words that appear only inside [[redact: ...]]


def _draft(spec: SynthSpec, number: int, rng: random.Random, vocab: Vocabulary, source: Path) -> _Draft:
    language = "ar" if rng.random() < spec.arabic_share else "en"
    arabic = language == "ar"
    state = _state(rng, spec.mix)
    places = list(dict.fromkeys(rng.choice(vocab.testimony_places) for _ in range(rng.choice((1, 1, 2, 2, 3)))))
    themes = list(dict.fromkeys(rng.choice(vocab.themes) for _ in range(rng.choice((1, 2, 2, 3)))))
    topics = list(dict.fromkeys(t for theme in themes for t in w.THEME_TOPICS.get(theme, ())))
    topics += rng.sample(vocab.topics, 2)
    coarse = rng.random() < spec.coarse_share and all(vocab.governorate_of(p) for p in places)
    year = rng.choice((2011, 2012, 2012, 2013, 2014, 2015, 2016, 2016, 2017, 2018, 2019, 2019, 2020, 2021, 2023))
    identity = rng.choice(("named", "named", "pseudonymous", "anonymous"))
    first = rng.choice(w.ARABIC_FIRST_NAMES if arabic else w.FIRST_NAMES)
    name = f"{first} {rng.choice(w.ARABIC_LAST_NAMES if arabic else w.LAST_NAMES)}"
    pseudonym = rng.choice(w.ARABIC_PSEUDONYMS if arabic else w.PSEUDONYMS)
    objs = [vocab.by_id[p] for p in places]
    # What public text may name: a testimony whose consent shows only the governorate names only that in its
    # id, title and text (naming the town would fail `archive check`, and the file would never be published).
    shown = [vocab.by_id[vocab.governorate_of(p) or p] for p in places] if coarse else objs
    place_names = [place_name(rng, p, language) for p in shown for _ in range(2)]
    redacted = rng.random() < spec.redacted_share
    hidden = []
    if redacted:  # an anonymous narrator's name, or a neighbour's, and a street number
        hidden = [name if identity != "named" else f"{first} {rng.choice(w.LAST_NAMES)}",
                  f"{rng.choice(place_names)} {rng.randint(1, 40)}"]
    testimony_id = f"{shown[0]['id']}-{rng.choice(themes)}-{year}-{number:06d}"
    if arabic:
        title = f"{rng.choice(w.ARABIC_TITLE_EVENTS)} في {shown[0].get('names', {}).get('ar', shown[0]['name'])}"
    else:
        title = f"{rng.choice(w.TITLE_EVENTS)} in {place_name(rng, shown[0], 'en')}, {year}"
    translation_of = None
    if arabic and number > 0 and rng.random() < 0.15:
        if random.Random(_seed(spec, number - 1)).random() >= spec.arabic_share:  # the previous one is English
            translation_of = render(spec, number - 1, source)[0].id
    info = DocInfo(number, testimony_id, f"{language}/{year}/{testimony_id}.md", language, state, identity,
                   tuple(places), tuple(themes), "governorate" if coarse else "exact", date_text(rng, year),
                   redacted, translation_of)
    listed = [p if rng.random() < 0.9 else obj["name"] for p, obj in zip(places, objs)]
    return _Draft(info, title, name, pseudonym, listed, place_names, topics, hidden)


def _front_matter(d: _Draft, rng: random.Random) -> list[str]:
    info, arabic = d.info, d.info.language == "ar"
    year = int(info.event_date[:4])
    lines = ["---", f"id: {info.id}", f"title: {quoted(d.title)}", f"language: {info.language}"]
    if info.translation_of:
        lines.append(f"translation_of: {info.translation_of}")
    lines.append("narrator:")
    if info.identity == "named" or (info.identity == "anonymous" and d.hidden):
        lines.append(f"  name: {quoted(d.name)}")
    if info.identity == "pseudonymous":
        lines.append(f"  pseudonym: {quoted(d.pseudonym)}")
    if rng.random() < 0.5 or lines[-1] == "narrator:":
        lines.append(f"  description: {quoted('من سكان المنطقة' if arabic else 'A resident of the area')}")
    access = info.state if info.state in ("restricted", "withdrawn") else "public"
    lines += ["consent:", f"  access: {access}", f"  identity: {info.identity}",
              f"  date: {min(year + rng.randint(0, 3), 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
              f"  recorded_by: {quoted(rng.choice(w.RECORDERS))}"]
    if info.state in ("embargoed", "embargo-ended"):
        until = rng.randint(2031, 2040) if info.state == "embargoed" else rng.randint(2015, 2021)
        lines.append(f"  embargo_until: {until}-{rng.randint(1, 12):02d}-01")
    if info.place_detail != "exact":
        lines.append(f"  place_detail: {info.place_detail}")
    if rng.random() < 0.1:
        lines.append(f"  note: {quoted('Consent confirmed by phone; ask before any reuse.')}")
    recorded = f"{min(year + rng.randint(0, 2), 2024)}-{rng.randint(1, 12):02d}"
    lines += [f"event_date: {_yaml_date(rng, info.event_date)}",
              f"places: [{', '.join(quoted(p) for p in d.listed_places)}]", f"themes: [{', '.join(info.themes)}]",
              "recorded:", f"  date: {_yaml_date(rng, recorded)}", f"  by: {quoted(rng.choice(w.RECORDERS))}",
              f"  method: {rng.choice(('written', 'interview', 'audio', 'video'))}"]
    if rng.random() < 0.3:
        role = "translator" if arabic else rng.choice(("interviewer", "transcriber", "editor"))
        lines += ["contributors:", f"  - {{name: {quoted(rng.choice(w.RECORDERS))}, role: {role}}}"]
    if rng.random() < 0.4:
        warnings = rng.sample(w.ARABIC_WARNINGS if arabic else w.WARNINGS, 2)
        lines.append(f"content_warnings: [{', '.join(quoted(x) for x in warnings)}]")
    return lines


def _seed(spec: SynthSpec, number: int) -> int:
    return spec.seed * 1_000_003 + number


def render(spec: SynthSpec, number: int, source: Path = SOURCE_VOCABULARY) -> tuple[DocInfo, str]:
    """Testimony number `number` of the collection: what it is, and its file's text."""
    vocab = vocabulary(spec.seed, source)
    rng = random.Random(_seed(spec, number))
    d = _draft(spec, number, rng, vocab, source)
    lines = _front_matter(d, rng)
    pool = vocab.pools[(d.info.language, rng.choice(d.topics))]
    summary = " ".join(rng.choice(pool) for _ in range(3)).replace("{place}", rng.choice(d.place_names))
    if d.info.identity == "named" and d.info.language == "en":
        summary = f"{d.name} recalls: {summary}"
    lines.append(f"summary: {quoted(summary)}")
    if d.info.state == "draft":
        lines.append("status: draft")
    lines.append("---")
    text = body(rng, vocab, spec.body_bytes, d.info.language, d.topics, d.place_names, d.hidden)
    return d.info, "\n".join(lines) + "\n" + text


# --- whole collections ----------------------------------------------------------------------------


def _write_range(directory: str, spec: SynthSpec, start: int, stop: int, source: Path) -> list[dict[str, Any]]:
    made, folders = [], set()
    for number in range(start, stop):
        info, text = render(spec, number, source)
        target = os.path.join(directory, info.path)
        folder = os.path.dirname(target)
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
        made.append(asdict(info))
    return made


def write_collection(directory: Path, spec: SynthSpec, procs: int = 1,
                     vocab_source: Path = SOURCE_VOCABULARY) -> list[DocInfo]:
    """Write the collection's files into `directory` (created; should be empty) and return its DocInfos."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("places.yaml", "themes.yaml"):
        shutil.copyfile(vocab_source / name, directory / name)
    (directory / "collection.yaml").write_text(
        f'title: "Synthetic benchmark collection ({spec.n:,} testimonies, seed {spec.seed})"\n'
        'publisher: "Idlib Testimony Archive benchmark"\nbase_url: "https://archive.example.org"\n'
        "license: CC-BY-NC-4.0\nlanguages: [en, ar]\n", encoding="utf-8")
    vocabulary(spec.seed, vocab_source)  # built before forking, shared by the workers
    step = 2000
    ranges = [(i, min(i + step, spec.n)) for i in range(0, spec.n, step)]
    if procs <= 1 or len(ranges) <= 1:
        rows = [row for a, b in ranges for row in _write_range(str(directory), spec, a, b, vocab_source)]
    else:
        with ProcessPoolExecutor(procs, mp_context=get_context("fork")) as pool:
            parts = pool.map(_write_range, *zip(*[(str(directory), spec, a, b, vocab_source) for a, b in ranges]))
            rows = [row for part in parts for row in part]
    return [DocInfo(**{**row, "places": tuple(row["places"]), "themes": tuple(row["themes"])}) for row in rows]


def load_docs(root: Path) -> tuple[DocInfo, ...]:
    rows = json.loads((root / "docs.json").read_text(encoding="utf-8"))
    return tuple(DocInfo(**{**row, "places": tuple(row["places"]), "themes": tuple(row["themes"])})
                 for row in rows)


def generate(spec: SynthSpec, out: Path = OUT / "collections", procs: int = 2) -> Generated:
    """The collection for this spec, written once into the cache and reused (keyed by the spec and the
    generator's source); a half-written one is never used: it is written aside and renamed into place."""
    root = out / spec.key()
    started = time.perf_counter()
    if (root / "docs.json").is_file():
        return Generated(spec, root, load_docs(root), time.perf_counter() - started, True)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(f"n{spec.n}-s{spec.seed}-*"):  # older versions of the generator
        shutil.rmtree(stale, ignore_errors=True)
    partial = out / f".partial-{spec.key()}-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    docs = write_collection(partial / "content", spec, procs)
    (partial / "docs.json").write_text(json.dumps([asdict(d) for d in docs], ensure_ascii=False), encoding="utf-8")
    os.replace(partial, root)
    return Generated(spec, root, tuple(docs), time.perf_counter() - started, False)
