"""Pages read from their image: tesseract's Danish words and the image's own ruling lines, as the
same ``PageLayout`` a born-digital page gives, for the same reader.

A page is rendered (pypdfium2), cleaned of speckle and JPEG noise, binarized, deskewed by the
angle at which its text lines stand sharpest, and its straight ink runs taken as rules. Tesseract
(run as a subprocess, hOCR output) reads the page with the rules painted out; each word comes
with its box, its line's baseline and size, and a confidence. Marks are decided from ink: a
compact blob of ink that no word of text explains is a mark, whatever letter OCR made of it (or
none), while speckle is too small to be one.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
from PIL import Image, ImageFilter

from pipeline.extract.pdf import PageLayout, Rule, Word
from pipeline.text import normalize_text
from pipeline.vocabulary import MARK_GLYPHS

__all__ = [
    "OcrError",
    "OcrPage",
    "OcrSettings",
    "ocr_missing",
    "ocr_page",
    "read_page",
    "rules_in",
    "skew_angle",
]

INSTALL_HINT = "install tesseract-ocr and tesseract-ocr-dan"
PRODUCER = "OCR (tesseract)"


class OcrError(Exception):
    """Tesseract failed on a page; the message is one plain line."""


@dataclass(frozen=True)
class OcrSettings:
    """How pages are read from their image. Lengths in inches unless the name says otherwise."""

    dpi: int = 300
    # Tilts up to this many degrees either way are found and undone.
    max_skew_degrees: float = 3.0
    # A straight run of ink at least this long is a rule (shorter ones are letters).
    min_rule_inches: float = 0.3
    # A rule is at most this thick (thicker bands are pictures or shading).
    max_rule_inches: float = 0.03
    # Words tesseract is less sure of than this (0–100) are findings for a person to check.
    low_confidence: float = 60.0
    # A mark's blob of ink is this high and wide, in multiples of the page's body text size.
    mark_min_em: float = 0.4
    mark_max_em: float = 1.8
    # Seconds tesseract may take over one page.
    page_timeout: float = 120.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"OcrSettings.{f.name} must be a positive number, got {value!r}")
        if not 72 <= self.dpi <= 600:
            raise ValueError(f"OcrSettings.dpi must be between 72 and 600, got {self.dpi!r}")
        if self.mark_min_em >= self.mark_max_em:
            raise ValueError("OcrSettings.mark_min_em must be below mark_max_em")


DEFAULT_OCR = OcrSettings()


@cache
def ocr_missing() -> str | None:
    """What is missing for Danish OCR, or None when it can run."""
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        return f"tesseract is not installed ({INSTALL_HINT})"
    try:
        langs = subprocess.run(
            [tesseract, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return f"tesseract does not run ({INSTALL_HINT})"
    if "dan" not in (langs.stdout + langs.stderr).split():
        return f"tesseract has no Danish language data ({INSTALL_HINT})"
    return None


# ---------------------------------------------------------------- the image


def read_page(path: Path, page: PageLayout, settings: OcrSettings = DEFAULT_OCR) -> OcrPage:
    """``page`` of ``path`` read from its image. Raises OcrError."""
    for number, image in render_pages(path, [page.number], settings.dpi):
        return ocr_page(image, number, page.width, page.height, settings)
    raise OcrError(f"page {page.number} could not be rendered for OCR")


def render_pages(path: Path, numbers: list[int], dpi: int) -> Iterator[tuple[int, Image.Image]]:
    """The pages ``numbers`` (1-based) of ``path`` as greyscale images at ``dpi``, cleaned."""
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as e:
        raise OcrError(f"the pages could not be rendered for OCR ({e})") from e
    try:
        for number in numbers:
            page = pdf[number - 1]
            try:
                bitmap = page.render(scale=dpi / 72, grayscale=True)
                yield number, clean(bitmap.to_pil().convert("L"))
            finally:
                page.close()
    finally:
        pdf.close()


def _box_sum(mask: np.ndarray, side: int) -> np.ndarray:
    """For each pixel, how many pixels of ``mask`` lie in the ``side``×``side`` box around it."""
    pad = side // 2
    summed = np.pad(mask.astype(np.int32), ((pad + 1, pad), (pad + 1, pad))).cumsum(0).cumsum(1)
    h, w = mask.shape
    return (
        summed[side : side + h, side : side + w]
        - summed[:h, side : side + w]
        - summed[side : side + h, :w]
        + summed[:h, :w]
    )


def despeckle(ink: np.ndarray, dpi: float) -> np.ndarray:
    """Ink without specks: ink with too little ink around it to be part of a letter is paper
    (an i's dot or a full stop has more), and the rest keeps its edges."""
    side = max(3, round(dpi / 60)) | 1  # 5 px at 300 dpi
    core = _box_sum(ink, side) > (side * side * 9) // 25
    # A hairline rule has little ink around it, but a long run of it.
    run = 3 * side
    core |= _run_sum(ink, run, axis=1) >= run - 2
    core |= _run_sum(ink, run, axis=0) >= run - 2
    return ink & (_box_sum(core, side) > 0)


def _run_sum(mask: np.ndarray, length: int, axis: int) -> np.ndarray:
    """For each pixel, how many pixels of ``mask`` lie in the run of ``length`` centred on it
    along ``axis``."""
    pad = length // 2
    widths = [(0, 0), (0, 0)]
    widths[axis] = (pad + 1, pad)
    summed = np.pad(mask.astype(np.int32), widths).cumsum(axis)
    n = mask.shape[axis]
    return np.take(summed, range(length, length + n), axis) - np.take(summed, range(n), axis)


def _otsu(gray: np.ndarray) -> int:
    """The grey level that best separates ink from paper."""
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    weights = np.cumsum(hist)
    means = np.cumsum(hist * np.arange(256))
    paper = total - weights
    valid = (weights > 0) & (paper > 0)
    between = np.zeros(256)
    mu = means[-1] / total
    between[valid] = (mu * weights[valid] - means[valid]) ** 2 / (weights[valid] * paper[valid])
    return int(np.argmax(between))


def clean(image: Image.Image) -> Image.Image:
    """Speckle and JPEG noise removed: a 3×3 median keeps strokes and drops lone dots."""
    return image.filter(ImageFilter.MedianFilter(3))


def skew_angle(ink: np.ndarray, max_degrees: float) -> float:
    """The angle (degrees, counter-clockwise) by which the page's text lines are tilted: the
    rotation that makes the rows' ink counts most uneven (lines sharp, gaps white)."""
    small = Image.fromarray((ink[::4, ::4] * 255).astype(np.uint8))

    def sharpness(angle: float) -> float:
        rotated = np.asarray(small.rotate(-angle, resample=Image.Resampling.NEAREST))
        return float(np.var(rotated.sum(axis=1, dtype=np.float64)))

    best = max(np.arange(-max_degrees, max_degrees + 1e-9, 0.25), key=sharpness)
    fine = np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05)
    return float(max(fine, key=sharpness))


