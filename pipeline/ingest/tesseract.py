"""Tesseract, run as a subprocess: a page image's words in Danish with their boxes, their
line's baseline and size, and a confidence (hOCR); a lone word read alone."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

from PIL import Image

from pipeline.text import normalize_text

__all__ = [
    "OcrError",
    "OcrWord",
    "ocr_missing",
    "parse_hocr",
    "punctuation_joined",
    "read_digits",
    "read_lines",
    "read_words",
    "run_tesseract",
]

INSTALL_HINT = "install tesseract-ocr and tesseract-ocr-dan"


class OcrError(Exception):
    """Tesseract failed on a page; the message is one plain line."""


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


def read_words(image: Image.Image, timeout: float, psm: int = 11) -> str:
    """Tesseract's hOCR of ``image``: by default as sparse text (every word found, wherever it
    stands: lone marks, digits and words in table cells); ``psm=7`` as one line."""
    args = ["-l", "dan", "--psm", str(psm), "-c", "preserve_interword_spaces=0", "hocr"]
    return run_tesseract(image, args, timeout)


def read_lines(images: list[Image.Image], timeout: float) -> list[list[OcrWord]]:
    """Each of ``images`` read as one line (``psm=7``), as ``read_words`` reads one, but all in
    one tesseract run (its Danish model loaded once, not once an image): each image's words, in
    its own pixels."""
    if not images:
        return []
    args = ["--psm", "7", "-c", "preserve_interword_spaces=0", "hocr"]
    with tempfile.TemporaryDirectory(prefix="ocr-lines-") as tmp:
        listed = []
        for k, image in enumerate(images):
            path = Path(tmp) / f"{k:04d}.pgm"
            (image if image.mode in ("1", "L") else image.convert("L")).save(path, format="PPM")
            listed.append(str(path))
        listing = Path(tmp) / "lines.txt"
        listing.write_text("\n".join(listed) + "\n", encoding="utf-8")
        key = b"".join(Path(p).read_bytes() for p in listed)
        hocr = _run(["tesseract", str(listing), "stdout", "-l", "dan", *args], b"", timeout, key)
    pages = [
        element
        for element in ElementTree.fromstring(hocr).iter()
        if element.get("class") == "ocr_page"
    ]
    if len(pages) != len(images):
        raise OcrError(f"OCR read {len(pages)} of {len(images)} lines")
    return [_words_of(page) for page in pages]


# Where tesseract's output may be kept between runs, by what it was given (see run_tesseract).
OCR_CACHE_ENV = "PIPELINE_OCR_CACHE"


def run_tesseract(image: Image.Image, args: list[str], timeout: float) -> str:
    """What tesseract writes to stdout for ``image`` with ``args`` (the image goes in on stdin
    as PBM or PGM: no temp files, no compression). Raises OcrError.

    With ``PIPELINE_OCR_CACHE`` naming a folder (the test suite sets it), the output is kept
    there by the image's bytes, the arguments, tesseract's version and its Danish model: the
    same input gives the same output (tesseract is deterministic on one thread), so everything
    around it still runs every time, and OCR is paid once per image."""
    buffer = io.BytesIO()
    (image if image.mode in ("1", "L") else image.convert("L")).save(buffer, format="PPM")
    data = buffer.getvalue()
    return _run(["tesseract", "stdin", "stdout", *args], data, timeout, data)


def _run(command: list[str], data: bytes, timeout: float, key: bytes) -> str:
    """Tesseract's stdout for ``command`` given ``data`` on stdin; kept in the OCR cache by
    ``key`` (the images' bytes) and the arguments."""
    cache = _cache_path(key, command[3:])
    if cache is not None and cache.is_file():
        return cache.read_text(encoding="utf-8")
    try:
        done = subprocess.run(
            command, input=data, capture_output=True,
            timeout=timeout, check=False, env={"OMP_THREAD_LIMIT": "1", "PATH": _path()},
        )  # fmt: skip
    except subprocess.TimeoutExpired as e:
        raise OcrError(f"OCR took longer than {timeout:.0f} seconds on a page") from e
    except OSError as e:
        raise OcrError(f"tesseract could not be started ({e})") from e
    out = done.stdout.decode("utf-8", errors="replace")
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.decode(errors="replace").splitlines() if ln.strip()]
        detail = lines[-1].strip() if lines else f"exit status {done.returncode}"
        raise OcrError(f"OCR failed ({detail[:160]})")
    if cache is not None:
        _keep(cache, out)
    return out


