"""Cheap structural checks on a PDF with pikepdf (qpdf), before any page is parsed for words.

These run inside the child process, so a file that defeats them still only costs its own budget.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

import pikepdf

_FLATE = {"/FlateDecode", "/Fl"}
_TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}
_MAX_FORM_DEPTH = 8
# An image this large could not come from a scanned A4 page; rasterizing it would exhaust memory.
_MAX_IMAGE_PIXELS = 400_000_000


@dataclass(frozen=True)
class TextLayer:
    """Whether any page draws text, and whether any page draws images (a scan has only images)."""

    has_text: bool
    has_images: bool
    unreadable_pages: tuple[int, ...] = ()


def first_line(error: BaseException, limit: int = 160) -> str:
    """An exception as one short line for a plain-English reason (never a traceback)."""
    text = " ".join(str(error).split()) or error.__class__.__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_damaged(pdf: pikepdf.Pdf) -> bool:
    """qpdf had to reconstruct the file's structure (cross-reference table, trailer, …)."""
    return any(w for w in pdf.get_warnings() if "damaged" in w or "reconstruct" in w or "xref" in w)


def expanding_stream(pdf: pikepdf.Pdf, cap_bytes: int) -> str | None:
    """Describe the first stream that decompresses past ``cap_bytes`` (a decompression bomb).

    The whole filter chain is followed (Flate inside Flate, hex or ASCII85 before Flate, a run
    length after it): Flate is inflated in bounded chunks and stopped at the cap, a final run
    length counted, the ASCII filters only shrink; any other filter is decoded by qpdf, a failure
    to find the memory for it counting as a bomb. So the check itself cannot blow up; streams whose compressed data
    are themselves damaged are left to the reader.
    """
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        if obj.get("/Subtype") == "/Image":
            pixels = int(obj.get("/Width", 0)) * int(obj.get("/Height", 0))
            if pixels > _MAX_IMAGE_PIXELS:
                return f"an image of {pixels:,} pixels (object {obj.objgen[0]})"
        filters = obj.get("/Filter")
        if filters is None:
            continue
        chain = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)]
        if not chain or chain[0] not in _FLATE | _ASCII | _RUN_LENGTH:
            continue
        size = _expanded_size(obj, chain, cap_bytes)
        if size is not None and size > cap_bytes:
            return (
                f"a compressed stream (object {obj.objgen[0]}) that expands past "
                f"{cap_bytes // (1 << 20)} MB"
            )
    return None


_ASCII = {"/ASCIIHexDecode", "/AHx", "/ASCII85Decode", "/A85"}
_RUN_LENGTH = {"/RunLengthDecode", "/RL"}


def _expanded_size(obj: pikepdf.Stream, chain: list[str], cap: int) -> int | None:
    """How far the stream expands (stopping just past ``cap``); None when it cannot be decoded."""
    try:
        data = obj.read_raw_bytes()
    except pikepdf.PdfError:
        return None
    for step, name in enumerate(chain):
        if name in _FLATE and step == len(chain) - 1:
            return _inflated_size(data, cap)
        if name in _FLATE:
            data = _inflate(data, cap)
            if data is None or len(data) > cap:
                return None if data is None else len(data)
        elif name in _RUN_LENGTH and step == len(chain) - 1:
            return _run_length_size(data, cap)
        elif name in ("/ASCIIHexDecode", "/AHx"):
            data = _unhex(data)
        elif name in ("/ASCII85Decode", "/A85"):
            data = _un85(data)
        else:  # a filter we do not stream: let qpdf decode the whole chain, if it can
            if step == 0:
                return None
            try:
                return len(obj.read_bytes(pikepdf.StreamDecodeLevel.specialized))
            except MemoryError:
                return cap + 1
            except (pikepdf.PdfError, RuntimeError) as e:  # qpdf's own out-of-memory: bad_alloc
                return cap + 1 if "alloc" in str(e) or "memory" in str(e).lower() else None
        if data is None:
            return None
    return len(data)


def _run_length_size(data: bytes, cap: int) -> int:
    """What a run-length stream decodes to, counted (not decoded), stopping just past ``cap``."""
    i, n, total = 0, len(data), 0
    while i < n and total <= cap:
        length = data[i]
        if length < 128:  # the next length + 1 bytes as they are
            total += length + 1
            i += length + 2
        elif length > 128:  # the next byte 257 - length times
            total += 257 - length
            i += 2
        else:  # end of data
            break
    return total


def _inflated_size(data: bytes, cap: int) -> int | None:
    inflater = zlib.decompressobj()
    total = 0
    try:
        while data and total <= cap:
            total += len(inflater.decompress(data, 1 << 22))
            data = inflater.unconsumed_tail
    except zlib.error:
        return None
    return total


def _inflate(data: bytes, cap: int) -> bytes | None:
    inflater = zlib.decompressobj()
    parts, total = [], 0
    try:
        while data:
            chunk = inflater.decompress(data, 1 << 22)
            parts.append(chunk)
            total += len(chunk)
            if total > cap:
                break
            data = inflater.unconsumed_tail
    except zlib.error:
        return None if not parts else b"".join(parts)
    return b"".join(parts)


def _unhex(data: bytes) -> bytes | None:
    text = bytes(c for c in data.split(b">", 1)[0] if c not in b" \t\r\n\f\0")
    try:
        return bytes.fromhex((text + b"0" * (len(text) % 2)).decode("ascii"))
    except ValueError:
        return None


