"""Small collections written by the search tests (the sample collection is not test data)."""

from __future__ import annotations

import json
import os
import random
import zlib
from pathlib import Path
from typing import Any, Iterable

PLACES = """\
- id: syria
  name: "Syria"
  names: {ar: "سوريا"}
  type: country
- id: idlib-governorate
  name: "Idlib Governorate"
  names: {ar: "محافظة إدلب"}
  aliases: ["Idleb Province"]
  type: governorate
  parent: syria
- id: idlib-district
  name: "Idlib District"
  type: district
  parent: idlib-governorate
- id: idlib
  name: "Idlib"
  names: {ar: "إدلب"}
  aliases: ["Idleb", "Edlib"]
  type: city
  parent: idlib-district
- id: saraqib
  name: "Saraqib"
  names: {ar: "سراقب"}
  aliases: ["Saraqeb", "Sarakib"]
  type: city
  parent: idlib-district
- id: maarat-al-numan
  name: "Maarat al-Numan"
  names: {ar: "معرة النعمان"}
  aliases: ["Ma'arrat al-Nu'man", "Maarrat al-Numan"]
  type: city
  parent: idlib-governorate
- id: aleppo-governorate
  name: "Aleppo Governorate"
  names: {ar: "محافظة حلب"}
  type: governorate
  parent: syria
- id: urem-al-kubra
  name: "Urem al-Kubra"
  names: {ar: "أورم الكبرى"}
  aliases: ["Orm al-Kubra"]
  type: town
  parent: aleppo-governorate
"""

THEMES = """\
- id: violence
  label: "Violence"
- id: airstrikes
  label: "Airstrikes"
  labels: {ar: "الغارات الجوية"}
  broader: violence
- id: barrel-bombs
  label: "Barrel bombs"
  broader: airstrikes
- id: displacement
  label: "Displacement"
- id: protest
  label: "Protest"
"""

COLLECTION = """\
title: "Test Archive"
publisher: "Tests"
base_url: "https://archive.example.org"
license: CC-BY-4.0
languages: [en, ar]
"""


def q(value: str) -> str:
    """A YAML double-quoted scalar."""
    return json.dumps(value, ensure_ascii=False)


def testimony_text(testimony_id: str, *, title: str = "A testimony", body: str = "An account.",
                   language: str = "en", access: str = "public", identity: str = "named",
                   name: str | None = "Narrator Name", pseudonym: str | None = None,
                   embargo_until: str | None = None, place_detail: str | None = None,
                   places: tuple[str, ...] = ("idlib",), themes: tuple[str, ...] = ("airstrikes",),
                   event_date: str = "2019-05", summary: str | None = None, status: str | None = None,
                   translation_of: str | None = None, note: str | None = None) -> str:
    """The file text of one valid testimony (unless the arguments make it invalid)."""
    lines = ["---", f"id: {testimony_id}", f"title: {q(title)}", f"language: {language}", "narrator:"]
    if name:
        lines.append(f"  name: {q(name)}")
    if pseudonym:
        lines.append(f"  pseudonym: {q(pseudonym)}")
    lines += ["consent:", f"  access: {access}", f"  identity: {identity}", "  date: 2020-01-01",
              "  recorded_by: \"Tests\""]
    if embargo_until:
        lines.append(f"  embargo_until: {embargo_until}")
    if place_detail:
        lines.append(f"  place_detail: {place_detail}")
    if note:
        lines.append(f"  note: {q(note)}")
    lines += [f"event_date: {q(event_date)}", f"places: [{', '.join(places)}]", f"themes: [{', '.join(themes)}]",
              "recorded:", "  date: 2020-01", "  by: \"Tests\"", "  method: written"]
    if translation_of:
        lines.append(f"translation_of: {translation_of}")
    if summary:
        lines.append(f"summary: {q(summary)}")
    if status:
        lines.append(f"status: {status}")
    lines += ["---", body, ""]
    return "\n".join(lines)


