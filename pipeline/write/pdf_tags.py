"""The logical structure of a tagged PDF (ISO 32000-1 §14.7–14.8, PDF/UA-1), kept apart from the
drawing so that ``pdf_report`` only says *what* each piece of drawn content is.

While reportlab draws, ``pdf_report`` wraps every piece of real content in a marked-content
sequence (``/P <</MCID 3>> BDC … EMC``) handed out by ``ContentMarks`` and everything else (page
footer, table rules and shading, a table header repeated on a later page) in an ``/Artifact``
sequence. The structure elements (``StructNode``) are made beforehand, in the order of the
document description, so the structure tree's order is the reading order whatever order the
pages are drawn in. ``finish`` then writes the tree into the file with pikepdf: the
``/StructTreeRoot`` with its ``/ParentTree``, ``/StructParents`` and tab order on each page,
``/MarkInfo``, ``/DisplayDocTitle`` and XMP metadata with the title and the PDF/UA
identification.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name

__all__ = ["SOFT_HYPHEN", "ContentMarks", "StructNode", "finish"]

# A hyphen the layout inserted at a line end is text U+00AD (ISO 32000-1 §14.8.2.2.3): a screen
# reader and a copy-paste read the word whole, the page shows a hyphen.
SOFT_HYPHEN = "\u00ad"
PDFUA_PART = "1"


@dataclass(frozen=True)
class MarkedContent:
    """One marked-content sequence: its page (0-based) and its id on that page."""

    page: int
    mcid: int


@dataclass(eq=False)
class StructNode:
    """A structure element: a standard type (``Document``, ``H1``, ``P``, ``Table``, ``TH``…) and
    its children, structure elements and marked content, in reading order."""

    role: str
    kids: list[StructNode | MarkedContent] = field(default_factory=list)
    alt: str = ""  # a Figure's alternative text
    scope: str = ""  # a TH's scope: Column or Row
    # a Figure's box on its page, in points: (page, x0, y0, x1, y1)
    bbox: tuple[int, float, float, float, float] | None = None

    def add(self, role: str, **kw) -> StructNode:
        node = StructNode(role, **kw)
        self.kids.append(node)
        return node

    def first_page(self) -> int | None:
        """The page its content starts on (its own or its descendants')."""
        pages = [k.page if isinstance(k, MarkedContent) else k.first_page() for k in self.kids]
        return min((p for p in pages if p is not None), default=None)


class ContentMarks:
    """The marked-content ids of each page, as they are handed out while drawing; the id is the
    index into the page's list of the elements it belongs to (the page's ``/ParentTree`` entry)."""

    def __init__(self) -> None:
        self.owners: dict[int, list[StructNode]] = {}

    def begin(self, node: StructNode, page: int) -> str:
        """The operator that opens a sequence of ``node``'s content on ``page``."""
        owners = self.owners.setdefault(page, [])
        mcid = len(owners)
        owners.append(node)
        node.kids.append(MarkedContent(page, mcid))
        return f"/{node.role} <</MCID {mcid}>> BDC"

    @staticmethod
    def artifact(kind: str, subtype: str = "") -> str:
        """The operator that opens an artifact: ``Pagination`` (a footer, a repeated table
        header) or ``Layout`` (rules and shading)."""
        sub = f" /Subtype /{subtype}" if subtype else ""
        return f"/Artifact <</Type /{kind}{sub}>> BDC"

    END = "EMC"


@dataclass(frozen=True)
class DocumentInfo:
    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    language: str
    tool: str
    made_on: dt.date


def _element(pdf: pikepdf.Pdf, node: StructNode, parent, pages, parents: dict) -> pikepdf.Object:
    elem = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + node.role), P=parent))
    kids = Array()
    for kid in node.kids:
        if isinstance(kid, MarkedContent):
            page = pages[kid.page]
            kids.append(Dictionary(Type=Name.MCR, Pg=page, MCID=kid.mcid))
            parents.setdefault(kid.page, {})[kid.mcid] = elem
        else:
            kids.append(_element(pdf, kid, elem, pages, parents))
    elem.K = kids
    first_page = node.first_page()
    if first_page is not None:
        elem.Pg = pages[first_page]
    if node.alt:
        elem.Alt = pikepdf.String(node.alt)
    if node.scope:
        elem.A = Dictionary(O=Name.Table, Scope=Name("/" + node.scope))
    if node.bbox:
        _, *box = node.bbox
        elem.A = Dictionary(O=Name.Layout, BBox=Array(box), Placement=Name.Block)
    return elem


def _xmp_date(day: dt.date) -> str:
    return f"{day.isoformat()}T12:00:00+00:00"  # noon UTC, as the PDF's own dates


def finish(
    pdf_bytes: bytes, document: StructNode, marks: ContentMarks, info: DocumentInfo
) -> bytes:
    """``pdf_bytes`` (drawn with marked content by ``marks``) with ``document``'s structure tree,
    the tagged-PDF flags and XMP metadata; the same input gives the same bytes."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        pages = [p.obj for p in pdf.pages]
        root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        parents: dict[int, dict[int, pikepdf.Object]] = {}
        root.K = _element(pdf, document, root, pages, parents)
        nums = Array()
        for i, page in enumerate(pages):
            page.StructParents = i
            page.Tabs = Name.S  # tab order = structure order
            owned = parents.get(i, {})
            assert sorted(owned) == list(range(len(owned))), f"page {i + 1}: MCIDs not dense"
            nums.extend([i, pdf.make_indirect(Array([owned[m] for m in sorted(owned)]))])
        root.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
        root.ParentTreeNextKey = len(pages)
        pdf.Root.StructTreeRoot = root
        pdf.Root.MarkInfo = Dictionary(Marked=True)
        pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        pdf.Root.Lang = pikepdf.String(info.language)
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["dc:title"] = info.title
            meta["dc:creator"] = [info.author]
            meta["dc:description"] = info.subject
            meta["dc:language"] = [info.language]
            meta["pdf:Keywords"] = ", ".join(info.keywords)
            meta["pdf:Producer"] = info.tool
            meta["xmp:CreatorTool"] = info.tool
            meta["xmp:CreateDate"] = _xmp_date(info.made_on)
            meta["xmp:ModifyDate"] = _xmp_date(info.made_on)
            meta["xmp:MetadataDate"] = _xmp_date(info.made_on)
            meta["pdfuaid:part"] = PDFUA_PART
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, min_version="1.7")
    return out.getvalue()
