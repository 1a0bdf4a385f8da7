"""Link-preview images (OpenGraph / Twitter cards): one 1200×630 PNG per claim page, and one for the site.

Drawn with Pillow and the font Pillow ships inside its own wheel (``ImageFont.load_default``, FreeType),
so a build needs no network and no system fonts.  The image is a function of its text alone: the same
claim gives byte-identical PNGs on every build, and finished images are kept in the user's cache
(``$XDG_CACHE_HOME/kcr/…/previews/``, like :mod:`kcr.cache`) under a hash of everything drawn, so a
rebuild draws only claims whose statement, verdict or certainty changed.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw, ImageFont

from ..cache import _folder, digest

if TYPE_CHECKING:
    from .pagecite import PageCitation

WIDTH, HEIGHT = 1200, 630
STYLE_VERSION = "1"  # change when the drawing changes, so cached images are redrawn

# the verdict colours of docs/assets/kcr.css (white text on each passes WCAG AA)
VERDICT_COLOURS = {
    "accurate": "#1b5e20", "mostly-accurate": "#33691e", "overstated": "#8d4a00", "misleading": "#a0361b",
    "unsupported": "#5f4b8b", "inaccurate": "#b71c1c", None: "#455a64",
}
CERTAINTY_COLOURS = {"high": "#0d47a1", "moderate": "#0d47a1", "low": "#0d47a1", "very-low": "#37474f"}
TEAL, INK, GREY, PAPER = "#00695c", "#1a1a1a", "#4a4a4a", "#ffffff"
MARGIN = 60


@dataclass(frozen=True)
class Card:
    """What one preview image shows (plain text)."""

    statement: str
    verdict_label: str  # "Unsupported", "Not checkable"
    verdict: str | None  # the verdict key, for the colour
    certainty_label: str = ""  # "Very low"; empty for not-checkable claims
    certainty: str | None = None
    kicker: str = "Claim review"
    site: str = "Kratom Claims Review"
    quoted: bool = True  # a claim is quoted; the site's own description is not

    def fingerprint(self) -> str:
        import PIL

        return digest(STYLE_VERSION, PIL.__version__, self.statement, self.verdict_label, str(self.verdict),
                      self.certainty_label, str(self.certainty), self.kicker, self.site, str(self.quoted))


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.load_default(size=size)
    if not isinstance(font, ImageFont.FreeTypeFont):  # pragma: no cover - Pillow built without FreeType
        raise RuntimeError("Pillow was built without FreeType; preview images need it (pip install 'pillow>=10.1')")
    return font


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if font.getlength(trial) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _fit(text: str, width: int, max_lines: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font size at which ``text`` fits in ``max_lines``; shortened with an ellipsis at the smallest."""
    for size in (60, 54, 48, 42, 38):
        font = _font(size)
        lines = _wrap(text, font, width)
        if len(lines) <= max_lines:
            return font, lines
    lines = _wrap(text, font, width)[:max_lines]
    last = lines[-1]
    end = "…”" if text.endswith("”") else "…"
    while last and font.getlength(last + end) > width:
        last = last[:-1].rstrip()
    lines[-1] = last + end
    return font, lines


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


@lru_cache(maxsize=64)
def _palette(pairs: tuple[tuple[str, str], ...]) -> Image.Image:
    """A fixed palette: each foreground/background pair and 14 blends between them (for anti-aliased edges).

    Mapping the drawn image onto it is ~7x faster than computing an adaptive palette, and an 8-bit
    image encodes in a third of the time of an RGB one."""
    colours: list[tuple[int, int, int]] = []
    for fg, bg in pairs:
        a, b = _rgb(fg), _rgb(bg)
        for i in range(16):
            c = tuple(round(a[k] + (b[k] - a[k]) * i / 15) for k in range(3))
            if c not in colours:
                colours.append(c)  # type: ignore[arg-type]
    flat = [v for c in colours for v in c]
    pal = Image.new("P", (1, 1))
    pal.putpalette(flat + flat[:3] * (256 - len(colours)))
    return pal