def write_content(root: Path, testimonies: dict[str, dict[str, Any]] | None = None) -> Path:
    """A content directory with the test gazetteer and themes and these testimonies (id -> fields)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "collection.yaml").write_text(COLLECTION, encoding="utf-8")
    (root / "places.yaml").write_text(PLACES, encoding="utf-8")
    (root / "themes.yaml").write_text(THEMES, encoding="utf-8")
    for testimony_id, fields in (testimonies or {}).items():
        write_testimony(root, testimony_id, **fields)
    return root


def write_testimony(root: Path, testimony_id: str, folder: str = "t", **fields: Any) -> Path:
    """Write (or overwrite) one testimony file and return its path."""
    path = root / folder / f"{testimony_id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(testimony_text(testimony_id, **fields), encoding="utf-8")
    return path


_EN = ("the bombing started at dawn and we ran to the shelter under the school while aircraft circled "
       "over the market families carried children and bread through streets of dust and broken glass "
       "my brother counted the dead at the hospital doctors worked without power the white helmets "
       "came with shovels and we waited for news of our neighbours in the camps near the border "
       "winter rain soaked the tents and nobody slept water trucks arrived late protest songs were sung "
       "in the square each friday despite the shelling and the checkpoints").split()
_AR = ("بدأ القصف عند الفجر وركضنا إلى الملجأ تحت المدرسة بينما كانت الطائرات تحلق فوق السوق "
       "حملت العائلات الأطفال والخبز في شوارع الغبار والزجاج المكسور وعد أخي القتلى في المستشفى "
       "عمل الأطباء بلا كهرباء وجاء الدفاع المدني بالمجارف وانتظرنا أخبار جيراننا في المخيمات قرب الحدود").split()
_PLACE_IDS = ("idlib", "saraqib", "maarat-al-numan", "urem-al-kubra", "idlib-district")
_THEME_IDS = ("airstrikes", "barrel-bombs", "displacement", "protest", "violence")


def synthetic_collection(root: Path, count: int, *, seed: int = 7, words: int = 150) -> Path:
    """A deterministic collection of `count` small testimonies: one in five Arabic, a mix of consent."""
    rng = random.Random(seed)
    write_content(root)
    for n in range(count):
        arabic = n % 5 == 4
        vocabulary = _AR if arabic else _EN
        body = "\n\n".join(" ".join(rng.choice(vocabulary) for _ in range(words // 3)) for _ in range(3))
        access = rng.choices(["public", "restricted", "withdrawn"], [90, 7, 3])[0]
        year = 2011 + n % 10
        write_testimony(root, f"doc-{n:05d}", folder=f"{'ar' if arabic else 'en'}/{n % 7}",
                        title=" ".join(rng.choice(vocabulary) for _ in range(6)), body=body,
                        language="ar" if arabic else "en", access=access,
                        places=(rng.choice(_PLACE_IDS),), themes=(rng.choice(_THEME_IDS),),
                        event_date=f"{year}-{1 + n % 12:02d}", summary=" ".join(rng.choice(vocabulary) for _ in range(20)))
    return root


def _inflated(data: bytes) -> Iterable[bytes]:
    """The file's bytes, then every zlib stream inside it (Whoosh compresses stored fields)."""
    yield data
    for i in range(len(data) - 1):
        if data[i] == 0x78 and data[i + 1] in (0x01, 0x5E, 0x9C, 0xDA):
            try:
                yield zlib.decompressobj().decompress(data[i:])
            except zlib.error:
                continue


def files_containing(root: Path, words: Iterable[str]) -> dict[str, list[str]]:
    """Every file under `root` whose bytes, raw or inflated, contain one of the words (ASCII case folded)."""
    needles = [w.lower().encode("utf-8") for w in words]
    found: dict[str, list[str]] = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            hits = set()
            for chunk in _inflated(path.read_bytes()):
                chunk = chunk.lower()
                hits.update(w.decode() for w in needles if w in chunk)
            if hits:
                found[str(path)] = sorted(hits)
    return found
