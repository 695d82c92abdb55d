"""The public pages: home, search, a testimony and its citation files, places, themes."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from archive.citation import FORMATS
from archive.consent import TestimonyView

from . import exports, feeds, glance, searching
from .caching import not_modified, testimony_etag
from .gate import get_public_testimony_or_404, public_views, site
from .present import (citation_for, citation_segments, public_counts, recently_added, summary_ref, testimonies_in,
                      testimony_json, translations_of, tree)
from .metadata import testimony_metadata
from .render import render_body
from .urls import SearchLinks

__all__ = ["bp", "CITATION_FILES"]

bp = Blueprint("pages", __name__)

# extension -> (citation format, content type)
CITATION_FILES = {
    "txt": ("text", "text/plain; charset=utf-8"),
    "bib": ("bibtex", "application/x-bibtex; charset=utf-8"),
    "ris": ("ris", "application/x-research-info-systems; charset=utf-8"),
    "json": ("csl-json", "application/vnd.citationstyles.csl+json; charset=utf-8"),
}
LISTED = 50  # testimonies listed on a place or theme page; the rest are a search away


@bp.get("/")
def home() -> str:
    public = public_views()
    place_counts, theme_counts = public_counts(public)
    return render_template(
        "home.html", total=len(public.views),
        places=tree("place", place_counts, depth=3), themes=tree("theme", theme_counts),
        recent=[summary_ref(v) for v in recently_added(5, public)])


@bp.get("/search")
def search() -> tuple[str, int] | str:
    try:
        outcome = searching.run(request.args)
    except searching.BadSearch as error:
        return render_template("search.html", outcome=None, error=error.message, links=None), 400
    links = SearchLinks(request.args, outcome.data)
    return render_template("search.html", outcome=outcome, error=None, links=links,
                           timeline=glance.search_timeline(outcome, links),
                           facet_lists=searching.facet_lists(outcome.data))


@bp.get("/search.<any(csv, json, bib):fmt>")
def search_export(fmt: str) -> Response:
    return exports.respond(request.args, fmt)


@bp.get("/t/<testimony_id>")
def testimony(testimony_id: str) -> Response | str:
    view = get_public_testimony_or_404(testimony_id)
    etag = testimony_etag(view.version)
    if (cached := not_modified(etag)) is not None:
        return cached
    body, citation, linked = render_body(view.body), citation_for(view), translations_of(view)
    html = render_template(
        "testimony.html", t=testimony_json(view, body, citation), body=body,
        cite_texts={fmt: citation.as_format(fmt) for fmt in FORMATS}, cite_segments=citation_segments(view),
        meta=testimony_metadata(view),
        linked=[summary_ref(v) for v in linked], related=[summary_ref(v) for v in _related(view, linked)])
    response = Response(html, mimetype="text/html")
    response.set_etag(etag)
    return response


def _related(view: TestimonyView, linked: list[TestimonyView], limit: int = 5) -> list[TestimonyView]:
    """Testimonies like this one, leaving out its own translations (listed under "In other languages")."""
    family = view.translation_of or view.id
    found = searching.related(view, limit + len(linked) + 1)
    return [v for v in found if (v.translation_of or v.id) != family and v.id != family][:limit]


@bp.get("/t/<testimony_id>/cite.<ext>")
def citation_file(testimony_id: str, ext: str) -> Response:
    if ext not in CITATION_FILES:
        abort(404)
    view = get_public_testimony_or_404(testimony_id)
    etag = testimony_etag(view.version)
    if (cached := not_modified(etag)) is not None:
        return cached
    fmt, content_type = CITATION_FILES[ext]
    response = Response(citation_for(view).as_format(fmt), content_type=content_type)
    response.headers["Content-Disposition"] = f'inline; filename="{view.id}.{ext}"'
    response.set_etag(etag)
    return response


@bp.get("/places")
def places() -> str:
    counts, _ = public_counts()
    return render_template("vocabulary.html", kind="place", entries=tree("place", counts), map=glance.place_map())


@bp.get("/places/<place_id>")
def place(place_id: str) -> str:
    return _entry_page("place", place_id)


@bp.get("/themes")
def themes() -> str:
    _, counts = public_counts()
    return render_template("vocabulary.html", kind="theme", entries=tree("theme", counts))


@bp.get("/themes/<theme_id>")
def theme(theme_id: str) -> str:
    return _entry_page("theme", theme_id)


def _entry_page(kind: str, entry_id: str) -> str:
    collection = site().vocabularies
    vocabulary = collection.places if kind == "place" else collection.themes
    entry = vocabulary.get(entry_id)
    if entry is None:
        abort(404)
    place_counts, theme_counts = public_counts()
    counts = place_counts if kind == "place" else theme_counts
    found = testimonies_in(entry_id, kind)
    shown = [v for v in (public_views().views.get(listed.id) for listed in found[:LISTED]) if v is not None]
    trail = [vocabulary[a] for a in reversed(vocabulary.ancestors(entry_id))]
    return render_template(
        "entry.html", kind=kind, entry=entry, trail=trail, count=counts.get(entry_id, 0),
        children=tree(kind, counts, roots=vocabulary.children(entry_id), depth=1),
        testimonies=[summary_ref(v) for v in shown], more=max(0, len(found) - LISTED),
        map=glance.place_map(entry_id) if kind == "place" else None,
        timeline=glance.theme_timeline(entry_id, found) if kind == "theme" else None)


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    return Response(feeds.sitemap(), content_type="application/xml; charset=utf-8")


@bp.get("/feed.atom")
def feed() -> Response:
    return Response(feeds.atom(), content_type="application/atom+xml; charset=utf-8")


@bp.get("/robots.txt")
def robots() -> Response:
    base = site().info.base_url.rstrip("/") or request.url_root.rstrip("/")
    return Response(f"User-agent: *\nDisallow: /curate/\nSitemap: {base}/sitemap.xml\n",
                    content_type="text/plain; charset=utf-8")
