"""Every curator route, found by walking the app's URL map, is closed to anyone not signed in.

No route of the `curate` blueprint may answer a signed-out request with anything but a
redirect to the sign-in page (pages) or a refusal (every other method), and no such
answer may carry a word of any testimony. Curator responses are never cacheable.
"""

from __future__ import annotations

import pytest
from flask import url_for

from tests.support import consent_table
from tests.support.curators import make_curate_site


HIDDEN_IDS = [row.id for row in consent_table.HIDDEN] + ["noted-account", "redacted-account", "anon-account"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return make_curate_site(tmp_path_factory.mktemp("curate-urlmap"))


def _curator_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("curate.")]


def _choice(rule, name):
    """A value the argument's converter accepts (an any() converter takes only its own words)."""
    items = getattr(rule._converters.get(name), "items", None)
    return sorted(items)[0] if items else "x"


def _urls(app, rule):
    """The rule's URL once per hidden testimony (or once, when it takes no id)."""
    ids = HIDDEN_IDS if rule.arguments else [None]
    with app.test_request_context():
        for tid in ids:
            values = {name: (tid if "id" in name else _choice(rule, name)) for name in rule.arguments}
            yield tid, url_for(rule.endpoint, **values)


def _words(tid):
    """Every marker word of the collection, but the id the request itself named."""
    return [marker for marker in consent_table.ALL_MARKERS if marker != tid]


def test_the_walk_finds_the_curator_routes(site):
    endpoints = {rule.endpoint for rule in _curator_rules(site.app)}
    assert {"curate.sign_in", "curate.sign_out", "curate.dashboard", "curate.audit", "curate.audit_jsonl",
            "curate.audit_csv"} <= endpoints
    for rule in site.app.url_map.iter_rules():
        if rule.rule.startswith("/curate"):
            assert rule.endpoint.startswith("curate."), f"{rule.rule} is under /curate but not guarded"


def test_every_curator_route_is_closed_when_signed_out(site):
    public = site.public()
    checked = 0
    for rule in _curator_rules(site.app):
        if rule.endpoint == "curate.sign_in":
            continue
        for tid, url in _urls(site.app, rule):
            for method in sorted(rule.methods):
                response = public.open(url, method=method, data={"csrf_token": "x", "reason": "x"})
                where = f"{method} {url} ({rule.endpoint})"
                if method in ("GET", "HEAD"):
                    assert response.status_code == 303, where
                    assert response.location.startswith("/curate/sign-in?next="), where
                else:
                    assert response.status_code in (401, 403), where
                text = response.get_data(as_text=True) + str(response.headers)
                for word in _words(tid):
                    assert word not in text, f"{where} leaks {word}"
                assert response.headers["Cache-Control"] == "no-store", where
                assert "ETag" not in response.headers, where
                checked += 1
    assert checked >= 10


def test_every_curator_post_without_a_csrf_token_is_refused_when_signed_in(site):
    checked = 0
    for rule in _curator_rules(site.app):
        if "POST" not in rule.methods:
            continue
        for tid, url in _urls(site.app, rule):
            for data in ({"reason": "x", "name": site.curator, "password": site.password},
                         {"csrf_token": "forged", "reason": "x"}):
                response = site.client.post(url, data=data)
                assert response.status_code == 400, url
                assert "did not come from this site" in response.get_data(as_text=True), url
                for word in _words(tid):
                    assert word not in response.get_data(as_text=True), f"POST {url} leaks {word}"
                checked += 1
    assert checked >= 4
    assert site.client.get("/curate/audit").status_code == 200, "still signed in"


def test_every_curator_page_is_uncacheable_when_signed_in(site):
    for rule in _curator_rules(site.app):
        if "GET" not in rule.methods:
            continue
        for _, url in _urls(site.app, rule):
            response = site.client.get(url)
            assert response.status_code < 500, url
            assert response.headers["Cache-Control"] == "no-store", url
            assert "ETag" not in response.headers and "Last-Modified" not in response.headers, url
            assert "noindex" in response.headers["X-Robots-Tag"], url


def test_the_sign_in_page_shows_nothing_of_the_collection(site):
    public = site.public()
    for url in ("/curate/sign-in", "/curate/sign-in?next=/curate/t/closed-zqrestrictedid/edit"):
        text = public.get(url).get_data(as_text=True)
        for word in _words("closed-zqrestrictedid"):
            assert word not in text, word


def test_a_signed_in_curator_meets_the_public_site_as_the_public_does(site):
    """The session cookie is scoped to /curate: public pages never see it and never change for it."""
    for row in consent_table.ROWS:
        public = site.public().get(f"/t/{row.id}")
        curator = site.client.get(f"/t/{row.id}")
        assert curator.status_code == public.status_code, row.id
        assert curator.get_data() == public.get_data(), row.id
    response = site.client.get("/search?q=zqnoteword")
    assert "zqnoteword for curators" not in response.get_data(as_text=True)
