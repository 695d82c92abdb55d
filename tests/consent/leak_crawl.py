"""The consent leak scan: a collection where every non-public thing carries a marker word, and a crawler.

`write_collection(root)` writes a small collection in which each element the public must
never meet — restricted, withdrawn, embargoed and draft testimonies (every field of them),
anonymous and pseudonymous narrators' real names, redacted passages, `consent.note` and the
rest of the consent block, a place hidden by `place_detail` — carries its own marker word,
and public control testimonies carry markers that MUST be seen (proof the scan can see).

`scan(client, markers)` crawls every public route of the application behind `client` — links
from "/" and from every page, feed, sitemap, robots.txt and JSON body, every rule of the URL
map expanded with every testimony, place and theme id (hidden ones too), every facet value and
suggestion of every search, error pages — in English and in Arabic, and returns a `Leak` for
every marker found in any response body or header. It is one function so that a second phase
(after a curator withdraws or restricts something) can run it again with more markers.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit
from xml.etree import ElementTree as ET

from archive.text import fold

from tests.support import builder, consent_table, vocabularies

__all__ = ["Marker", "Leak", "Crawl", "Fetched", "LeakCollection", "build", "scan", "crawl", "plan", "find_leaks",
           "marker_word", "GAZETTEER_ROUTE", "BASE_URL", "oai_seeds", "oai_links"]

BASE_URL = "https://archive.example.org"
_LATIN = "bcfhjkmnpqrtvwxz"  # consonants only: no stemmer takes a suffix off these words
_ARABIC = "ثخذضظغصق"  # letters no Arabic light stemmer strips


def marker_word(label: str, arabic: bool = False) -> str:
    """A random-looking word that names its label, the same on every run."""
    digest = hashlib.sha256(label.encode()).digest()
    alphabet = _ARABIC if arabic else _LATIN
    tail = "".join(alphabet[b % len(alphabet)] for b in digest[:7])
    return ("ظغث" if arabic else "zqxm") + tail


# Pages that list the whole gazetteer may name any place, including one that a testimony's
# place_detail hides *for that testimony*; the association is checked apart (counts, links).
GAZETTEER_ROUTE = re.compile(r"^/(?:places(?:/[^?]*)?|api/places|api/openapi\.json|sitemap\.xml)?(?:\?.*)?$")


@dataclass(frozen=True)
class Marker:
    """A word planted in one element; `public` ones are controls that must be seen."""

    word: str
    label: str
    public: bool = False
    allowed: re.Pattern[str] | None = None  # routes where the word may appear (see GAZETTEER_ROUTE)

    def forbidden_on(self, url: str) -> bool:
        return not (self.allowed is not None and self.allowed.match(url))


@dataclass(frozen=True)
class Leak:
    url: str
    marker: Marker
    where: str  # "body" or "header <name>"
    excerpt: str

    def __str__(self) -> str:
        return f"{self.url}: {self.marker.label} ({self.marker.word}) in the {self.where}: …{self.excerpt}…"


@dataclass
class LeakCollection:
    """What `build` wrote: the markers and the ids, states and vocabulary entries to expect."""

    root: Path
    markers: list[Marker] = field(default_factory=list)
    public_ids: list[str] = field(default_factory=list)
    hidden_ids: dict[str, int] = field(default_factory=dict)  # id -> the status the public must get
    unpublishable: list[str] = field(default_factory=list)  # public by consent, but failing the check
    hidden_only_place: str = "hidden-only-place"
    hidden_only_theme: str = "hidden-only-theme"
    hidden_only_language: str = "ku"
    hidden_only_year: str = "1987"
    coarse_id: str = ""
    village: str = ""

    def add(self, label: str, public: bool = False, arabic: bool = False,
            allowed: re.Pattern[str] | None = None) -> str:
        word = marker_word(label, arabic)
        assert word not in {m.word for m in self.markers}, label
        self.markers.append(Marker(word, label, public, allowed))
        return word

    @property
    def forbidden(self) -> list[Marker]:
        return [m for m in self.markers if not m.public]

    @property
    def controls(self) -> list[Marker]:
        return [m for m in self.markers if m.public]

    def marker(self, label: str) -> Marker:
        return next(m for m in self.markers if m.label == label)


PLACES_EXTRA = """\
- id: hidden-only-place
  name: "Hidden Only Place"
  type: town
  parent: idlib-district
  coordinates: [35.7, 36.9]
