"""LaTeX in BibTeX values (``{\\"o}``, ``\\&``, ``{Malaysia}``) decoded to plain Unicode with pylatexenc."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPECIAL = re.compile(r"[\\{}$~]|--")
_BARE_PERCENT = re.compile(r"(?<!\\)%")


@lru_cache(maxsize=1)
def _converter():  # imported on first use: most commands never decode LaTeX
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="verbatim")


def decode(value: str) -> str:
    """Plain text of a BibTeX value: accents composed (NFC), grouping braces and markup dropped."""
    if _SPECIAL.search(value):
        # a bare % in a braced BibTeX value is text, but a comment to a LaTeX parser
        value = _converter().latex_to_text(_BARE_PERCENT.sub(r"\\%", value))
        value = value.replace("\u00a0", " ")  # ~ (a tie) is an ordinary space in a reference
    return unicodedata.normalize("NFC", " ".join(value.split()))
