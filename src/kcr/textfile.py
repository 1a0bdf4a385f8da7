"""Reading contributor files safely: size, encoding and invisible characters.

Checked before any parser sees the text, so a 50 MB file, a named pipe or a
UTF-16 file gives one clear message instead of a slow parse, a hang or a
traceback.  The size is taken from the file system before a byte is read.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from functools import lru_cache
from pathlib import Path

from .problems import Problems

# Every invisible format character (Unicode category Cf: bidirectional controls as in
# Trojan Source, zero-width characters, the soft hyphen, interlinear annotation marks...),
# as of Unicode 15.1, a superset of what Python 3.11's Unicode 14 lists (a test compares
# the table with the running Python's unicodedata), and the Unicode line and paragraph
# separators (YAML counts those as line breaks, editors may not).
CF_RANGES = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
)
# Unicode tag characters: invisible, they can spell out hidden text after any character
TAG_RANGE = (0xE0000, 0xE007F)


def _char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in ranges)


_TAGS = re.compile(f"[{_char_class((TAG_RANGE,))}]")
_INVISIBLE = re.compile(f"[{_char_class(CF_RANGES)}\u2028\u2029]")
# C0 controls except tab, line feed and carriage return; DEL; C1 controls (U+0085 is a YAML line break)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# a carriage return not followed by a line feed: a line break for YAML and editors, not for line counting
_LONE_CR = re.compile("\r(?!\n)")
# anything that must not reach a terminal or a CI log verbatim (used by :func:`printable`)
_UNPRINTABLE = re.compile(f"[\x00-\x1f\x7f-\x9f{_char_class((*CF_RANGES, TAG_RANGE))}\u2028\u2029\ud800-\udfff]")

CONTROL_TODO = "remove it (NUL and other control bytes are never needed)"
INVISIBLE_TODO = "remove it; it can make text read differently from what it says"
TAG_TODO = "remove it; tag characters are invisible and can hide text"
_KINDS = (
    (_CONTROL, "control character", CONTROL_TODO),
    (_TAGS, "Unicode tag character", TAG_TODO),
    (_INVISIBLE, "invisible or bidirectional control character", INVISIBLE_TODO),
)


def bad_character(text: str) -> tuple[int, str, str] | None:
    """(index, what, todo) of the first control or invisible character in ``text``, or None.

    Tab, line feed and carriage return are not reported here.
    """
    found = []
    for pattern, what, todo in _KINDS:
        m = pattern.search(text)
        if m:
            found.append((m.start(), f"{what} U+{ord(m.group()):04X}", todo))
    return min(found) if found else None


def printable(text: str) -> str:
    """``text`` with control, invisible and undecodable characters written as escapes.

    Used on every message before it is shown: file names and YAML escapes can
    carry newlines, terminal escape sequences or bidirectional controls.
    """
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text)


def _where(text: str, i: int) -> tuple[int, int]:
    line = text.count("\n", 0, i) + 1
    col = i - (text.rfind("\n", 0, i) + 1) + 1
    return line, col


def read(path: Path, shown: str, problems: Problems, max_bytes: int) -> str | None:
    """The text of ``path``, or None after adding a problem to ``problems``."""
    data = read_bytes(path, shown, problems, max_bytes)
    return None if data is None else decode(data, shown, problems)


def read_bytes(path: Path, shown: str, problems: Problems, max_bytes: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file within ``max_bytes``, or None after adding a problem."""
    try:
        st = os.lstat(path)
    except OSError as exc:
        problems.add(shown, 1, 1, f"file cannot be read ({exc.strerror})", "check that it is a regular readable file")
        return None
    if stat.S_ISLNK(st.st_mode):
        problems.add(shown, 1, 1, "file is a symbolic link",
                     "replace the link with a regular file; links could publish files from outside the project")
        return None
    if not stat.S_ISREG(st.st_mode):
        problems.add(shown, 1, 1, "not a regular file (a folder, pipe or device)",
                     "replace it with a regular text file")
        return None
    if st.st_size > max_bytes:
        problems.add(shown, 1, 1, f"file is {st.st_size:,} bytes, over the limit of {max_bytes:,}",
                     "shorten it; a record or reference list this large is almost certainly a mistake")
        return None
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)  # never more than the limit, even if the file grows meanwhile
    except OSError as exc:
        problems.add(shown, 1, 1, f"file cannot be read ({exc.strerror})", "check that it is a regular readable file")
        return None
    if len(data) > max_bytes:
        problems.add(shown, 1, 1, f"file is over the limit of {max_bytes:,} bytes",
                     "shorten it; a record or reference list this large is almost certainly a mistake")
        return None
    return data