"""
THEMES_EXTRA = """\
- id: hidden-only-theme
  label: "Hidden only theme"
  broader: violence
"""


def _hidden_testimony(c: LeakCollection, state: str, changes: dict[str, Any], arabic: bool = False) -> None:
    """A testimony the public may not see, with a marker in every field it has."""
    def m(name: str) -> str:
        return c.add(f"{state} {name}", arabic=arabic and name in ("title", "body"))

    tid = f"{state}-{m('id')}"
    front = builder.fields(tid, "consent")
    for dotted, value in {
        "title": f"{m('title')} account", "summary": f"Summary {m('summary')}.",
        "narrator.name": f"{m('narrator name').capitalize()} Person", "narrator.pseudonym": m("pseudonym"),
        "narrator.description": f"A {m('narrator description')} of the town",
        "consent.note": f"note {m('consent note')}", "consent.recorded_by": f"{m('consent recorded_by')} curator",
        "recorded.by": f"{m('recorded by')} interviewer", "content_warnings": [m("content warning")],
        "contributors": [{"name": m("contributor"), "role": "translator"}],
        "source": {"title": m("source title"), "publisher": m("source publisher"),
                   "url": f"https://{m('source url')}.example/x", "date": "1987-05"},
        "license": f"LicenseRef-{m('license')}", "x_extension": m("extension field"),
        "event_date": "1987-05", "language": c.hidden_only_language,
        "places": ["hidden-only-place", "saraqib"], "themes": ["hidden-only-theme", "airstrikes"],
        **changes,
    }.items():
        builder.change(front, {dotted: value})
    body = (f"The {m('body')} of this account, at the bakery and the market.\n\n"
            f"A second paragraph about the queue and the aircraft.\n")
    c.hidden_ids[tid] = 410 if state == "withdrawn" else 404
    _write(c, tid, front, body)


def _write(c: LeakCollection, tid: str, front: dict[str, Any], body: str) -> None:
    builder.write_files(c.root, {f"{front.get('language') or 'en'}/{tid}.md": builder.render(front, body)})


def _public(c: LeakCollection, tid: str, changes: dict[str, Any], body: str = consent_table.BODY) -> None:
    front = builder.fields(tid, "consent")
    builder.change(front, changes)
    c.public_ids.append(tid)
    _write(c, tid, front, body)


def _unpublishable(c: LeakCollection) -> None:
    """Public by consent, but a hidden name or coarsened place is written where consent cannot hide it:
    the check fails, so none of them is ever published (one file per rule, so each rule is tested)."""
    for where in ("recorded.by", "contributors", "source", "content warning", "id"):
        name = c.add(f"unpublishable name in {where}")
        tid = f"{name}-person-story" if where == "id" else f"leaked-{c.add(f'unpublishable id {where}')}"
        placed = {"recorded.by": {"recorded.by": f"{name} Person"},
                  "contributors": {"contributors": [{"name": f"{name} Person", "role": "transcriber"}]},
                  "source": {"source": {"title": "A blog", "publisher": f"The {name} Person blog"}},
                  "content warning": {"content_warnings": [f"{name} person"]}, "id": {}}[where]
        _public(c, tid, {"consent.identity": "anonymous", "narrator.name": f"{name.capitalize()} Person", **placed})
        c.public_ids.remove(tid)
        c.unpublishable.append(tid)
        c.hidden_ids[tid] = 404
    tid = f"named-village-{c.add('unpublishable id village')}"
    _public(c, tid, {"places": [c.village], "consent.place_detail": "governorate"},
            f"We left {c.village.capitalize()} before dawn, past the bakery and the market.\n")
    c.public_ids.remove(tid)
    c.unpublishable.append(tid)
    c.hidden_ids[tid] = 404


def build(root: Path) -> LeakCollection:
    """Write the leak-scan collection into `root` and return what it holds."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "collection.yaml").write_text(vocabularies.COLLECTIONS["consent"], encoding="utf-8")
    c = LeakCollection(root)
    c.village = c.add("coarsened village", allowed=GAZETTEER_ROUTE)
    (root / "places.yaml").write_text(
        vocabularies.PLACES["consent"] + PLACES_EXTRA
        + f"- id: {c.village}\n  name: \"{c.village.capitalize()}\"\n  type: village\n  parent: idlib-district\n"
        + "  coordinates: [35.95, 36.75]\n",  # so that the map would draw it, if it counted the coarsened testimony
        encoding="utf-8")
    (root / "themes.yaml").write_text(vocabularies.THEMES["consent"] + THEMES_EXTRA, encoding="utf-8")

    # The public controls: their markers must show up, or the scan proves nothing.
    control = c.add("control title", public=True)
    _public(c, "control-account", {
        "title": f"The {control} morning", "summary": f"Summary {c.add('control summary', public=True)}.",
        "narrator.name": f"{c.add('control narrator name', public=True).capitalize()} Haddad",
        "narrator.description": f"A {c.add('control narrator description', public=True)} baker",
        "contributors": [{"name": c.add("control contributor", public=True), "role": "translator"}],
        "content_warnings": ["death"], "updated": "2020-01-01"},
        f"The {c.add('control body', public=True)} of the bakery queue.\n\nThe market and the aircraft.\n")
    _public(c, "control-pseudonym", {
        "consent.identity": "pseudonymous", "narrator.pseudonym": c.add("control pseudonym", public=True).capitalize(),
        "narrator.name": f"{c.add('pseudonymous real name').capitalize()} Realname"})
    _public(c, "control-arabic", {"language": "ar", "title": f"يوم في {c.add('control arabic title', True, True)}",
                                  "narrator.name": "ليلى"},
            f"خرجنا إلى المخبز {c.add('control arabic body', True, True)} قبل الفجر.\n")
    _public(c, "past-embargo", {"consent.embargo_until": "2001-01-01"})

    # Public testimonies with one hidden part each.
    _public(c, "anonymous-account", {
        "consent.identity": "anonymous", "narrator.name": f"{c.add('anonymous real name').capitalize()} Person",
        "narrator.pseudonym": c.add("anonymous pseudonym")})
    _public(c, "noted-account", {"consent.note": f"{c.add('public consent note')} for curators only",
                                 "consent.recorded_by": f"{c.add('public consent recorded_by')} curator"})
    c.coarse_id = "coarse-account"
    _public(c, c.coarse_id, {"places": [c.village], "consent.place_detail": "governorate"})
    redacted = {name: c.add(f"redacted {name}") for name in
                ("body plain", "body link", "body code", "body emphasis", "body heading", "body list", "body arabic",
                 "title", "summary", "description", "warning", "contributor", "source", "multiline",
                 "recorded by", "source publisher")}
    arabic_secret = c.add("redacted arabic word", arabic=True)
    r = redacted
    _public(c, "redacted-account", {
        "title": f"A night in [[redact: {r['title']}]]", "summary": f"It was [[redact: {r['summary']}]] then.",
        "narrator.description": f"A baker from [[redact: {r['description']}]]",
        "content_warnings": [f"[[redact: {r['warning']}]] death"],
        "contributors": [{"name": f"[[redact: {r['contributor']}]] Translator", "role": "translator"}],
        "recorded.by": f"Field team [[redact: {r['recorded by']}]]",
        "source": {"title": f"Report on [[redact:{r['source']}]]", "url": "https://example.org/report",
                   "publisher": f"[[redact: {r['source publisher']}]] Press"}},
        f"The shelling hit [[redact: {r['body plain']} Street]] at dawn, by the bakery.\n\n"
        f"See [the map]([[redact: https://{r['body link']}.example/]]) and [[[redact: {r['body link']}]]](https://example.org/).\n\n"
        f"Code: `[[redact: {r['body code']}]]` and *[[REDACT:{r['body emphasis']}]]*.\n\n"
        f"## [[ redact : {r['body heading']} ]]\n\n"
        f"* one [[redact: {r['body list']}]]\n* two\n\n"
        f"بيت في [[redact: {arabic_secret} {r['body arabic']}]] قرب السوق.\n\n"
        f"A passage [[redact: over\n\n{r['multiline']} two paragraphs]] ends here.\n")

    _unpublishable(c)

    # Hidden testimonies, one per state, every field marked.
    _hidden_testimony(c, "restricted", {"consent.access": "restricted"})
    _hidden_testimony(c, "withdrawn", {"consent.access": "withdrawn"})
    _hidden_testimony(c, "embargoed", {"consent.embargo_until": "2999-01-01"})
    _hidden_testimony(c, "draft", {"status": "draft", "translation_of": "control-account"})
    _hidden_testimony(c, "restrictedar", {"consent.access": "restricted", "language": "ar"}, arabic=True)
    # A public translation of a hidden original must not name it.
    _public(c, "translation-of-hidden", {"translation_of": next(i for i in c.hidden_ids if i.startswith("restricted-")),
                                         "language": "ar", "title": "ترجمة"}, "خرجنا إلى المخبز قبل الفجر.\n")
    return c


