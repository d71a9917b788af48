"""Rebuild an OCR'd scan so the extraction stage can read it like a born-digital notat.

ocrmypdf's own text layer splits words into letters for pdfminer ("f o r e b y g"), and the
ruling lines of the tables stay pixels, while extraction finds table rows by their rules. So
from ocrmypdf's deskewed page images and tesseract's hOCR this module writes a PDF whose words
are one invisible text run each, sized to the box tesseract found, and whose long straight ink
runs are drawn as vector lines *under* the image (the page still looks like the scan).
"""

from __future__ import annotations

import itertools
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pikepdf
from PIL import Image

from pipeline.vocabulary import heading_start, is_mark

_INK = 150  # grey level below which a pixel is ink
_MIN_RULE_INCHES = 0.35  # shorter runs are letters, not rules
_MAX_RULE_PIXELS = 6  # thicker bands are pictures or filled areas, not rules


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


def _merge(runs: list[tuple[int, int, int]]) -> list[tuple[float, int, int]]:
    """Join runs on neighbouring rows that overlap into one rule: (centre row, start, end)."""
    rules: list[list[int]] = []  # [first_row, last_row, start, end]
    for row, s, e in sorted(runs):
        for r in rules:
            if row - r[1] <= 1 and s < r[3] and e > r[2]:
                r[1], r[2], r[3] = row, min(r[2], s), max(r[3], e)
                break
        else:
            rules.append([row, row, s, e])
    return [((a + b) / 2, s, e) for a, b, s, e in rules if b - a + 1 <= _MAX_RULE_PIXELS]


def _page_rules(gray: np.ndarray, dpi: float) -> tuple[list, list]:
    ink = gray < _INK
    # Tolerate a residual tilt of a few tenths of a degree: a rule may step one pixel sideways.
    thick_h = ink.copy()
    thick_h[1:] |= ink[:-1]
    thick_v = ink.copy()
    thick_v[:, 1:] |= ink[:, :-1]
    min_len = int(_MIN_RULE_INCHES * dpi)
    horizontal = _merge(_runs(thick_h, min_len))
    vertical = _merge(_runs(thick_v.T, min_len))
    return horizontal, vertical


@dataclass(frozen=True)
class OcrWord:
    text: str
    x0: float  # pixels, origin top-left
    x1: float
    baseline: float
    size_px: float  # the line's text height (tesseract's x_size)


_BBOX = re.compile(r"bbox (\d+) (\d+) (\d+) (\d+)")
_BASELINE = re.compile(r"baseline (-?[\d.]+) (-?[\d.]+)")
_X_SIZE = re.compile(r"x_size ([\d.]+)")
# The status column heading "Gennemført/" (completed/started): in thin fonts OCR reads its slash
# as "!", "|" or "l", and extraction finds the status columns by that heading.
_HEADING_SLASH = re.compile(r"^(Gennemf[øo]rt)[!|lI1]$", re.IGNORECASE)
_SCAN_RES = re.compile(r"scan_res (\d+)")


def read_hocr(path: Path) -> tuple[list[OcrWord], float]:
    """Words of one tesseract hOCR page with their baseline, and the image resolution (dpi)."""
    tree = ElementTree.parse(path)
    words: list[OcrWord] = []
    dpi = 300.0
    for el in tree.iter():
        title = el.get("title") or ""
        cls = el.get("class") or ""
        if cls == "ocr_page" and (m := _SCAN_RES.search(title)):
            dpi = float(m.group(1))
        if cls not in ("ocr_line", "ocr_caption", "ocr_header", "ocr_textfloat"):
            continue
        box = _BBOX.search(title)
        if box is None:
            continue
        lx0, _, _, ly1 = (int(v) for v in box.groups())
        slope, offset = 0.0, 0.0
        if m := _BASELINE.search(title):
            slope, offset = float(m.group(1)), float(m.group(2))
        x_size = float(m.group(1)) if (m := _X_SIZE.search(title)) else 30.0
        for word in el:
            text = "".join(word.itertext()).strip()
            wbox = _BBOX.search(word.get("title") or "")
            if not text or wbox is None:
                continue
            x0, _, x1, _ = (int(v) for v in wbox.groups())
            baseline = ly1 + offset + slope * ((x0 + x1) / 2 - lx0)
            text = _HEADING_SLASH.sub(r"\1/", text)
            words.append(OcrWord(text, float(x0), float(x1), baseline, x_size))
    return words, dpi


