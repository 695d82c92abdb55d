"""Fuzzing the Markdown renderer and the testimony page (Hypothesis; bounded, deterministic).

Whatever a testimony's Markdown holds — generated text mixed with a corpus of known XSS
vectors — the rendered body, read by two HTML parsers, has no script, no event handler, no
`javascript:`/`vbscript:`/`data:` URL, no frame, object, embed, `<base>` or `<meta http-equiv>`,
and keeps to the renderer's allowlist; and a word inside `[[redact: ...]]` never comes out,
whatever surrounds it. The same holds for the whole testimony page, its API record and its
citation files, served by the Flask test client.
"""

from __future__ import annotations

import html
import re
import unicodedata

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from archive.consent import Audience, redact, unclosed_redaction
from archive.text import fold
from web.render import clean_snippet, inline, render_body

from tests.fuzz.html_dangers import dangers
from tests.fuzz.strategies import fuzz_settings, odd_text, XSS_VECTORS
from tests.support import builder, consent_table

MARKDOWN_PIECES = (
    "\n\n", "\n", "    ", "\t", "> ", "* ", "- ", "1. ", "# ", "## ", "###### ", "---", "***", "```", "```html\n", "~~~",
    "`", "*", "_", "**", "[", "]", "(", ")", "](", "![", "<", ">", "</", "/>", "=", '"', "'", "&", "&#", "&#x", ";",
    "&lt;", "&gt;", "&amp;", "&quot;", "&#60;", "&#x3C;", "&colon;", "&Tab;", "&NewLine;", "javascript", "javascript:",
    "java\tscript:", "java\nscript:", "JaVaScRiPt:", "vbscript:", "data:", "data:text/html,", "livescript:",
    "%6A%61%76%61%73%63%72%69%70%74%3A", "\\", "\\<", "\\[", "<!--", "-->", "<![CDATA[", "]]>", "<?", "?>",
    "<script>", "</script>", "<a href=", "<img src=", " onerror=", " onload=", " onclick=", " style=", "<svg>",
    "<math>", "<iframe>", "<frame>", "<object>", "<embed>", "<base href=", "<meta http-equiv=refresh content=",
    "<div>", "</div>", "<p>", "</p>", "<span>", "<table>", "<td>", "<textarea>", "<title>", "<noscript>",
    "<style>", "</style>", "expression(", "url(", "alert(1)", "https://ok.example/", "mailto:a@b.example",
    "//evil.example", "[x]: ", "[x]", "[^1]", "<https://", "<mailto:", "{: .class }", "\u202e", "\u200b", "\ufeff",
    "\x00", "\ue000", "[redacted]", "[[redact: ", "]]",
)
markdown_text = st.lists(
    st.one_of(st.sampled_from(XSS_VECTORS), st.sampled_from(MARKDOWN_PIECES), odd_text, st.text(max_size=15)),
    max_size=20,
).map("".join)


def assert_inert(output: str, fragment: bool = True) -> None:
    found = dangers(output, fragment=fragment)
    assert not found, "\n".join(found[:10]) + "\n--- in ---\n" + output[:3000]


@fuzz_settings(300)
@given(text=markdown_text)
@example(text="[x](javascript:alert(1))")
@example(text="<scr<script>ipt>alert(1)</scr</script>ipt>")
@example(text="\ue000[redacted]\ue000")
def test_rendered_markdown_is_inert(text):
    body = render_body(text)
    assert_inert(str(body.html))
    for block in body.blocks:
        assert_inert(str(block.html))


CONTEXTS = ("{}", "Before {} after.", "* {}", "> {}", "Text\n\n{}\n\nText", "# {}", "[link]({})", "<div>{}</div>",
            "**{}**", "[[redact: x]] {} [[redact: y]]")


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_known_xss_vectors_are_inert_in_every_context(vector):
    for context in CONTEXTS:
        assert_inert(str(render_body(redact(context.format(vector), Audience.PUBLIC)).html))


def test_the_checker_sees_what_it_must():
    """Positive control: raw, unsanitised vectors are reported (so an empty report means something)."""
    raw = [v for v in XSS_VECTORS if v.startswith("<") and not v.startswith(("<!--", "<![CDATA[", "<javascript:",
                                                                             "<vbscript:", "<https:"))]
    missed = [v for v in raw if not dangers(v)]
    assert not missed, missed
    for page in ('<a href="java&#x09;script:alert(1)">x</a>', '<a href=" \x01javascript:x">x</a>',
                 '<meta http-equiv="refresh" content="0;url=https://evil.example/">', "<p onclick=x>x</p>",
                 '<a href="data:text/html,x">x</a>', "<base href=/>", "<frame src=x>"):
        assert dangers(page, fragment=False), page
    assert not dangers('<p id="p1">A <a href="https://ok.example/" rel="nofollow">link</a></p>')


@fuzz_settings(150)
@given(text=markdown_text)
def test_inline_text_and_snippets_are_inert(text):
    assert_inert(str(inline(text)))
    assert "<" not in str(inline(text)).replace('<span class="redacted">', "").replace("</span>", "")
    assert_inert(str(clean_snippet(text)))


# --- redactions -----------------------------------------------------------------------------------