def _runs(mask: np.ndarray, min_len: int) -> list[tuple[int, int, int]]:
    """Runs of True along axis 1 at least ``min_len`` long: (row, start, end)."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    edges = np.diff(padded, axis=1)
    found = []
    for row in np.nonzero((edges == 1).any(axis=1))[0]:
        starts = np.nonzero(edges[row] == 1)[0]
        ends = np.nonzero(edges[row] == -1)[0]
        for s, e in zip(starts, ends, strict=True):
            if e - s >= min_len:
                found.append((int(row), int(s), int(e)))
    return found


def _merge(runs: list[tuple[int, int, int]], max_thick: int) -> list[tuple[int, int, int, int]]:
    """Runs on neighbouring rows that overlap, as one rule: (first row, last row, start, end).
    A run that touches several rules so far joins them all (a rule seen first in pieces)."""
    rules: list[list[int]] = []
    for row, s, e in sorted(runs):
        near = [r for r in rules if row - r[1] <= 2 and s <= r[3] and e >= r[2]]
        if not near:
            rules.append([row, row, s, e])
            continue
        keep = near[0]
        keep[1] = row
        keep[2] = min([s, *(r[2] for r in near)])
        keep[3] = max([e, *(r[3] for r in near)])
        keep[0] = min(r[0] for r in near)
        for r in near[1:]:
            rules.remove(r)
    return [(a, b, s, e) for a, b, s, e in rules if b - a + 1 <= max_thick]


def _join(rules: list[tuple[int, int, int, int]], gap: int) -> list[tuple[int, int, int, int]]:
    """Pieces of one rule broken by a few pixels of noise, joined again."""
    out: list[list[int]] = []
    for a, b, s, e in sorted(rules, key=lambda r: (r[2], r[0])):
        for r in out:
            if abs((a + b) - (r[0] + r[1])) <= 4 and s - r[3] <= gap and e >= r[2]:
                r[0], r[1], r[3] = min(r[0], a), max(r[1], b), max(r[3], e)
                break
        else:
            out.append([a, b, s, e])
    return [(a, b, s, e) for a, b, s, e in out]


def rules_in(ink: np.ndarray, dpi: int, settings: OcrSettings = DEFAULT_OCR):
    """The page's straight lines: (horizontal, vertical) as (first, last, start, end) in
    pixels; a horizontal rule spans rows first..last and columns start..end."""
    # A rule left a little tilted after deskewing, or broken by a speck, steps one pixel aside.
    bridged = ink.copy()
    bridged[:, 1:-1] |= ink[:, :-2] & ink[:, 2:]
    thick = bridged.copy()
    thick[1:] |= bridged[:-1]
    min_len = max(8, int(settings.min_rule_inches * dpi))
    max_thick = max(3, int(settings.max_rule_inches * dpi) + 2)
    gap = max(2, round(settings.max_rule_inches * dpi))
    horizontal = _join(_merge(_runs(thick, min_len // 2), max_thick), gap)
    horizontal = [r for r in horizontal if r[3] - r[2] >= min_len]
    bridged_v = ink.copy()
    bridged_v[1:-1] |= ink[:-2] & ink[2:]
    thick_v = bridged_v.copy()
    thick_v[:, 1:] |= bridged_v[:, :-1]
    vertical = _join(_merge(_runs(thick_v.T, min_len // 2), max_thick), gap)
    vertical = [r for r in vertical if r[3] - r[2] >= min_len]
    return horizontal, vertical


# ---------------------------------------------------------------- tesseract


@dataclass(frozen=True)
class OcrWord:
    """A word as tesseract read it, in pixels of the deskewed page."""

    text: str
    x0: int
    top: int
    x1: int
    bottom: int
    baseline: float  # where the word's line stands at the word
    size_px: float  # the line's text size
    confidence: float
    line: int = 0  # which of the page's text lines it stands on


_BBOX = re.compile(r"bbox (-?\d+) (-?\d+) (-?\d+) (-?\d+)")
_BASELINE = re.compile(r"baseline (-?[\d.]+) (-?[\d.]+)")
_X_SIZE = re.compile(r"x_size ([\d.]+)")
_CONF = re.compile(r"x_wconf (\d+)")


def _tesseract(image: Image.Image, timeout: float) -> str:
    with tempfile.TemporaryDirectory(prefix="ocr-") as tmp:
        png = Path(tmp) / "page.png"
        image.save(png)
        command = ["tesseract", str(png), str(Path(tmp) / "page"), "-l", "dan", "--psm", "11",
                   "-c", "preserve_interword_spaces=0", "hocr"]  # fmt: skip
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False,
                env={"OMP_THREAD_LIMIT": "1", "PATH": _path()},
            )  # fmt: skip
        except subprocess.TimeoutExpired as e:
            raise OcrError(f"OCR took longer than {timeout:.0f} seconds on a page") from e
        except OSError as e:
            raise OcrError(f"tesseract could not be started ({e})") from e
        hocr = Path(tmp) / "page.hocr"
        if done.returncode != 0 or not hocr.is_file():
            lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
            detail = lines[-1].strip() if lines else f"exit status {done.returncode}"
            raise OcrError(f"OCR failed ({detail[:160]})")
        return hocr.read_text(encoding="utf-8", errors="replace")


def _path() -> str:
    import os

    return os.environ.get("PATH", "/usr/bin:/bin")


def parse_hocr(hocr: str) -> list[OcrWord]:
    """Tesseract's hOCR as words with their line's baseline and size."""
    root = ElementTree.fromstring(hocr)
    words: list[OcrWord] = []
    for line_no, line in enumerate(root.iter()):
        cls = line.get("class", "")
        if cls not in ("ocr_line", "ocr_caption", "ocr_header", "ocr_textfloat"):
            continue
        title = line.get("title", "")
        box = _BBOX.search(title)
        if box is None:
            continue
        lx0, _, _, ly1 = (int(v) for v in box.groups())
        base = _BASELINE.search(title)
        slope, offset = (float(base.group(1)), float(base.group(2))) if base else (0.0, 0.0)
        size = _X_SIZE.search(title)
        for word in line.iter():
            if word.get("class") != "ocrx_word":
                continue
            text = normalize_text("".join(word.itertext()))
            wbox = _BBOX.search(word.get("title", ""))
            if not text or wbox is None:
                continue
            x0, top, x1, bottom = (int(v) for v in wbox.groups())
            conf = _CONF.search(word.get("title", ""))
            baseline = ly1 + offset + slope * ((x0 + x1) / 2 - lx0)
            size_px = float(size.group(1)) if size else float(bottom - top)
            words.append(
                OcrWord(text, x0, top, x1, bottom, baseline, size_px,
                        float(conf.group(1)) if conf else 0.0, line_no)
            )  # fmt: skip
    return words


# ---------------------------------------------------------------- marks


def _components(mask: np.ndarray) -> list[tuple[int, int, int, int, int]]:
    """8-connected blobs of a sparse mask: (top, left, bottom, right, pixels), inclusive."""
    ys, xs = np.nonzero(mask)
    todo = set(zip(ys.tolist(), xs.tolist(), strict=True))
    blobs = []
    while todo:
        start = todo.pop()
        stack = [start]
        top, left, bottom, right, n = start[0], start[1], start[0], start[1], 0
        while stack:
            y, x = stack.pop()
            n += 1
            top, bottom, left, right = min(top, y), max(bottom, y), min(left, x), max(right, x)
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    p = (y + dy, x + dx)
                    if p in todo:
                        todo.remove(p)
                        stack.append(p)
        blobs.append((top, left, bottom, right, n))
    return blobs


# What tesseract makes of a cross it does not read as "X".
_MARK_MISREADS = frozenset("kKyY%*+#")


def _explained(word: OcrWord) -> bool:
    """A word of text (its ink is letters), not OCR's reading of a mark or of dust."""
    core = word.text.strip("().[]'\"`,:;-_~")
    if not core:
        return False
    if len(core) == 1:
        return core not in MARK_GLYPHS and core not in _MARK_MISREADS
    if len(core) == 2 and not any(c.isalnum() for c in core):
        return False
    return not (len(core) <= 2 and core.casefold() in ("xx", "><", "x.", "k", "kx", "xk"))