@lru_cache(maxsize=64)
def _base(card: Card) -> Image.Image:
    """Everything but the statement (the same for every claim with this verdict and certainty)."""
    img = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    d = ImageDraw.Draw(img)
    # header band with the site name
    d.rectangle((0, 0, WIDTH, 84), fill=TEAL)
    d.text((MARGIN, 42), card.site, font=_font(36), fill=PAPER, anchor="lm", stroke_width=1, stroke_fill=PAPER)
    # the verdict colour down the left edge, so the card reads at thumbnail size
    colour = VERDICT_COLOURS.get(card.verdict, VERDICT_COLOURS[None])
    d.rectangle((0, 84, 18, HEIGHT), fill=colour)
    d.text((MARGIN, 130), card.kicker.upper(), font=_font(30), fill=GREY, anchor="lm")
    # verdict and certainty as labelled boxes (colour is never the only cue)
    x, top, bottom = MARGIN, 500, 576
    label = f"Verdict: {card.verdict_label}" if card.verdict else card.verdict_label
    vfont = _font(40)
    w = int(vfont.getlength(label)) + 48
    d.rounded_rectangle((x, top, x + w, bottom), radius=10, fill=colour)
    d.text((x + 24, (top + bottom) // 2), label, font=vfont, fill=PAPER, anchor="lm")
    x += w + 24
    if card.certainty_label:
        cfont = _font(34)
        text = f"Certainty: {card.certainty_label}"
        w = int(cfont.getlength(text)) + 40
        ccol = CERTAINTY_COLOURS.get(card.certainty or "", GREY)
        d.rounded_rectangle((x, top, x + w, bottom), radius=10, outline=ccol, width=4)
        d.text((x + 20, (top + bottom) // 2), text, font=cfont, fill=ccol, anchor="lm")
    return img


def _pairs(card: Card) -> tuple[tuple[str, str], ...]:
    colour = VERDICT_COLOURS.get(card.verdict, VERDICT_COLOURS[None])
    ccol = CERTAINTY_COLOURS.get(card.certainty or "", GREY)
    return ((INK, PAPER), (PAPER, TEAL), (PAPER, colour), (GREY, PAPER), (ccol, PAPER))


def draw(card: Card) -> bytes:
    """The PNG for one card (deterministic bytes: no timestamps or text chunks)."""
    from dataclasses import replace

    img = _base(replace(card, statement="")).copy()
    d = ImageDraw.Draw(img)
    font, lines = _fit(f"“{card.statement}”" if card.quoted else card.statement, WIDTH - 2 * MARGIN, 4)
    step = int(font.size * 1.22)
    y = 172
    for line in lines:
        d.text((MARGIN, y), line, font=font, fill=INK, stroke_width=1, stroke_fill=INK)
        y += step
    out = io.BytesIO()
    img.quantize(palette=_palette(_pairs(card)), dither=Image.Dither.NONE).save(out, format="PNG", compress_level=3)
    return out.getvalue()


class ImageCache:
    """Finished PNGs by fingerprint, one file each, in the user's cache folder (never the project)."""

    def __init__(self, root: Path) -> None:
        self.enabled = os.environ.get("KCR_NO_CACHE") != "1"
        self.folder = _folder(root) / "previews"

    def get(self, key: str) -> bytes | None:
        if not self.enabled:
            return None
        try:
            data = (self.folder / f"{key}.png").read_bytes()
        except OSError:
            return None
        return data if data.startswith(b"\x89PNG\r\n\x1a\n") else None

    def put(self, key: str, data: bytes) -> None:
        if not self.enabled:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.folder / f"{key}.tmp"
            tmp.write_bytes(data)
            tmp.replace(self.folder / f"{key}.png")
        except OSError:
            pass  # a cache that cannot be written only costs time


def card(cite: PageCitation) -> Card:
    """The card of one claim page."""
    return Card(cite.statement, cite.verdict_label, cite.verdict, cite.certainty_label, cite.certainty)


def site_card() -> Card:
    """The card of every other page: the site itself."""
    return Card("A claim-by-claim review of the evidence behind an article on kratom and opioid withdrawal",
                "Verdicts and GRADE certainty for every claim", None, kicker="Evidence review", quoted=False)


def _draw_many(cards: list[Card]) -> list[bytes]:
    return [draw(c) for c in cards]


def images(cards: dict[str, Card], cache: ImageCache | None = None) -> dict[str, bytes]:
    """PNG bytes by name, drawn only when not already cached (many at once on all cores, ~8 ms each)."""
    keys = {name: c.fingerprint() for name, c in cards.items()}
    done: dict[str, bytes] = {}
    todo: dict[str, Card] = {}
    for name, c in cards.items():
        data = cache.get(keys[name]) if cache else None
        if data is None:
            todo.setdefault(keys[name], c)
        else:
            done[keys[name]] = data
    if todo:
        items = list(todo.values())
        workers = min(os.cpu_count() or 1, 4)
        if len(items) >= 200 and workers > 1:
            import multiprocessing

            chunks = [items[i::workers] for i in range(workers)]
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = pool.map(_draw_many, chunks)
            drawn = {c.fingerprint(): png for chunk, result in zip(chunks, results, strict=True)
                     for c, png in zip(chunk, result, strict=True)}
        else:
            drawn = {c.fingerprint(): draw(c) for c in items}
        for key, png in drawn.items():
            done[key] = png
            if cache:
                cache.put(key, png)
    return {name: done[keys[name]] for name in cards}
