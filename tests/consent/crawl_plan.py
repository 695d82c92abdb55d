"""What the leak scan fetches first: seeds for every public route, values for the URL map's arguments
(hidden ids too), other methods, and the OAI-PMH requests a harvester would make.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

COMMON_WORDS = ("bakery", "market", "aircraft", "queue", "account", "المخبز", "سراقب", "Saraqib", "Idlib Governorate",
                "bakeri", "markat", "aircraf", "baker*", "\"bakery queue\"", "bakery OR market", "title:account",
                "narrator:Layla", "place:saraqib", "theme:violence", "year:2018")
ERROR_PAGES = ("/nothing", "/api/nothing", "/api", "/t/", "/api/t/", "/t/no-such-testimony/cite.txt", "/places/nowhere",
               "/themes/nothing", "/search?page=0", "/api/search?page=0", "/search.csv?page=0", "/api/search?q=((((((((((a",
               "/api/search?sort=sideways", "/search?from=2019-02-30", "/static/no-such-file.css", "/curate/t/x/nothing")


def plan(app: Any) -> tuple[list[str], dict[str, list[str]], list[tuple[str, str]]]:
    """What to fetch for the application's collection: seeds, values for URL-map arguments, other methods.

    The values include every testimony id the content holds, whatever its consent: a hidden one
    must answer exactly as an unknown id does, in every route that takes an id.
    """
    from archive.collection import load_collection

    collection = load_collection(Path(app.config["ARCHIVE_CONTENT"]))  # the test reads every file; workers never do
    files = {path.stem for path in Path(collection.root).rglob("*.md")}  # invalid and duplicated ids too
    ids = sorted(set(collection.testimonies) | files) + ["no-such-testimony"]
    places = [p.id for p in collection.places] + ["nowhere"]
    themes = [t.id for t in collection.themes] + ["nothing"]
    static = sorted(p.name for p in (Path(app.static_folder or "")).iterdir() if p.is_file()) if app.static_folder else []
    values = {"testimony_id": ids, "place_id": places, "theme_id": themes, "ext": ["txt", "bib", "ris", "json", "pdf"],
              "filename": static or ["site.css"]}
    seeds = ["/", "/robots.txt", "/sitemap.xml", "/feed.atom", "/api/openapi.json", "/api/search?per_page=100",
             "/search?per_page=100", "/search.csv", "/search.json", "/search.bib", *ERROR_PAGES,
             # small pages and every order, so that pagination links appear and are followed
             "/search?q=account&per_page=2", "/search?per_page=3&sort=date", "/search?per_page=3&sort=-date",
             "/api/search?per_page=2&page=2&sort=-date", "/api/search?q=bakery&per_page=1&page=3&sort=date"]
    seeds += oai_seeds(collection, ids)
    for word in COMMON_WORDS:
        seeds += [f"/api/search?{urlencode({'q': word})}", f"/search?{urlencode({'q': word})}"]
    # Words from every testimony, hidden ones too: a search for them must find only public ones.
    for testimony in collection.testimonies.values():
        words = " ".join(testimony.title.split()[:3])
        seeds += [f"/api/search?{urlencode({'q': words})}", f"/search?{urlencode({'q': words, 'per_page': 100})}"]
    extra = [("POST", "/api/search"), ("POST", "/search"), ("POST", f"/t/{ids[0]}"), ("DELETE", f"/api/t/{ids[0]}"),
             ("HEAD", "/"), ("OPTIONS", "/api/search")]
    return seeds, values, extra


OAI_ID = "oai:archive.example.org:"


def oai_url(**args: str) -> str:
    return "/oai?" + urlencode(args)


def oai_seeds(collection: Any, ids: list[str]) -> list[str]:
    """/oai: every verb, every id (hidden ones too) and every vocabulary entry as a set (hidden-only ones too)."""
    seeds = [oai_url(verb=verb) for verb in ("Identify", "ListSets", "ListMetadataFormats")]
    seeds += [oai_url(verb=verb, metadataPrefix="oai_dc") for verb in ("ListRecords", "ListIdentifiers")]
    for testimony_id in ids:
        seeds.append(oai_url(verb="GetRecord", metadataPrefix="oai_dc", identifier=OAI_ID + testimony_id))
        seeds.append(oai_url(verb="ListMetadataFormats", identifier=OAI_ID + testimony_id))
    for kind, vocabulary in (("place", collection.places), ("theme", collection.themes)):
        for entry in vocabulary:
            spec = ":".join([kind, *reversed(vocabulary.ancestors(entry.id)), entry.id])
            seeds.append(oai_url(verb="ListRecords", metadataPrefix="oai_dc", set=spec))
    return seeds