def decode(data: bytes, shown: str, problems: Problems) -> str | None:
    """``data`` as text if it is UTF-8 without invisible or control characters, or None after adding a problem."""
    if data.startswith(b"\xef\xbb\xbf"):
        problems.add(shown, 1, 1, "file starts with a UTF-8 byte-order mark",
                     "save it as UTF-8 without BOM")
        return None
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        problems.add(shown, 1, 1, "file is UTF-32, not UTF-8", "save it as UTF-8")
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(shown, 1, 1, "file is UTF-16, not UTF-8", "save it as UTF-8")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        line = data[: exc.start].count(b"\n") + 1
        col = len(data[start: exc.start].decode("utf-8", "replace")) + 1  # in characters, like every other column
        problems.add(shown, line, col, f"byte 0x{data[exc.start]:02x} is not valid UTF-8 (Latin-1 or another encoding?)",
                     "save the file as UTF-8")
        return None
    ok = True
    for pattern, what, todo in _KINDS:
        m = pattern.search(text)  # the first of each kind: one message per kind, not one per character
        if m:
            line, col = _where(text, m.start())
            problems.add(shown, line, col, f"{what} U+{ord(m.group()):04X}", todo)
            ok = False
    if not ok:
        return None
    m = _LONE_CR.search(text)
    if m:
        line, col = _where(text, m.start())
        problems.add(shown, line, col, "carriage return without a line feed (old Mac line ending)",
                     "save the file with LF (or CRLF) line endings")
        return None
    if not unicodedata.is_normalized("NFC", text):
        line, col = _where(text, _first_not_nfc(text))
        problems.add(shown, line, col, "text is not in Unicode NFC form (decomposed accents)",
                     "save the file with composed characters (NFC)")
        return None
    return text


def _first_not_nfc(text: str) -> int:
    """Index of the first character NFC would change: a decomposed accent, or a singleton like U+212B."""
    i, n = 0, len(text)
    while i < n:
        if not unicodedata.combining(text[i]):
            if unicodedata.normalize("NFC", text[i]) != text[i]:
                return i
            i += 1
            continue
        end = i + 1  # a run of combining marks, checked together with the character it sits on
        while end < n and unicodedata.combining(text[end]):
            end += 1
        cluster = text[max(0, i - 1):end]
        if unicodedata.normalize("NFC", cluster) != cluster:
            return i
        i = end
    return 0  # Hangul jamo and other sequences that compose without combining marks


# ---- comparing text as it looks, not as it is encoded ----

@lru_cache(maxsize=1)
def _latin_lookalikes() -> dict[str, str]:
    """Each non-ASCII character that looks like an ASCII letter or digit → that letter or digit.

    From the Unicode confusables data as packaged by ``confusable_homoglyphs``
    (Cyrillic, Greek, fullwidth, mathematical and other look-alikes); a letter
    is preferred to a digit where a character resembles both.
    """
    from confusable_homoglyphs import confusables

    table: dict[str, str] = {}
    for char, glyphs in confusables.confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        ascii_ = [g["c"] for g in glyphs if len(g["c"]) == 1 and g["c"].isascii() and g["c"].isalnum()]
        letters = [c for c in ascii_ if c.isalpha()]
        if ascii_:
            table[char] = (letters or ascii_)[0]
    return table


def skeleton_map(text: str) -> tuple[str, list[int]]:
    """``text`` after Unicode NFKC and with look-alike letters replaced by the ASCII letters they
    resemble, and for each character of the result the index of the character of ``text`` it comes from.

    So "Аccurate" with a Cyrillic А reads "Accurate", and a fullwidth "＜" reads "<".
    """
    if text.isascii():
        return text, list(range(len(text)))
    table = _latin_lookalikes()
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch):
            c = table.get(c, c)
            out.append(c)
            index.extend([i] * len(c))
    return "".join(out), index


def skeleton(text: str) -> str:
    """``text`` as it looks: see :func:`skeleton_map`."""
    return skeleton_map(text)[0]
