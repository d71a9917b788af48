"""The shape STYLE.md asks for, enforced: stages don't import each other, one importer per library."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PIPELINE = Path(__file__).resolve().parents[1] / "pipeline"
STAGES = ("extract", "transform", "write", "ingest")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules() -> dict[str, set[str]]:
    return {str(p.relative_to(PIPELINE)): _imports(p) for p in PIPELINE.rglob("*.py")}


@pytest.mark.parametrize(
    ("library", "allowed"),
    [
        ("pdfplumber", {"extract/pdf.py"}),
        ("docx", {"write/docx_report.py"}),
        ("reportlab", {"write/pdf_report.py"}),
        ("uharfbuzz", {"write/shaping.py"}),
        # the Danish patterns: for a hyphen read at a line end, and for where a line may break
        ("pyphen", {"extract/hyphens.py", "write/linebreak.py"}),
    ],
)
def test_only_one_module_imports_each_document_library(library, allowed):
    importers = {
        mod
        for mod, names in _modules().items()
        if any(n == library or n.startswith(library + ".") for n in names)
    }
    assert importers <= allowed, f"{library} imported outside {allowed}: {importers - allowed}"


def test_stages_do_not_import_their_siblings():
    offenders = []
    for mod, names in _modules().items():
        stage = mod.split("/")[0]
        if stage not in STAGES:
            continue
        for name in names:
            parts = name.split(".")
            if (
                parts[0] == "pipeline"
                and len(parts) > 1
                and parts[1] in STAGES
                and parts[1] != stage
            ):
                offenders.append(f"{mod} imports {name}")
    # The ingest stage runs extraction in a child process: that one edge is its purpose.
    offenders = [o for o in offenders if not o.startswith("ingest/") or "pipeline.extract" not in o]
    assert not offenders, offenders


def test_only_run_calls_more_than_one_stage():
    """run.py calls the stages; stages.py only names the entry point of each that it calls (the
    real ``Stages``, which a test replaces with its own)."""
    callers = {}
    for mod, names in _modules().items():
        used = {n.split(".")[1] for n in names if n.startswith("pipeline.") and n.count(".") >= 1}
        stages = used & set(STAGES)
        if mod.startswith("ingest/"):
            stages -= {"extract"}  # ingest exists to run extraction in an isolated child process
        if len(stages) > 1:
            callers[mod] = stages
    assert set(callers) <= {"run.py", "stages.py"}, callers
