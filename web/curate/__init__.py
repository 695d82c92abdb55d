"""Curators in the browser: the `curate` blueprint (everything under /curate).

`bp` lives in `blueprint.py`, which also holds the guard that makes every route of the
blueprint require a signed-in curator; each module below adds its routes to it.
"""

from __future__ import annotations

from .blueprint import bp, init_app
from . import auth  # noqa: F401  (sign-in, sign-out)
from . import audit_views  # noqa: F401  (the audit log and its exports)
from . import dashboard  # noqa: F401  (the curator dashboard at /curate/)
from . import testimonies  # noqa: F401  (add, edit, one testimony)
from . import consent_views  # noqa: F401  (consent actions, their confirmation and undo)
from . import importing  # noqa: F401  (bulk import of a CSV or XLSX sheet)
from . import history  # noqa: F401  (versions, differences, revert)
from . import vocabulary  # noqa: F401  (places and themes edited in the browser)

__all__ = ["bp", "init_app"]
