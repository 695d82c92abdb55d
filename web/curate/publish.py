"""Making a curator's save take effect everywhere before the response that reports it.

`publish_change(paths)` is called right after a testimony file is written (new, edit,
consent). Before it returns:

1. the change stamp is replaced, so every other worker process looks at the files again on
   its very next request (web.site stats the stamp on each request) and its gate answers
   from the new files at once: a withdrawn testimony is a 410 there, out of every list;
2. this process looks at the files again too;
3. the public index and the curator index are brought up to date, synchronously, so search
   results, facet counts and exports no longer hold what the public may no longer see (every
   worker's `SearchIndex` notices the new manifest on its next search).

Between 1 and 3 another worker may search the old index, but every hit it shows passes the
gate, which already answers from the new files.

If an index cannot be updated (another run holds it too long, a disk error, a read-only
directory), `PublishIncomplete` says so: the file is saved and the pages already obey it. The
public set of every worker changed with step 1, so public search compares the index's
fingerprints with it and answers 503 until the background indexer has caught up
(web.searching); the curator is told so plainly rather than left to believe it done.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app

from archive.config import Config
from archive.consent import Audience
from archive.errors import ArchiveError

from search.manifest import IndexPaths

from ..gate import site, today
from ..site import touch_stamp
from ..watching import mark

__all__ = ["publish_change", "PublishIncomplete", "INDEX_WAIT"]

log = logging.getLogger("archive.curate")
INDEX_WAIT = 20.0  # seconds a save waits for another index run (the background indexer) to finish


class PublishIncomplete(ArchiveError):
    """The file was saved and the pages obey it, but a search index could not be updated yet."""


def publish_change(paths: list[Path] | None = None) -> None:
    """Make the files just written (`paths`, inside the content directory) take effect in every
    worker, page and index before returning."""
    from search.indexer import update_index

    config = Config(Path(current_app.config["ARCHIVE_CONTENT"]), Path(current_app.config["ARCHIVE_INSTANCE"]))
    changed = [Path(p) for p in paths or ()]
    touch_stamp(config.instance)
    mark(config.instance, config.content, changed, IndexPaths(config.instance).keys())  # pending until re-indexed
    site().reload()
    failed = []
    for audience in (Audience.PUBLIC, Audience.CURATOR):
        try:
            update_index(config, today(), wait=INDEX_WAIT, procs=1, audience=audience, changed=changed)
        except (ArchiveError, OSError) as exc:
            log.warning("the %s index could not be updated after a save: %s", audience.value,
                        type(exc).__name__)
            failed.append(audience)
    if failed:
        raise PublishIncomplete(" ".join(_incomplete(audience) for audience in failed))


def _incomplete(audience: Audience) -> str:
    """What a failed index update means for readers, in plain words."""
    if audience is Audience.PUBLIC:
        return ("The change is saved and the pages show it, but the public search index could not be updated: "
                "until it is, public search, its exports and related lists are switched off (they answer "
                "\"try again shortly\"), so nothing from before the change is shown. The server retries every "
                "few seconds; if this lasts, make the instance directory writable.")
    return ("The change is saved, but the curators' search list could not be updated yet and may show the "
            "testimony as it was until it catches up.")
