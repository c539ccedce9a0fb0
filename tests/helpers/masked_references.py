"""Compare texts modulo the references the tool rewrites in prose: paths and dotted names.

A comment ``see volunteer_router.py`` becomes ``see routers/volunteers.py`` on purpose; a
comparison of moved text blanks such references (``mask``) and then accepts a text whose only
differences sit where the blanks are (``same_but_paths``), including a reference that became
a plain word (``app.main`` -> ``main``).
"""

from __future__ import annotations

import re

BLANK = "<path>"
PATHISH = re.compile(r"[\w.]*(?:/|\.py\b|\w\.\w)[\w./:]*")


def mask(text: str) -> str:
    """``text`` with every path or dotted module name blanked."""
    return PATHISH.sub(BLANK, text)


def same_but_paths(blanked: str, text: str) -> bool:
    """``text`` is ``blanked`` with some token in the place of each blank."""
    pattern = r"\S+".join(re.escape(part) for part in blanked.split(BLANK))
    return re.fullmatch(pattern, text) is not None