# --- crawling -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fetched:
    url: str
    method: str
    language: str
    status: int
    content_type: str
    headers: tuple[tuple[str, str], ...]
    body: str


@dataclass
class Crawl:
    """Every response the crawl got, by (method, url, language)."""

    responses: dict[tuple[str, str, str], Fetched] = field(default_factory=dict)

    def of_kind(self, predicate: Callable[[Fetched], bool]) -> list[Fetched]:
        return [f for f in self.responses.values() if predicate(f)]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.links.append(value)


def _same_origin(link: str) -> str | None:
    """The path and query of a same-origin link, or None for another site or a non-HTTP scheme."""
    link = html.unescape(link.strip())
    if link.startswith(BASE_URL):
        link = link[len(BASE_URL):] or "/"
    elif link.startswith(("http://localhost", "http://127.0.0.1")):
        link = "/" + link.split("/", 3)[3] if link.count("/") >= 3 else "/"
    if link.startswith("//") or not link.startswith("/"):
        return None
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _json_strings(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)
    elif isinstance(value, str):
        yield value


def links_in(fetched: Fetched) -> list[str]:
    """Every same-origin URL a response names: HTML links, feed and sitemap entries, JSON URLs."""
    found: list[str] = []
    kind = fetched.content_type
    if "html" in kind:
        parser = _Links()
        parser.feed(fetched.body)
        found = parser.links
    elif "xml" in kind:
        try:
            root = ET.fromstring(fetched.body.encode())
        except ET.ParseError:
            return []
        found += oai_links(root)
        for element in root.iter():
            if element.get("href"):
                found.append(element.get("href") or "")
            if element.text and element.text.strip().startswith(("/", "http")):
                found.append(element.text.strip())
    elif "json" in kind:
        try:
            found = [s for s in _json_strings(json.loads(fetched.body)) if s.startswith(("/", BASE_URL))]
        except ValueError:
            return []
    elif kind.startswith("text/plain"):
        found = re.findall(r"(?:Sitemap|Allow|Disallow):\s*(\S+)", fetched.body)
        found += re.findall(r"https?://\S+", fetched.body)
    return [u for u in (_same_origin(link) for link in found) if u is not None and "*" not in u]