def _literal(text: str) -> str:
    raw = text.encode("cp1252", errors="replace").decode("latin-1")
    return raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


_RULE_LIKE = set("|¦!lI[]1")
# What OCR makes of a handwritten or printed mark, besides a mark glyph itself.
_MARK_MISREAD = {"xx", "k", "%", "*", "+"}


def _is_dust(text: str) -> bool:
    """Specks of scanner dust come out of OCR as stray punctuation."""
    return all(not ch.isalnum() for ch in text)


def _is_cross(ink: np.ndarray) -> bool:
    """Both diagonals of the ink's bounding box are inked: an X, not a letter or a dot."""
    h, w = ink.shape
    hits = [0, 0]
    for i in range(1, 20):
        y, x = int(i * (h - 1) / 20), int(i * (w - 1) / 20)
        for d, xx in enumerate((x, w - 1 - x)):
            if ink[max(0, y - 2) : y + 3, max(0, xx - 2) : xx + 3].any():
                hits[d] += 1
    return min(hits) >= 16


def _despeckle(ink: np.ndarray) -> np.ndarray:
    """Keep ink pixels with at least three inked neighbours: strokes stay, scanner dust goes."""
    padded = np.pad(ink, 1).astype(np.int8)
    h, w = ink.shape
    neighbours = sum(
        padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]
        for dy in (-1, 0, 1)
        for dx in (-1, 0, 1)
        if dy or dx
    )
    return ink & (neighbours >= 3)


def _narrow_columns(vertical, dpi: float) -> list[tuple[int, int, int, int]]:
    """Stretches between two vertical rules as narrow as a status column: (x0, x1, y0, y1)."""
    bands = []
    for (xa, sa, ea), (xb, sb, eb) in itertools.combinations(sorted(vertical), 2):
        top, bottom = max(sa, sb), min(ea, eb)
        if 0.3 * dpi <= xb - xa <= 1.3 * dpi and bottom - top >= 0.2 * dpi:
            bands.append((round(xa), round(xb), int(top), int(bottom)))
    return bands


def _header_columns(
    words: list[OcrWord], page_h: int, dpi: float
) -> list[tuple[int, int, int, int]]:
    """A table without rules: its two status columns as the page shows them, from the header
    words "Gennemført/", "Ikke" and "Bemærkning" standing on one line, down to the next such
    header or the foot of the page: (x0, x1, y0, y1), as ``_narrow_columns``."""
    heads = []
    for started in (w for w in words if heading_start(w.text) == "started"):
        same_line = [w for w in words if abs(w.baseline - started.baseline) < 0.1 * dpi]
        not_started = [
            w for w in same_line if heading_start(w.text) == "not_started" and w.x0 > started.x1
        ]
        remark = [w for w in same_line if heading_start(w.text) == "remark"]
        if not_started and remark and not_started[0].x1 < remark[0].x0:
            heads.append((started, not_started[0], remark[0]))
    heads.sort(key=lambda h: h[0].baseline)
    bands = []
    gap = int(0.03 * dpi)
    for i, (started, not_started, remark) in enumerate(heads):
        top = int(started.baseline + 0.25 * dpi)  # under the header's second line ("igangsat")
        bottom = int(heads[i + 1][0].baseline - 0.2 * dpi) if i + 1 < len(heads) else page_h
        if bottom - top < 0.2 * dpi:
            continue
        left = int(started.x0) - gap
        middle = int(not_started.x0) - gap
        bands.append((left, middle, top, bottom))
        bands.append((middle, int(remark.x0) - gap, top, bottom))
    return bands


def _blobs(ink: np.ndarray, dpi: float) -> list[tuple[int, int, int, int]]:
    """Letter-sized X-shaped marks in a column strip: (top, bottom, left, right) in the strip."""
    ink = ink.copy()
    ink[ink.sum(axis=1) > 0.6 * ink.shape[1]] = False  # horizontal rules crossing the strip
    rows = np.nonzero(ink.any(axis=1))[0]
    found = []
    if rows.size == 0:
        return found
    runs, start, prev = [], rows[0], rows[0]
    for r in rows[1:]:
        if r - prev > 3:
            runs.append((start, prev + 1))
            start = r
        prev = r
    runs.append((start, prev + 1))
    lo, hi = 0.05 * dpi, 0.3 * dpi
    for top, bottom in runs:
        if not lo <= bottom - top <= hi:
            continue
        cols = np.nonzero(ink[top:bottom].any(axis=0))[0]
        left, right = int(cols.min()), int(cols.max()) + 1
        if not lo <= right - left <= hi:
            continue
        if _is_cross(ink[top:bottom, left:right]):
            found.append((int(top), int(bottom), left, right))
    return found