def _ink_marks(ink: np.ndarray, words: list[OcrWord], em_px: float,
               settings: OcrSettings) -> list[tuple[int, int, int, int]]:  # fmt: skip
    """Blobs of ink the size of a mark that no word of text explains: (x0, top, x1, bottom)."""
    residual = ink.copy()
    pad = max(1, round(em_px * 0.1))
    for w in words:
        if _explained(w):
            residual[max(0, w.top - pad) : w.bottom + pad, max(0, w.x0 - pad) : w.x1 + pad] = False
    # Blobs on a coarse grid: a mark's strokes join, a stroke broken by noise is one blob.
    step = max(1, round(em_px / 12))
    h, w = residual.shape
    coarse = residual[: h - h % step, : w - w % step]
    coarse = coarse.reshape(h // step, step, w // step, step).any(axis=(1, 3))
    lo, hi = settings.mark_min_em * em_px / step, settings.mark_max_em * em_px / step
    marks = []
    for top, left, bottom, right, n in _components(coarse):
        height, width = bottom - top + 1, right - left + 1
        # As wide as a mark, or as narrow as a digit one ("1") standing alone.
        if not (lo <= height <= hi and lo / 4 <= width <= hi):
            continue
        if n < 0.15 * height * width or width > 2.5 * height:
            continue
        marks.append((left * step, top * step, (right + 1) * step, (bottom + 1) * step))
    return marks


def _grouped(
    blobs: list[tuple[int, int, int, int]], em_px: float
) -> list[tuple[int, int, int, int]]:
    """Blobs side by side on one line (a gap under a third of an em), as one box each."""
    out: list[list[int]] = []
    for x0, top, x1, bottom in sorted(blobs):
        last = out[-1] if out else None
        if last and x0 - last[2] < em_px / 3 and top < last[3] and bottom > last[1]:
            last[1], last[2], last[3] = min(last[1], top), max(last[2], x1), max(last[3], bottom)
        else:
            out.append([x0, top, x1, bottom])
    return [(a, b, c, d) for a, b, c, d in out]


def _alone(box: tuple[int, int, int, int], words: list[OcrWord], em_px: float) -> bool:
    """No word of text stands right beside the blob on its line (a total in its own cell)."""
    x0, top, x1, bottom = box
    for w in words:
        if w.bottom < top or w.top > bottom or not _explained(w):
            continue
        if w.x1 > x0 - em_px and w.x0 < x1 + em_px:
            return False
    return True


def _crossed(ink: np.ndarray, x0: int, top: int, x1: int, bottom: int) -> bool:
    """The blob's ink runs along both diagonals of its box: a cross (X, ×, ✕, ☒), not a digit
    or a letter OCR missed."""
    reach = max(1, round(min(x1 - x0, bottom - top) * 0.12))
    points = np.linspace(0.08, 0.92, 15)
    for flip in (False, True):
        hits = 0
        for t in points:
            y = round(top + t * (bottom - top))
            x = round(x1 - t * (x1 - x0)) if flip else round(x0 + t * (x1 - x0))
            hits += bool(
                ink[max(0, y - reach) : y + reach + 1, max(0, x - reach) : x + reach + 1].any()
            )
        if hits < 0.7 * len(points):
            return False
    # An X's middle lines cross ink only where its strokes meet; a 1's or a +'s run along it.
    mx, my = (x0 + x1) // 2, (top + bottom) // 2
    for along in ("vertical", "horizontal"):
        hits = 0
        for t in points:
            y = round(top + t * (bottom - top)) if along == "vertical" else my
            x = mx if along == "vertical" else round(x0 + t * (x1 - x0))
            hits += bool(ink[y, x])
        if hits > 0.8 * len(points):
            return False
    # An X's sides are open at their middles; a letter's (e, G, o, 8) are not.
    mx, my = (x0 + x1) // 2, (top + bottom) // 2
    sides = [(top, mx), (bottom - 1, mx), (my, x0), (my, x1 - 1)]
    closed = sum(
        bool(ink[max(0, y - reach) : y + reach + 1, max(0, x - reach) : x + reach + 1].any())
        for y, x in sides
    )
    return closed <= 2


def _digits(image: Image.Image, box: tuple[int, int, int, int], timeout: float) -> str:
    """A small blob tesseract left out of the page (a lone digit in a wide cell), read alone."""
    x0, top, x1, bottom = box
    pad = max(6, (bottom - top) // 4)
    crop = image.crop((x0 - pad, top - pad, x1 + pad, bottom + pad))
    with tempfile.TemporaryDirectory(prefix="ocr-") as tmp:
        png = Path(tmp) / "blob.png"
        crop.save(png)
        try:
            done = subprocess.run(
                ["tesseract", str(png), "stdout", "--psm", "7", "-c",
                 "tessedit_char_whitelist=0123456789()"],
                capture_output=True, text=True, timeout=timeout, check=False,
                env={"OMP_THREAD_LIMIT": "1", "PATH": _path()},
            )  # fmt: skip
        except (subprocess.TimeoutExpired, OSError):
            return ""
    text = done.stdout.strip()
    return text if text.strip("()").isdigit() else ""


# ---------------------------------------------------------------- the page


@dataclass(frozen=True)
class OcrPage:
    """A page read from its image, and its words OCR was unsure of."""

    layout: PageLayout
    doubts: tuple[tuple[Word, float], ...]  # (word, tesseract's confidence 0–100)
    skew_degrees: float


# Where a line's text stands about its baseline, in multiples of its size (as pdfminer boxes
# a letter: from the font's ascent above the baseline to its descent below).
_ASCENT, _DESCENT = 0.78, 0.22
# tesseract's x_size is the line's height from ascender to descender; a font's size is a little
# more than that.
_SIZE_PER_X_SIZE = 1.0
_BOLD_INK = 1.2  # a line whose strokes are this much heavier than the usual line is bold


def ocr_page(image: Image.Image, number: int, width_pt: float, height_pt: float,
             settings: OcrSettings = DEFAULT_OCR) -> OcrPage:  # fmt: skip
    """One page read from its image (rendered at ``settings.dpi`` and cleaned, see
    ``render_pages``) as a ``PageLayout``."""
    dpi = image.width / (width_pt / 72) if width_pt else settings.dpi
    gray = image
    arr = np.asarray(gray)
    ink = arr < min(_otsu(arr), 200)
    ink = despeckle(ink, dpi)
    angle = skew_angle(ink, settings.max_skew_degrees)
    if abs(angle) >= 0.05:
        gray = gray.rotate(-angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
        arr = np.asarray(gray)
        ink = despeckle(arr < min(_otsu(arr), 200), dpi)
    horizontal, vertical = rules_in(ink, round(dpi), settings)
    text_ink = ink.copy()
    for a, b, s, e in horizontal:
        text_ink[max(0, a - 1) : b + 2, s:e] = False
    for a, b, s, e in vertical:
        text_ink[s:e, max(0, a - 1) : b + 2] = False
    page_image = Image.fromarray(np.where(text_ink, 0, 255).astype(np.uint8))
    words = _punctuation_joined(parse_hocr(_tesseract(page_image, settings.page_timeout)))
    scale = 72 / dpi
    sizes = sorted(w.size_px for w in words if len(w.text) > 2) or [dpi * 10 / 72]
    em_px = sizes[len(sizes) // 2] * _SIZE_PER_X_SIZE
    strokes = _line_strokes(text_ink, words)
    usual = float(np.median([strokes.get(w.line, 0.0) for w in words])) if words else 0.0
    out: list[Word] = []
    doubts: list[tuple[Word, float]] = []
    for w in words:
        if not _explained(w):
            continue
        w = _letters_checked(text_ink, w)
        size_px = w.size_px * _SIZE_PER_X_SIZE
        size = round(size_px * scale, 1)
        word = Word(
            w.text,
            w.x0 * scale,
            w.x1 * scale,
            (w.baseline - _ASCENT * size_px) * scale,
            (w.baseline + _DESCENT * size_px) * scale,
            size,
            usual > 0 and strokes.get(w.line, 0.0) > _BOLD_INK * usual,
        )
        out.append(word)
        if w.confidence < settings.low_confidence and any(c.isalnum() for c in w.text):
            doubts.append((word, w.confidence))
    blobs = _ink_marks(text_ink, words, em_px, settings)
    crosses = [
        b for b in blobs if b[2] - b[0] >= settings.mark_min_em * em_px and _crossed(text_ink, *b)
    ]
    # The rest, where no word stands beside them, are what OCR left out (a lone total, a tag's
    # "2)" alone on its line): the blobs of one such word read together.
    rest = _grouped([b for b in blobs if b not in crosses and _alone(b, words, em_px)], em_px)
    found = [(b, "X") for b in crosses]
    found += [(b, _digits(page_image, b, settings.page_timeout)) for b in rest]
    for box, text in found:
        x0, _, x1, baseline = box
        if text:
            out.append(
                Word(text, x0 * scale, x1 * scale, (baseline - _ASCENT * em_px) * scale,
                     (baseline + _DESCENT * em_px) * scale, round(em_px * scale, 1), False)
            )  # fmt: skip
    rules = [Rule(s * scale, e * scale, (a + b) / 2 * scale, (a + b) / 2 * scale)
             for a, b, s, e in horizontal]  # fmt: skip
    rules += [Rule((a + b) / 2 * scale, (a + b) / 2 * scale, s * scale, e * scale)
              for a, b, s, e in vertical]  # fmt: skip
    layout = PageLayout(number, width_pt, height_pt, tuple(out), tuple(rules), 0, PRODUCER)
    return OcrPage(layout, tuple(doubts), angle)


_TRAILING = frozenset(".,:;)!?")
_SURE_PUNCTUATION = 70.0  # a less certain full stop is more likely dust


def _punctuation_joined(words: list[OcrWord]) -> list[OcrWord]:
    """A full stop or comma OCR read as a word of its own, put back on the word it ends."""
    from dataclasses import replace

    out: list[OcrWord] = []
    for w in sorted(words, key=lambda w: (w.line, w.x0)):
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.line == w.line
            and w.text
            and set(w.text) <= _TRAILING
            and w.confidence >= _SURE_PUNCTUATION
            and w.x0 - prev.x1 <= 0.3 * w.size_px
        ):
            out[-1] = replace(prev, text=prev.text + w.text, x1=max(prev.x1, w.x1))
            continue
        out.append(w)
    return out


def _letters_checked(ink: np.ndarray, w: OcrWord) -> OcrWord:
    """Letters OCR confuses, decided from the ink: a word's first "i" that has no dot is a
    capital I (a sans-serif I is a bare stem); digits starting with "8" whose first letter
    reaches below the baseline are a paragraph sign and a number (§119, not 8119)."""
    from dataclasses import replace

    stem = max(2, round(w.size_px * 0.1))
    if w.text[:1] == "i" and len(w.text) > 1 and w.text[1:2].islower():
        column = ink[w.top : round(w.baseline), w.x0 : w.x0 + stem].any(axis=1)
        inked = np.nonzero(column)[0]
        if inked.size and not _gap(column[inked[0] : inked[-1] + 1], max(2, stem // 2)):
            return replace(w, text="I" + w.text[1:])
    if len(w.text) >= 3 and w.text[0] == "8" and w.text[1:].rstrip(".,)").isdigit():
        box = ink[w.top : w.bottom + 1, w.x0 : w.x1 + 1]
        split = round(w.size_px * 0.45)
        first, rest = (
            np.nonzero(box[:, :split].any(axis=1))[0],
            np.nonzero(box[:, split:].any(axis=1))[0],
        )
        if first.size and rest.size and first[-1] - rest[-1] >= 2:
            return replace(w, text="§" + w.text[1:])
    return w


def _gap(column: np.ndarray, rows: int) -> bool:
    """A run of at least ``rows`` blank rows in a column's ink (the gap under an i's dot)."""
    run = 0
    for inked in column:
        run = 0 if inked else run + 1
        if run >= rows:
            return True
    return False


def _line_strokes(ink: np.ndarray, words: list[OcrWord]) -> dict[int, float]:
    """How heavy each text line's strokes are, as a share of its size: ink over its edge pixels
    is about half a stroke's width, whatever the letters."""
    area: dict[int, int] = {}
    edge: dict[int, int] = {}
    size: dict[int, float] = {}
    for w in words:
        box = ink[w.top : w.bottom + 1, w.x0 : w.x1 + 1]
        if box.shape[0] < 3 or box.shape[1] < 3:
            continue
        inner = box[1:-1, 1:-1] & box[:-2, 1:-1] & box[2:, 1:-1] & box[1:-1, :-2] & box[1:-1, 2:]
        n = int(box.sum())
        area[w.line] = area.get(w.line, 0) + n
        edge[w.line] = edge.get(w.line, 0) + n - int(inner.sum())
        size[w.line] = w.size_px
    return {k: area[k] / edge[k] / size[k] for k in area if edge[k] and size[k] > 0}
