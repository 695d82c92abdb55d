"""The leak scan's crawler: every public route of an application, in English and in Arabic.

`crawl(client)` fetches the seeds and URL-map rules of tests/consent/crawl_plan.py — links
from "/" and from every page, feed, sitemap, robots.txt and JSON body, every rule of the URL
map expanded with every testimony, place and theme id (hidden ones too), every facet value and
suggestion of every search, error pages — and `scan(client, markers)` returns a `Leak` for
every marker found in any response body or header. It is one function so that a second phase
(after a curator withdraws or restricts something) can run it again with more markers.
"""

from __future__ import annotations

import html
import json
import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl, quote, urlencode, urlsplit
from xml.etree import ElementTree as ET

from tests.consent.crawl_plan import oai_url, plan
from tests.consent.markers import BASE_URL, Leak, Marker, find_leaks

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


def scan(client: Any, markers: Iterable[Marker], crawled: Crawl | None = None, **options: Any) -> list[Leak]:
    """Crawl every public route behind `client` (unless a crawl is given) and return every leak of `markers`."""
    if crawled is None:
        crawled = crawl(client, **options)
    return find_leaks(crawled, markers)