def add_marks(words: list[OcrWord], gray: np.ndarray, dpi: float) -> list[OcrWord]:
    """Tesseract often misses a lone "X" in a table cell, or reads it as "Xx" or "K". An
    X-shaped mark of letter size in a status column gets the word "X": a column as narrow as a
    status column between two rules, or, in a table without rules, under the status headers."""
    _, vertical = _page_rules(gray, dpi)
    ink = gray < _INK
    # A ruling line read as a letter: "|" (or "l", "I", "!") standing on a vertical rule.
    rule_xs = [x for x, _, _ in vertical]
    result = [
        w for w in words
        if not (set(w.text) <= _RULE_LIKE and any(w.x0 - 6 <= x <= w.x1 + 6 for x in rule_xs))
    ]  # fmt: skip
    bands = _narrow_columns(vertical, dpi) or _header_columns(result, gray.shape[0], dpi)
    for x0, x1, y0, y1 in bands:
        for top, bottom, left, right in _blobs(_despeckle(ink[y0:y1, x0 + 5 : x1 - 4]), dpi):
            bx0, bx1, by0, by1 = x0 + 5 + left, x0 + 5 + right, y0 + top, y0 + bottom
            inside = [
                w for w in result
                if w.x0 - 4 < bx1 and w.x1 + 4 > bx0 and by0 - 4 < w.baseline < by1 + w.size_px
            ]  # fmt: skip
            if any(
                not is_mark(w.text) and w.text.lower() not in _MARK_MISREAD and not _is_dust(w.text)
                for w in inside
            ):
                continue
            result = [w for w in result if w not in inside]
            h = by1 - by0
            result.append(OcrWord("X", float(bx0), float(bx1), float(by1), float(h) * 1.3))
    return result


def _text_ops(words: list[OcrWord], scale: float, page_h: float) -> list[str]:
    """Invisible Courier text: every glyph is 0.6 em wide, so a horizontal scale (Tz) makes each
    word span exactly the box tesseract found, with no gaps inside it."""
    ops = ["BT", "3 Tr"]
    # Tesseract's line heights wobble from line to line; extraction joins the lines of a
    # paragraph by equal font size, so body text gets one size and only clearly larger lines
    # (headings) their own.
    body = float(np.median([w.size_px for w in words])) if words else 30.0
    for w in words:
        size_px = body if abs(w.size_px - body) <= 0.3 * body else w.size_px
        size = max(4.0, round(size_px * scale * 2) / 2)  # x_size is about the font size
        natural = len(w.text) * 0.6 * size
        width = max(1.0, (w.x1 - w.x0) * scale)
        tz = max(10.0, min(400.0, 100.0 * width / natural))
        x, y = w.x0 * scale, page_h - w.baseline * scale
        ops.append(
            f"/OcrF {size} Tf {tz:.1f} Tz 1 0 0 1 {x:.2f} {y:.2f} Tm ({_literal(w.text)}) Tj"
        )
    ops.append("ET")
    return ops


def _rule_ops(gray: np.ndarray, scale: float, page_h: float, dpi: float) -> list[str]:
    horizontal, vertical = _page_rules(gray, dpi)
    ops = ["q", "1 1 1 RG", "0.5 w"]
    for row, s, e in horizontal:
        y = page_h - (row + 0.5) * scale
        ops.append(f"{s * scale:.2f} {y:.2f} m {e * scale:.2f} {y:.2f} l S")
    for col, s, e in vertical:
        x = (col + 0.5) * scale
        ops.append(f"{x:.2f} {page_h - s * scale:.2f} m {x:.2f} {page_h - e * scale:.2f} l S")
    ops.append("Q")
    return ops