def search_links(fetched: Fetched) -> list[str]:
    """Every facet value and suggestion of a search answer, as new searches (page and API)."""
    if not fetched.url.startswith("/api/search") or fetched.status != 200:
        return []
    data = json.loads(fetched.body)
    params = dict(parse_qsl(urlsplit(fetched.url).query))
    urls = []
    for facet, items in (data.get("facets") or {}).items():
        name = {"year": "from"}.get(facet, facet)
        for item in items:
            value = str(item["value"])
            for path in ("/api/search", "/search"):
                urls.append(f"{path}?{urlencode({name: value})}")
                if facet == "year":
                    urls.append(f"{path}?{urlencode({'from': value, 'to': value})}")
            if params.get("q"):  # the facets of a query, each applied to it
                urls.append(f"/api/search?{urlencode({'q': params['q'], name: value})}")
    if data.get("suggestion"):
        for path in ("/api/search", "/search", "/search.csv"):
            urls.append(f"{path}?{urlencode({'q': data['suggestion']})}")
    return urls


def expand_rules(app: Any, values: dict[str, list[str]]) -> list[str]:
    """Every GET rule of the URL map with every value for each of its arguments."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        options: list[dict[str, str]] = [{}]
        for argument in sorted(rule.arguments):
            converter = rule._converters[argument]
            choices = list(getattr(converter, "items", ()) or ())
            if not choices:
                choices = values.get(argument, ["no-such-thing"])
            options = [{**o, argument: c} for o in options for c in choices]
        for option in options:
            path = rule.rule
            for argument, value in option.items():
                path = re.sub(rf"<(?:[^:>]+:)?{argument}>", quote(value, safe="/"), path)
            urls.append(path)
    return urls


def fetch(client: Any, url: str, language: str, method: str = "GET") -> Fetched:
    target = url
    headers = {}
    if language == "ar":
        target += ("&" if "?" in url else "?") + "lang=ar"
        headers["Accept-Language"] = "ar"
    with client.open(target, method=method, headers=headers) as response:
        body = response.get_data()
    text = body.decode("utf-8", "replace")
    return Fetched(url, method, language, response.status_code, response.headers.get("Content-Type", ""),
                   tuple(response.headers.items()), text)


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
    collection = app.extensions["archive_site"].collection
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


def oai_links(root: ET.Element) -> list[str]:
    """What an OAI-PMH response leads a harvester to: the next page, each set, each record."""
    namespace = "{http://www.openarchives.org/OAI/2.0/}"
    found = []
    request = root.find(f"{namespace}request")
    verb = request.get("verb") if request is not None else None
    for token in root.iter(f"{namespace}resumptionToken"):
        if token.text and verb:
            found.append(oai_url(verb=verb, resumptionToken=token.text))
    for spec in root.iter(f"{namespace}setSpec"):
        found.append(oai_url(verb="ListIdentifiers", metadataPrefix="oai_dc", set=spec.text or ""))
    for identifier in root.iter(f"{namespace}identifier"):
        found.append(oai_url(verb="GetRecord", metadataPrefix="oai_dc", identifier=identifier.text or ""))
    return found


# How many distinct query strings of one path to fetch: enough for every facet, suggestion,
# sort and page link of a small collection, bounded so the crawl ends.
def _per_path_limit(path: str) -> int:
    if path in ("/search", "/api/search"):
        return 120
    if path.startswith("/search."):
        return 12
    if path.startswith("/curate"):
        return 3
    if path == "/oai":
        return 200
    return 40


def _in_arabic_too(url: str, count: dict[str, int]) -> bool:
    """Every page and API path in Arabic; only a sample of query variants, and no files."""
    path = url.split("?")[0]
    if path.startswith(("/static/", "/search.")) or "/cite." in path or path.endswith((".xml", ".txt", ".atom")):
        return False
    count[path] = count.get(path, 0) + 1
    return count[path] <= (2 if path.startswith("/curate") else 25)


def crawl(client: Any, seeds: Iterable[str] | None = None, *, rule_values: dict[str, list[str]] | None = None,
          languages: tuple[str, ...] = ("en", "ar"), extra: Iterable[tuple[str, str]] | None = None,
          max_pages: int = 3000) -> Crawl:
    """Fetch every seed, every rule of the URL map expanded, and every link found, in every language.

    Seeds, URL-map expansions and the facet and suggestion searches come first; links found in
    pages after them. Each path has a budget of query variants (`_per_path_limit`).
    """
    app = client.application
    planned = plan(app)
    seeds = planned[0] if seeds is None else seeds
    rule_values = planned[1] if rule_values is None else rule_values
    extra = planned[2] if extra is None else extra
    public = app.test_client(use_cookies=False)  # no cookie: every request is a stranger's
    result = Crawl()
    first: deque[str] = deque()
    later: deque[str] = deque()
    seen: set[str] = set()
    per_path: dict[str, int] = {}
    arabic: dict[str, int] = {}

    def push(url: str, queue: deque[str]) -> None:
        url = url.split("#")[0]
        path = url.split("?")[0]
        if url in seen or per_path.get(path, 0) >= _per_path_limit(path):
            return
        per_path[path] = per_path.get(path, 0) + 1
        seen.add(url)
        queue.append(url)

    for url in [*seeds, *expand_rules(app, rule_values)]:
        push(url, first)
    for method, url in extra:
        for language in languages:
            result.responses[(method, url, language)] = fetch(public, url, language, method)
    while (first or later) and len(result.responses) < max_pages:
        url = (first or later).popleft()
        for language in languages:
            if language != "en" and not _in_arabic_too(url, arabic):
                continue
            fetched = fetch(public, url, language)
            result.responses[("GET", url, language)] = fetched
            if language == "en":
                for link in search_links(fetched):
                    push(link, first)
                for link in links_in(fetched):
                    push(link, later)
    return result


# --- finding markers ------------------------------------------------------------------------------

def _forms(text: str) -> list[str]:
    """The text as a reader might meet it: as sent, unescaped from HTML, URL and JSON, and folded."""
    forms = [text, html.unescape(text), unquote(text)]
    stripped = text.strip()
    if stripped[:1] in "{[":
        try:
            forms.append(json.dumps(json.loads(stripped), ensure_ascii=False))
        except ValueError:
            pass
    return [f.casefold() for f in forms] + [fold(f) for f in forms[:2]]


# Every marker word starts so; a pass of this pattern finds the candidates in a text at once.
_CANDIDATE = re.compile(r"zqxm[a-z]+|ظغث[\u0621-\u064a]+")


def _found(forms: list[str], markers: list[tuple[Marker, str, str]]) -> list[tuple[Marker, str]]:
    """The markers in any of the forms of a text, each with an excerpt around it."""
    tokens = {token for form in forms for token in _CANDIDATE.findall(form)}
    found = []
    for marker, word, folded in markers:
        if _CANDIDATE.fullmatch(word) and not any(token.startswith((word, folded)) for token in tokens):
            continue
        for form in forms:
            at = max(form.find(word), form.find(folded))
            if at >= 0:
                found.append((marker, form[max(0, at - 60):at + len(word) + 60]))
                break
    return found


def find_leaks(crawled: Crawl, markers: Iterable[Marker]) -> list[Leak]:
    """Every marker found in a response it is forbidden on (a marker the request itself carried is no leak)."""
    prepared = [(m, m.word.casefold(), fold(m.word)) for m in markers]
    leaks: list[Leak] = []
    for fetched in crawled.responses.values():
        url_forms = " ".join(_forms(fetched.url))
        relevant = [(m, w, f) for m, w, f in prepared
                    if w not in url_forms and f not in url_forms and m.forbidden_on(fetched.url)]
        places = [("body", fetched.body)] + [(f"header {name}", value) for name, value in fetched.headers]
        for where, text in places:
            for marker, excerpt in _found(_forms(text), relevant):
                leaks.append(Leak(fetched.url + (" [ar]" if fetched.language == "ar" else ""), marker, where, excerpt))
    return leaks


def scan(client: Any, markers: Iterable[Marker], crawled: Crawl | None = None, **options: Any) -> list[Leak]:
    """Crawl every public route behind `client` (unless a crawl is given) and return every leak of `markers`."""
    if crawled is None:
        crawled = crawl(client, **options)
    return find_leaks(crawled, markers)

