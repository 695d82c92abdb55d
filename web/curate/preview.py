"""How a testimony looks to each audience, for previews and the curator's view of one testimony.

Both go through `archive.consent.view` and `web.render` like the public pages do, so a
curator's text is sanitised exactly as public content is. The public preview shows the
testimony as the public will see it once it is public (redactions applied, narrator and
places as consent allows); the curator's view shows every redacted passage, marked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from archive import consent
from archive.consent import Audience, State, TestimonyView
from archive.model import Access, Status, Testimony
from archive.vocabulary import Gazetteer

from ..i18n import gettext as _
from ..render import RenderedBody, render_body

__all__ = ["Preview", "preview", "curator_view", "curator_text", "names"]

_OPEN, _CLOSE = "\ue001", "\ue002"  # stand in for the curator's redaction marks through Markdown
_MARK_CLOSE = "</mark>"


def _marker(passage: str) -> str:
    """A redacted passage wrapped in stand-ins; each paragraph of it on its own, so no mark spans blocks."""
    return "\n\n".join(f"{_OPEN}{part.strip()}{_CLOSE}" for part in passage.split("\n\n") if part.strip())


def _clean(text: str) -> str:
    return text.replace(_OPEN, "").replace(_CLOSE, "")


def _marks(html: str) -> Markup:
    label = _("Redacted for the public:")  # outside the f-string, where `make translations` finds it
    opening = f'<mark class="redaction"><span class="vh">{escape(label)}</span> '
    return Markup(html.replace(_OPEN, opening).replace(_CLOSE, _MARK_CLOSE))


def curator_text(text: str | None) -> Markup:
    """A curator-view text field (title, summary...) escaped, its redacted passages marked."""
    return _marks(str(escape(text or "")))


def _curator_body(view: TestimonyView) -> RenderedBody:
    body = render_body(view.body)
    blocks = tuple(dataclasses.replace(b, html=_marks(str(b.html))) for b in body.blocks)
    return RenderedBody(blocks)


@dataclass(frozen=True)
class Preview:
    """One testimony as the public and as a curator see it."""

    state: State
    public: TestimonyView  # as the public will see it once it is public
    public_body: RenderedBody
    curator: TestimonyView
    curator_body: RenderedBody


def _unmarked(t: Testimony) -> Testimony:
    """The testimony with any stand-in characters a curator typed removed, so they cannot forge a mark."""
    return consent.map_texts(t, lambda _, text: _clean(text))


def curator_view(t: Testimony, *, today: dt.date, places: Gazetteer) -> tuple[TestimonyView, RenderedBody]:
    """The curator's view (redactions marked) and its rendered body."""
    view = consent.view(_unmarked(t), Audience.CURATOR, today=today, places=places, mark=_marker)
    return view, _curator_body(view)


def preview(t: Testimony, *, today: dt.date, places: Gazetteer) -> Preview:
    """Both previews of a valid testimony, whatever its consent state now."""
    t = _unmarked(t)
    published = dataclasses.replace(t, status=Status.PUBLISHED,
                                    consent=dataclasses.replace(t.consent, access=Access.PUBLIC, embargo_until=None))
    public = consent.view(published, Audience.PUBLIC, today=today, places=places)
    curator, curator_body = curator_view(t, today=today, places=places)
    return Preview(consent.state(t, today), public, render_body(public.body), curator, curator_body)


def names(ids: tuple[str, ...], vocabulary: Any) -> list[str]:
    """Display names for place or theme ids."""
    out = []
    for entry_id in ids:
        entry = vocabulary.get(entry_id)
        out.append(getattr(entry, "name", None) or getattr(entry, "label", None) or entry_id)
    return out
