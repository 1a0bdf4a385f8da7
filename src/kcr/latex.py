"""BibTeX field values as the rest of the world wants them: Unicode, with LaTeX decoded.

``references.bib`` may write accents the TeX way (``V{\\'a}radi``) and page ranges with ``--``.  Every
output decodes them once, here:

- :func:`to_text` — plain Unicode for pages, CSL-JSON, RIS (pylatexenc; braces dropped);
- :func:`to_bib` — Unicode for a ``.bib`` download: accent and special-character macros decoded, every
  brace group (case protection, corporate authors) and every other command kept;
- :func:`csl_page` — a page range as CSL-JSON wants it (``169-176``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text

_DECODER = LatexNodes2Text(math_mode="text", strict_latex_spaces=True)
_SPECIAL = re.compile(r"[\\$~]|--")
# an unescaped % starts a TeX comment; in a .bib value it is meant as a per cent sign
_PERCENT = re.compile(r"(?<!\\)%")

# accent commands (\'a, \'{a}, {\'a}, \c{c}, \v s) and the letter/symbol commands BibTeX users write for
# letters (\ss, \o); decoded in .bib output too, unlike formatting commands (\textit) and the escapes of
# characters special to TeX (\&, \%), which a .bib file needs
_ACCENT = r"\\[`'^\"~=.]\s*(?:\{[A-Za-z]?\}|[A-Za-z])|\\[uvHcdbrtk](?:\s*\{[A-Za-z]?\}|\s+[A-Za-z])"
_LETTER = r"\\(?:ss|o|O|l|L|ae|AE|oe|OE|aa|AA|i|j)(?![A-Za-z])(?:\{\})?"
_CHAR_MACRO = re.compile(rf"\{{\s*(?:{_ACCENT}|{_LETTER})\s*\}}|{_ACCENT}|{_LETTER}")


@lru_cache(maxsize=65536)
def to_text(value: str) -> str:
    """Plain Unicode text: LaTeX decoded, TeX braces dropped, whitespace collapsed, ``--`` as an en dash."""
    if not _SPECIAL.search(value):  # the common case, without the LaTeX parser
        return " ".join(value.replace("{", "").replace("}", "").split())
    text = _DECODER.latex_to_text(_PERCENT.sub(r"\\%", value))
    return " ".join(text.replace("\u00a0", " ").split())


def _decode_macro(m: re.Match[str]) -> str:
    return _DECODER.latex_to_text(m.group(0))


@lru_cache(maxsize=65536)
def to_bib(value: str) -> str:
    """A BibTeX value with character macros decoded to Unicode; braces and other commands kept."""
    if "\\" not in value:
        return value
    return _CHAR_MACRO.sub(_decode_macro, value)


def csl_page(value: str) -> str:
    """``169--176``, ``169–176`` or ``169 - 176`` as ``169-176`` (the form CSL-JSON expects)."""
    return re.sub(r"\s*(?:--+|[–—‐-])\s*", "-", to_bib(value).strip())


def bib_page(value: str) -> str:
    """A page range with the BibTeX double hyphen (``169--176``), whatever dash was written."""
    return re.sub(r"\s*(?:--+|[–—‐-])\s*", "--", to_bib(value).strip())
