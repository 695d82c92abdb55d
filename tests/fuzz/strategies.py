"""Hypothesis settings and shared strategies for the fuzz tests (tests/test_fuzz_*.py).

In `make test` every fuzz test runs a fixed, small number of examples in a derandomized
order, so CI is deterministic and fast, and nothing is written to a `.hypothesis/`
database in the repository. For a long hunt, raise the numbers from the environment:

    ARCHIVE_FUZZ_SCALE=50 ARCHIVE_FUZZ_RANDOM=1 .venv/bin/python -m pytest tests/test_fuzz_*.py

`ARCHIVE_FUZZ_SCALE` multiplies every test's example count; `ARCHIVE_FUZZ_RANDOM=1` draws
new random examples on every run instead of the fixed sequence and shrinks what it finds to
the smallest failing example (`ARCHIVE_FUZZ_SHRINK=1` shrinks in the fixed order too);
Hypothesis prints a `@reproduce_failure` line for anything it finds.
"""

from __future__ import annotations

import os
import string

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

__all__ = ["fuzz_settings", "SCALE", "odd_text", "ODD_CHARACTERS", "XSS_VECTORS"]

SCALE = max(0.01, float(os.environ.get("ARCHIVE_FUZZ_SCALE", "1") or 1))
RANDOM = os.environ.get("ARCHIVE_FUZZ_RANDOM", "") not in ("", "0")
# Shrinking a failure can take minutes; in `make test` the failing example is reported as found
# (it is reproducible: the order is fixed). ARCHIVE_FUZZ_SHRINK=1 asks for the smallest one.
SHRINK = RANDOM or os.environ.get("ARCHIVE_FUZZ_SHRINK", "") not in ("", "0")


def fuzz_settings(examples: int, **overrides: object) -> settings:
    """Settings for one fuzz test: `examples` in `make test`, times ARCHIVE_FUZZ_SCALE for long runs.

    No per-example deadline (two shared cores make timings noisy; the tests that care about
    time measure it themselves), no example database, a fixed order unless ARCHIVE_FUZZ_RANDOM.
    """
    chosen: dict[str, object] = dict(
        max_examples=max(1, int(examples * SCALE)),
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        print_blob=True,
        phases=tuple(Phase) if SHRINK else tuple(p for p in Phase if p is not Phase.shrink),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.filter_too_much],
    )
    chosen.update(overrides)
    return settings(**chosen)  # type: ignore[arg-type]


# Characters that have broken parsers before: bidi controls, zero widths, BOMs, line and
# paragraph separators, NUL and C1 controls, combining marks, Arabic with tashkeel and
# hamza forms, a non-BMP emoji, full-width and Arabic-Indic digits, YAML's indicators.
ODD_CHARACTERS = (
    "\u202e\u202d\u202a\u202b\u202c\u2066\u2067\u2068\u2069\u200e\u200f\u061c"  # bidi
    "\u200b\u200c\u200d\u2060\ufeff"  # zero widths and the BOM
    "\u2028\u2029\x85\x0b\x0c\r\t"  # separators that some parsers call line breaks
    "\x00\x01\x07\x1b\x7f\x80\x9f"  # controls
    "\u0301\u0651\u064b\u0670"  # combining marks, shadda, tanwin
    "إأآءئؤىةسراقب"  # Arabic letters and hamza forms
    "٠١٢٣٤٥٦٧٨٩０１２"  # Arabic-Indic and full-width digits
    "\U0001f600\U00010000"  # outside the BMP
    ":-[]{}#&*!|>'\"%@`,?"  # YAML indicators
)

odd_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(ODD_CHARACTERS),
        st.sampled_from(string.ascii_letters + string.digits + " -"),
        st.characters(exclude_categories=("Cs",)),  # any code point UTF-8 can carry
    ),
    max_size=40,
)

# Known ways to smuggle script into HTML, for the Markdown renderer and the pages around it.
XSS_VECTORS = (
    '<script>alert("zqx1")</script>',
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="//evil.example/">protocol-relative</a>',
    "<svg onload=alert(1)><script>alert(2)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<frameset><frame src=\"javascript:alert(1)\"></frameset>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"data:text/html,<script>alert(1)</script>\">",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<div style=\"width: expression(alert(1))\">x</div>",
    "<p style=\"background-image: url('javascript:alert(1)')\">x</p>",
    "<base href=\"javascript:alert(1)//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<isindex action=javascript:alert(1) type=image>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template><script>alert(1)</script></template>",
    "<textarea></textarea><script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](javascript&#58;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](<javascript:alert(1)>)",
    "[x](javascript:alert(1) \"title\")",
    "![img](javascript:alert(1))",
    "![img](x\" onerror=\"alert(1))",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[ref]\n\n[ref]: javascript:alert(1) \"t\"",
    "![img][r]\n\n[r]: data:text/html,<script>alert(1)</script>",
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<https://ok.example/\" onmouseover=\"alert(1)>",
    "<div markdown=\"1\">\n<script>alert(1)</script>\n</div>",
    "<div>\n\n[x](javascript:alert(1))\n\n</div>",
    "    <script>alert(1)</script>",
    "```\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "<a href=\"https://ok.example/\" onclick=\"alert(1)\">ok</a>",
    "<a href='https://ok.example/'\tonclick='alert(1)'>ok</a>",
    "<a/href=\"javascript:alert(1)\">x</a>",
    "<a href=\"javascript&colon;alert(1)\">x</a>",
    "<a href=\"\x01javascript:alert(1)\">x</a>",
    "<IMG SRC=\"jav&#x0D;ascript:alert(1);\">",
    "<h1 onclick=alert(1)>Heading</h1>",
    "# Heading <script>alert(1)</script>",
    "> quote <img src=x onerror=alert(1)>",
    "* item <iframe src=x></iframe>",
    "[[redact: <script>alert(1)</script>]]",
)