def build_ocr_pdf(pages: list[tuple[Path, Path]], target: Path) -> None:
    """Write a PDF of the OCR'd scan: per page the (deskewed) image, its table rules as vector
    lines under the image, and the recognized words as invisible text over it.

    ``pages`` pairs each page image (PNG) with tesseract's hOCR for it.
    """
    images, layers = [], []
    for png, hocr in pages:
        words, dpi = read_hocr(hocr)
        with Image.open(png) as im:
            gray = im.convert("L")
        images.append(gray)
        pixels = np.asarray(gray)
        layers.append((add_marks(words, pixels, dpi), dpi, pixels))
    first, rest = images[0], images[1:]
    first.save(target, format="PDF", resolution=layers[0][1], save_all=True, append_images=rest)
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Courier,
        Encoding=pikepdf.Name.WinAnsiEncoding,
    )  # fmt: skip
    with pikepdf.open(target, allow_overwriting_input=True) as pdf:
        for page, (words, dpi, gray) in zip(pdf.pages, layers, strict=True):
            scale = 72.0 / dpi
            page_h = float(page.mediabox[3]) - float(page.mediabox[1])
            if "/Resources" not in page.obj:
                page.obj.Resources = pikepdf.Dictionary()
            if "/Font" not in page.obj.Resources:
                page.obj.Resources.Font = pikepdf.Dictionary()
            page.obj.Resources.Font.OcrF = font
            below = "\n".join(_rule_ops(gray, scale, page_h, dpi)).encode()
            above = "\n".join(_text_ops(words, scale, page_h)).encode("latin-1")
            page.contents_add(pikepdf.Stream(pdf, below), prepend=True)
            page.contents_add(pikepdf.Stream(pdf, above), prepend=False)
        pdf.save(target)


_DUST_WINDOW = 5  # pixels: a speck of dust is smaller than this square
_DUST_MIN_INK = 6  # ink pixels a mark needs in the window around each of its pixels to stay


def _box_counts(ink: np.ndarray, height: int, width: int) -> np.ndarray:
    """Ink pixels in the ``height`` × ``width`` window centred on each pixel."""
    h, w = ink.shape
    ry, rx = height // 2, width // 2
    padded = np.pad(ink, ((ry + 1, ry), (rx + 1, rx)))
    t = padded.cumsum(0).cumsum(1)
    return (
        t[height : height + h, width : width + w]
        - t[0:h, width : width + w]
        - t[height : height + h, 0:w]
        + t[0:h, 0:w]
    )


def without_dust(gray: np.ndarray) -> np.ndarray:
    """White out ink pixels with few ink pixels around them: scanner dust goes; letters, full
    stops and hairline rules (many ink pixels along a row or a column) stay."""
    ink = (gray < 200).astype(np.int32)
    keep = (
        (_box_counts(ink, _DUST_WINDOW, _DUST_WINDOW) >= _DUST_MIN_INK)
        | (_box_counts(ink, 1, 11) >= 7)
        | (_box_counts(ink, 11, 1) >= 7)
        | (_box_counts(ink, 3, 11) >= 9)
        | (_box_counts(ink, 11, 3) >= 9)
    )
    cleaned = gray.copy()
    cleaned[(ink == 1) & ~keep] = 255
    return cleaned


def _single_image(page: pikepdf.Page) -> pikepdf.Stream | None:
    """The page's image when the page is one image and nothing else drawn from resources."""
    resources = page.obj.get("/Resources")
    xobjects = resources.get("/XObject") if resources is not None else None
    if xobjects is None or len(xobjects.keys()) != 1:
        return None
    (only,) = (xobjects[k] for k in xobjects)
    return only if isinstance(only, pikepdf.Stream) and only.get("/Subtype") == "/Image" else None


def clean_scan(source: Path, target: Path) -> int:
    """Copy ``source`` to ``target`` with dust removed from each full-page image, so OCR does
    not read specks as stray dots and dashes. Returns how many pages were cleaned."""
    cleaned = 0
    with pikepdf.open(source) as pdf:
        for page in pdf.pages:
            raw = _single_image(page)
            if raw is None:
                continue
            try:
                picture = pikepdf.PdfImage(raw).as_pil_image()
            except (pikepdf.PdfError, NotImplementedError, ValueError, OSError):
                continue
            gray = without_dust(np.asarray(picture.convert("L")))
            raw.write(zlib.compress(gray.tobytes(), 6), filter=pikepdf.Name.FlateDecode)
            raw.ColorSpace = pikepdf.Name.DeviceGray
            raw.BitsPerComponent = 8
            raw.Width, raw.Height = gray.shape[1], gray.shape[0]
            for key in ("/DecodeParms", "/Decode", "/SMask", "/Mask"):
                if key in raw:
                    del raw[key]
            cleaned += 1
        pdf.save(target)
    return cleaned
