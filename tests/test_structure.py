"""The house rules of the code, checked on its source: what a newcomer may rely on.

- The reader's tolerances come in by one door (``ReaderSettings``): no number in
  ``pipeline/extract/`` outside ``settings.py`` may decide a distance, a share or a size, other
  than 0 and 1 and a module's named constants (a unit of the layout, a rounding).
"""

from __future__ import annotations

import ast
from pathlib import Path

EXTRACT = Path(__file__).resolve().parents[1] / "pipeline" / "extract"


def _bare_floats(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    named = {
        id(node)
        for statement in tree.body
        if isinstance(statement, ast.Assign | ast.AnnAssign)
        for node in ast.walk(statement)
    }
    return [
        f"{path.name}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, float)
        and node.value not in (0.0, 1.0)
        and id(node) not in named
    ]


def test_no_bare_tolerance_in_the_reader():
    found = [bare for path in sorted(EXTRACT.glob("*.py")) if path.name != "settings.py"
             for bare in _bare_floats(path)]  # fmt: skip
    assert not found, "tolerances belong in pipeline/extract/settings.py:\n" + "\n".join(found)


def test_the_check_finds_a_bare_tolerance(tmp_path):
    """The check above can fail: a number inside a function is found, a named one is not."""
    source = tmp_path / "step.py"
    source.write_text("_GAP = 0.4\n\ndef near(a, b, size):\n    return abs(a - b) < 0.3 * size\n")
    assert _bare_floats(source) == ["step.py:4: 0.3"]