def _un85(data: bytes) -> bytes | None:
    import base64

    body = data.strip()
    body = body[2:] if body.startswith(b"<~") else body
    body = body.split(b"~>", 1)[0]
    try:
        return base64.a85decode(body, ignorechars=b" \t\r\n\f\0")
    except ValueError:
        return None


def _scan_stream(content, resources, depth: int, seen: set[tuple[int, int]]) -> tuple[bool, bool]:
    has_text = has_images = False
    for instruction in pikepdf.parse_content_stream(content):
        op = str(instruction.operator)
        if op in _TEXT_OPERATORS:
            has_text = True
        elif op == "INLINE IMAGE":
            has_images = True
        elif op == "Do" and resources is not None:
            xobjects = resources.get("/XObject")
            xobject = xobjects.get(instruction.operands[0]) if xobjects is not None else None
            if not isinstance(xobject, pikepdf.Stream):
                continue
            subtype = xobject.get("/Subtype")
            if subtype == "/Image":
                has_images = True
            elif subtype == "/Form" and depth < _MAX_FORM_DEPTH and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                t, i = _scan_stream(xobject, xobject.get("/Resources", resources), depth + 1, seen)
                has_text, has_images = has_text or t, has_images or i
        if has_text:
            break
    return has_text, has_images


def text_layer(pdf: pikepdf.Pdf) -> TextLayer:
    """Scan the pages' content streams until one draws text."""
    has_images = False
    unreadable: list[int] = []
    for number, page in enumerate(pdf.pages, start=1):
        try:
            t, i = _scan_stream(page.obj, page.obj.get("/Resources"), 0, set())
        except (pikepdf.PdfError, ValueError, TypeError, KeyError):
            unreadable.append(number)
            continue
        has_images = has_images or i
        if t:
            return TextLayer(True, has_images, tuple(unreadable))
    return TextLayer(False, has_images, tuple(unreadable))


def damaged_pages(pdf: pikepdf.Pdf) -> list[tuple[int, str]]:
    """Pages whose content stream cannot be decoded: (page number, what is wrong)."""
    damaged = []
    for number, page in enumerate(pdf.pages, start=1):
        contents = page.obj.get("/Contents")
        streams = contents if isinstance(contents, pikepdf.Array) else [contents]
        for stream in streams:
            if not isinstance(stream, pikepdf.Stream):
                continue
            try:
                stream.read_bytes()
            except (pikepdf.PdfError, RuntimeError) as e:
                detail = first_line(e).rsplit(": ", 1)[-1]
                damaged.append((number, detail))
                break
    return damaged


def rewrite(pdf: pikepdf.Pdf, target: Path) -> None:
    """Write a clean copy: rebuilt cross-references, no encryption. The input is never touched."""
    pdf.save(target, encryption=False, fix_metadata_version=False)


def rotated_pages(pdf: pikepdf.Pdf) -> list[int]:
    """Pages shown turned (``/Rotate`` of 90, 180 or 270): their text runs sideways as drawn."""
    return [n for n, page in enumerate(pdf.pages, start=1) if _rotation(page) % 360]


def _rotation(page: pikepdf.Page) -> int:
    try:
        return int(page.obj.get("/Rotate", 0))
    except (TypeError, ValueError):
        return 0


def without_rotation(pdf: pikepdf.Pdf, target: Path) -> None:
    """Write a copy of ``pdf`` whose pages are not turned (``/Rotate`` removed): text drawn
    upright on a page that is shown turned reads upright again."""
    for page in pdf.pages:
        if "/Rotate" in page.obj:
            del page.obj["/Rotate"]
    pdf.save(target, encryption=False, fix_metadata_version=False)


_INVISIBLE_MODES = {3, 7}  # text render modes that paint nothing (7: clip only)


def _draws_invisible_text(content, resources, depth: int, seen: set[tuple[int, int]]) -> bool:
    for instruction in pikepdf.parse_content_stream(content, "Tr Do"):
        op = str(instruction.operator)
        if op == "Tr" and instruction.operands and int(instruction.operands[0]) in _INVISIBLE_MODES:
            return True
        if op == "Do" and resources is not None and depth < _MAX_FORM_DEPTH:
            xobjects = resources.get("/XObject")
            xobject = xobjects.get(instruction.operands[0]) if xobjects is not None else None
            if (
                isinstance(xobject, pikepdf.Stream)
                and xobject.get("/Subtype") == "/Form"
                and xobject.objgen not in seen
            ):
                seen.add(xobject.objgen)
                inner = xobject.get("/Resources", resources)
                if _draws_invisible_text(xobject, inner, depth + 1, seen):
                    return True
    return False


def invisible_text_pages(pdf: pikepdf.Pdf) -> frozenset[int]:
    """The pages (1-based) that draw text in an invisible render mode: the OCR layer a scanner
    or ocrmypdf lays over a page's image."""
    pages = set()
    for number, page in enumerate(pdf.pages, start=1):
        try:
            if _draws_invisible_text(page.obj, page.obj.get("/Resources"), 0, set()):
                pages.add(number)
        except (pikepdf.PdfError, ValueError, TypeError, KeyError):
            continue
    return frozenset(pages)