def _cache_path(data: bytes, args: list[str]) -> Path | None:
    folder = os.environ.get(OCR_CACHE_ENV)
    if not folder:
        return None
    h = hashlib.sha256(_engine().encode())
    h.update("\0".join(args).encode() + b"\0" + data)
    key = h.hexdigest()
    return Path(folder) / key[:2] / f"{key}.txt"


@cache
def _engine() -> str:
    """Tesseract's version and the bytes of its Danish model, for the OCR cache's key."""
    version = subprocess.run(
        ["tesseract", "--version"], capture_output=True, text=True, check=False, timeout=30
    ).stdout.splitlines()[:1]
    langs = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True, check=False, timeout=30
    ).stdout
    folder = re.search(r'"([^"]+)"', langs)
    model = Path(folder.group(1)) / "dan.traineddata" if folder else None
    digest = hashlib.sha256(model.read_bytes()).hexdigest() if model and model.is_file() else ""
    return f"{version}{digest}"


def _keep(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (parallel test processes share the cache)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".ocr-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written only costs time


def _path() -> str:
    return os.environ.get("PATH", "/usr/bin:/bin")


def parse_hocr(hocr: str) -> list[OcrWord]:
    """Tesseract's hOCR as words with their line's baseline and size."""
    return _words_of(ElementTree.fromstring(hocr))


def _words_of(root: ElementTree.Element) -> list[OcrWord]:
    """The words of an hOCR element (a document or one of its pages)."""
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


_AS_DIGITS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})


def read_digits(image: Image.Image, box: tuple[int, int, int, int], timeout: float) -> str:
    """A small blob tesseract left out of the page (a lone digit in a wide cell, a list's "2."),
    read alone, enlarged: with room on its right for the full stop that may follow it, then
    closely cropped, then widely; as a line of digits, then as one character of any kind (tesseract reads a lone 0
    as "0" or "O" unconstrained, and sometimes not at all among digits only)."""
    x0, top, x1, bottom = box
    pad = max(6, (bottom - top) // 4)
    crops = [
        (x0 - pad, top - pad, x1 + 2 * pad, bottom + pad),
        (x0 - pad, top - pad, x1 + pad, bottom + pad),
    ]
    modes = [["--psm", "7", "-c", "tessedit_char_whitelist=0123456789().,"], ["--psm", "10"]]
    for crop in crops:
        piece = image.crop(crop).convert("L")  # twice the size: tesseract reads a lone glyph
        piece = piece.resize((piece.width * 2, piece.height * 2), Image.Resampling.LANCZOS)
        for mode in modes:
            try:
                text = run_tesseract(piece, mode, timeout).strip().translate(_AS_DIGITS)
            except OcrError:
                return ""
            if text.strip("().,").isdigit():
                # a number standing alone ends a list's label, not a clause
                return text[:-1] + "." if text.endswith(",") else text
    # Not a number: a list's letter ("b." of a lettered sub-item), read as one.
    for crop in crops[:1]:
        piece = image.crop(crop).convert("L")
        piece = piece.resize((piece.width * 2, piece.height * 2), Image.Resampling.LANCZOS)
        try:
            text = run_tesseract(piece, _LETTER_LABEL, timeout).strip()
        except OcrError:
            return ""
        if _LETTER.fullmatch(text):
            return text[0] + "." if text.endswith(",") else text
    return ""


_LETTER_LABEL = ["--psm", "7", "-c", "tessedit_char_whitelist=abcdefghij.,)"]
_LETTER = re.compile(r"[a-j][.,)]")


_TRAILING = frozenset(".,:;)!?")


_SURE_PUNCTUATION = 70.0  # a less certain full stop is more likely dust


def punctuation_joined(words: list[OcrWord]) -> list[OcrWord]:
    """A full stop or comma OCR read as a word of its own, put back on the word it ends."""
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