SECRET = "zqsecretword"
secret_forms = st.sampled_from([SECRET, SECRET.upper(), "Zqsecretword", f"*{SECRET}*", f"`{SECRET}`",
                                f"[{SECRET}](https://{SECRET}.example/)", f"<b>{SECRET}</b>", f"<a title='{SECRET}'>x</a>",
                                f"https://{SECRET}.example/", f"{SECRET}\n\n{SECRET}", f"# {SECRET}", f"> {SECRET}",
                                f"&#122;qsecretword {SECRET}", f"{SECRET}&amp;"])
inner_text = markdown_text.map(lambda s: s.replace("]]", "] ]"))


def _redacted_document(prefix: str, before: str, secret: str, after: str, suffix: str, spacing: str) -> str:
    return f"{prefix}[[{spacing}redact{spacing}:{before}{secret}{after}]]{suffix}"


redacted_documents = st.builds(
    _redacted_document, markdown_text, inner_text, secret_forms, inner_text, markdown_text,
    st.sampled_from(["", " ", "\t", "  ", "\n"]),
).filter(lambda text: unclosed_redaction(text) is None)


def _folded_outputs(output: str) -> list[str]:
    unescaped = html.unescape(output)
    return [output.casefold(), unescaped.casefold(), fold(unescaped), re.sub(r"<[^>]*>", "", unescaped).casefold()]


def _secret_count(text: str) -> int:
    """How many times the secret appears outside every redaction (these may appear in public)."""
    return sum(form.count(SECRET) for form in _folded_outputs(redact(text, Audience.PUBLIC)))


@fuzz_settings(150)
@given(text=redacted_documents)
@example(text="[[redact: zqsecretword]]")
@example(text="[[REDACT:zqsecretword]]")
@example(text="[x]([[redact: zqsecretword]])")
@example(text="<a href='[[redact: zqsecretword]]'>x</a>")
@example(text="`[[redact: zqsecretword]]`")
@example(text="```\n[[redact: zqsecretword]]\n```")
def test_redacted_words_never_reach_rendered_output(text):
    assume(SECRET not in fold(html.unescape(redact(text, Audience.PUBLIC))))  # the secret only inside redactions
    output = str(render_body(redact(text, Audience.PUBLIC)).html) + str(inline(redact(text, Audience.PUBLIC)))
    for form in _folded_outputs(output):
        assert SECRET not in form, output


# --- the whole testimony page through the test client --------------------------------------------

@pytest.fixture(scope="module")
def page_site(tmp_path_factory):
    """A site of its own whose one fuzzed testimony is rewritten for every example."""
    from web import create_app

    base = tmp_path_factory.mktemp("fuzz-render")
    content = consent_table.write(base / "content", (consent_table.ROW_BY_NAME["public"],))
    instance = base / "instance"
    builder.build_index(content, instance)
    app = create_app({"ARCHIVE_CONTENT": str(content), "ARCHIVE_INSTANCE": str(instance), "TESTING": True,
                      "ARCHIVE_RELOAD_SECONDS": 0})
    return app.test_client(), content, instance


one_line = st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=30)
# One-line fields reject control characters (archive check), so a vector's are written as spaces, as "\n" is.
hostile_line = st.one_of(st.sampled_from(XSS_VECTORS).map(
    lambda v: "".join(" " if unicodedata.category(c) == "Cc" else c for c in v)), one_line).filter(
    lambda s: s.strip() and "[[" not in s)


@fuzz_settings(25)
@given(body=st.one_of(redacted_documents, markdown_text), title=hostile_line, summary=hostile_line,
       description=hostile_line, warning=hostile_line, contributor=hostile_line, source=hostile_line)
@example(body="\n\n".join(XSS_VECTORS) + "\n\n[[redact: zqsecretword]]", title="<script>alert(1)</script>",
         summary="<img src=x onerror=alert(1)>", description="<svg onload=alert(1)>", warning="<iframe>",
         contributor="<a href='javascript:alert(1)'>x</a>", source="javascript:alert(1)")
def test_testimony_page_api_and_citations_are_inert(page_site, body, title, summary, description, warning,
                                                    contributor, source):
    from web.site import touch_stamp

    client, content, instance = page_site
    assume(unclosed_redaction(body) is None and body.strip())
    assume(SECRET not in fold(html.unescape(redact(body, Audience.PUBLIC))))
    front = builder.fields(
        "fuzzed", "consent", title=f"{title} [[redact: {SECRET}]]", summary=summary, content_warnings=[warning],
        contributors=[{"name": contributor, "role": "translator"}],
        source={"title": source, "publisher": source, "url": "https://example.org/source"},
        **{"narrator.description": description})
    (content / "en" / "fuzzed.md").write_text(builder.render(front, body), encoding="utf-8")
    touch_stamp(instance)
    page = client.get("/t/fuzzed")
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    outputs = {"page": page.get_data(as_text=True)}
    data = client.get("/api/t/fuzzed").get_json()["testimony"]
    assert_inert(data["body_html"])
    outputs["api"] = client.get("/api/t/fuzzed").get_data(as_text=True)
    assert_inert(outputs["page"], fragment=False)
    for ext in ("txt", "bib", "ris", "json"):
        outputs[ext] = client.get(f"/t/fuzzed/cite.{ext}").get_data(as_text=True)
    for name, output in outputs.items():
        for form in _folded_outputs(output):
            assert SECRET not in form, (name, output[:3000])
