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

    Decompression is done in bounded chunks and stopped at the cap, so the check itself cannot
    blow up; streams whose compressed data are themselves damaged are left to the reader.
    """
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        if obj.get("/Subtype") == "/Image":
            pixels = int(obj.get("/Width", 0)) * int(obj.get("/Height", 0))
            if pixels > _MAX_IMAGE_PIXELS:
                return f"an image of {pixels:,} pixels (object {obj.objgen[0]})"
        filters = obj.get("/Filter")
        if isinstance(filters, pikepdf.Array):
            filters = filters[0] if len(filters) else None
        if filters is None or str(filters) not in _FLATE:
            continue
        try:
            data = obj.read_raw_bytes()
        except pikepdf.PdfError:
            continue
        inflater = zlib.decompressobj()
        total = 0
        try:
            while data:
                total += len(inflater.decompress(data, 1 << 22))
                if total > cap_bytes:
                    return (
                        f"a compressed stream (object {obj.objgen[0]}) that expands past "
                        f"{cap_bytes // (1 << 20)} MB"
                    )
                data = inflater.unconsumed_tail
        except zlib.error:
            continue
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
