"""Does a consent change take something away from the public (docs/format.md, "narrows")?"""

from __future__ import annotations

__all__ = ["narrows"]

# Each setting's values from the one that shows the most to the one that shows the least.
_RANKS = {"access": ("public", "restricted", "withdrawn"), "identity": ("named", "pseudonymous", "anonymous"),
          "place_detail": ("exact", "district", "governorate", "country")}


def narrows(action: str, before: dict[str, str], after: dict[str, str]) -> bool:
    """Does this consent change take something away from the public?

    `before` and `after` hold `access`, `identity` and `place_detail` as written ("" for a default).
    Withdrawing, restricting and embargoing always narrow; a change of identity or place detail
    narrows when it hides more than before."""
    if action in ("withdraw", "restrict", "embargo"):
        return True
    rank = {name: {value: i for i, value in enumerate(order)} for name, order in _RANKS.items()}
    for name, order in _RANKS.items():
        old, new = before.get(name) or order[0], after.get(name) or order[0]
        if rank[name].get(new, len(order)) > rank[name].get(old, len(order)):
            return True
    return False
