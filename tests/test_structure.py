"""The house rules of the code, checked on its source: what a newcomer may rely on.

- The reader's tolerances come in by one door (``ReaderSettings``): no number in
  ``pipeline/extract/`` outside ``settings.py`` may decide a distance, a share or a size, other
  than 0 and 1 and a module's named constants (a unit of the layout, a rounding).
- Every settings class of the pipeline (the reader's, the OCR's, the reconciliation's, the
  run's limits) is checked by the one validator (``pipeline.settings.Settings``), which refuses
  a bad value with one error type, ``SettingsError``.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import pkgutil
from pathlib import Path

import pytest

import pipeline
from pipeline.settings import Settings, SettingsError

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


def _settings_classes() -> list[type]:
    """Every dataclass of the pipeline whose name says it holds settings or limits."""
    found = {}
    for info in pkgutil.walk_packages(pipeline.__path__, "pipeline."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (isinstance(value, type) and dataclasses.is_dataclass(value)
                    and value is not Settings and value.__module__ == module.__name__
                    and (name.endswith(("Settings", "Weights")) or name == "Limits")):  # fmt: skip
                found[f"{value.__module__}.{name}"] = value
    return [found[k] for k in sorted(found)]


SETTINGS_CLASSES = _settings_classes()


def test_every_settings_class_is_found():
    names = {c.__name__ for c in SETTINGS_CLASSES}
    assert {"ReaderSettings", "OcrSettings", "ReconcileSettings", "Limits", "RowWeights"} <= names


@pytest.mark.parametrize("cls", SETTINGS_CLASSES, ids=lambda c: c.__name__)
def test_every_settings_class_has_the_one_validator(cls):
    assert issubclass(cls, Settings)
    numbers = [
        f for f in dataclasses.fields(cls) if not isinstance(getattr(cls(), f.name), Settings)
    ]
    if not numbers:  # a group of groups: each group is checked when it is made
        return
    first = numbers[0]
    with pytest.raises(SettingsError, match=first.name):
        cls(**{first.name: "much"})
    with pytest.raises(SettingsError, match=first.name):
        cls(**{first.name: float("nan")})
