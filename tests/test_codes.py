"""Every finding code and ingest cause is a member of its type, and has its Danish wording.

The source of pipeline/ is walked with ``ast``: wherever a code or a cause is given as a string
(an argument or field typed ``FindingCode`` or ``Cause``, a keyword, variable or parameter named
``code`` or ``cause``, a value a function typed to return one returns, a dict typed to hold one,
a comparison), the string must be a member of its type; every member must be emitted somewhere;
and every parameter, field or variable named ``code`` or ``cause`` must be typed. So a new code
written anywhere as a loose string fails here, and so does a code nothing gives any more.
"""

from __future__ import annotations

import ast
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pipeline.codes import (
    CAUSES,
    FINDINGS,
    Cause,
    FindingCode,
    decision_file_unread,
    template_fields,
)

PIPELINE = Path(__file__).resolve().parents[1] / "pipeline"
KINDS = {
    "code": frozenset(typing.get_args(FindingCode)),
    "cause": frozenset(typing.get_args(Cause)),
}
_TYPE_OF_KIND = {"code": re.compile(r"\bFindingCode\b"), "cause": re.compile(r"\bCause\b")}
# Calls of Finding.of that hand on a code given elsewhere, and the codes that can reach them
# (none today: every emitter names its code).
_HANDED_ON: dict[str, list[str]] = {}
# A finding's own fields, which every finding template may use besides the emitter's details.
_FINDING_FIELDS = frozenset({"theme_no", "row_no"})


def _kind(annotation: ast.expr | None) -> str | None:
    """ "code" or "cause" when the annotation names the type, else None."""
    if annotation is None:
        return None
    text = ast.unparse(annotation)
    return next((kind for kind, pattern in _TYPE_OF_KIND.items() if pattern.search(text)), None)


def _name(node: ast.expr) -> str:
    """The last name of ``f``, ``obj.f``, ``a.b.f``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _strings(node: ast.expr | None) -> Iterator[str]:
    """The string constants an expression can evaluate to (through ``a if c else b``, ``a or
    b``) or holds (a tuple, set, list or frozenset of them)."""
    if node is None:
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _strings(value)
    elif isinstance(node, ast.Tuple | ast.Set | ast.List):
        for element in node.elts:
            yield from _strings(element)
    elif isinstance(node, ast.Call) and _name(node.func) in ("frozenset", "set", "tuple"):
        for arg in node.args:
            yield from _strings(arg)


def _tuple_index(annotation: ast.expr, *, inside: str = "") -> tuple[str, int] | None:
    """(kind, index) of the code in a ``tuple[...]`` annotation (in a ``dict[..., tuple]``'s
    value when ``inside`` is "dict")."""
    node = annotation
    if inside == "dict":
        if not (isinstance(node, ast.Subscript) and _name(node.value) == "dict"):
            return None
        elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else []
        if len(elements) != 2:
            return None
        node = elements[1]
    while isinstance(node, ast.BinOp):  # tuple[...] | None
        node = node.left
    if isinstance(node, ast.Subscript) and _name(node.value) == "tuple":
        elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        for i, element in enumerate(elements):
            kind = _kind(element)
            if kind:
                return kind, i
    return None


@dataclass
class _Slot:
    kind: str
    index: int | None  # positional index, None when keyword only
    name: str


@dataclass
class _Walk:
    """What the source says: the typed slots of callables by name, and every string given as a
    code or cause where it was given."""

    slots: dict[str, list[_Slot]] = field(default_factory=dict)
    returns: dict[int, tuple[str, int | None]] = field(default_factory=dict)  # def → kind, index
    dict_values: dict[str, tuple[str, int]] = field(default_factory=dict)  # name → kind, index
    untyped: list[str] = field(default_factory=list)
    emitted: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: {"code": {}, "cause": {}}
    )
    referenced: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: {"code": {}, "cause": {}}
    )
    calls: list[tuple[str, ast.Call, str]] = field(default_factory=list)  # callee, call, where


def _modules() -> list[tuple[str, ast.Module]]:
    return [
        (str(path.relative_to(PIPELINE.parent)), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(PIPELINE.rglob("*.py"))
        if path.name != "codes.py"
    ]


def _is_record(cls: ast.ClassDef) -> bool:
    """A dataclass or a NamedTuple: its annotated fields are its constructor's arguments."""
    decorated = any(_name(d.func if isinstance(d, ast.Call) else d) == "dataclass"
                    for d in cls.decorator_list)  # fmt: skip
    return decorated or any(_name(b) == "NamedTuple" for b in cls.bases)


def _declare(walk: _Walk, where: str, tree: ast.Module) -> None:
    """The typed slots of every function, method and record, and the untyped names."""

    def params(func: ast.FunctionDef | ast.AsyncFunctionDef, method: bool) -> list[_Slot]:
        positional = [*func.args.posonlyargs, *func.args.args]
        if method and not any(_name(d) == "staticmethod" for d in func.decorator_list):
            positional = positional[1:]
        slots = []
        for i, arg in enumerate(positional):
            slots.append(_Slot(_kind(arg.annotation) or "", i, arg.arg))
        slots += [_Slot(_kind(a.annotation) or "", None, a.arg) for a in func.args.kwonlyargs]
        for arg in [*positional, *func.args.kwonlyargs]:
            if arg.arg in KINDS and _kind(arg.annotation) != arg.arg:
                walk.untyped.append(f"{where}:{arg.lineno} parameter {arg.arg} of {func.name}")
        return slots

    def visit(node: ast.AST, in_class: ast.ClassDef | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                if _is_record(child):
                    fields = [
                        s for s in child.body
                        if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
                        and "ClassVar" not in ast.unparse(s.annotation)
                    ]  # fmt: skip
                    walk.slots.setdefault(child.name, []).extend(
                        _Slot(_kind(f.annotation) or "", i, f.target.id)  # type: ignore[union-attr]
                        for i, f in enumerate(fields)
                    )
                visit(child, child)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                slots = params(child, in_class is not None)
                name = child.name
                if name == "__init__" and in_class is not None:
                    name = in_class.name
                walk.slots.setdefault(name, []).extend(slots)
                if child.returns is not None:
                    kind = _kind(child.returns)
                    if kind:
                        index = _tuple_index(child.returns)
                        walk.returns[id(child)] = (kind, index[1] if index else None)
                visit(child, None)
            else:
                if isinstance(child, ast.AnnAssign):
                    target = _name(child.target)
                    index = _tuple_index(child.annotation, inside="dict")
                    if index:
                        walk.dict_values[target] = index
                    if target in KINDS and _kind(child.annotation) != target:
                        walk.untyped.append(f"{where}:{child.lineno} {target} is not typed")
                visit(child, in_class)

    visit(tree, None)


def _give(walk: _Walk, kind: str, node: ast.expr | None, where: str, *, emitted: bool) -> None:
    book = walk.emitted if emitted else walk.referenced
    for value in _strings(node):
        if kind == "cause" and value == "":
            continue  # no cause: the file was read
        book[kind].setdefault(value, []).append(where)


def _use(walk: _Walk, where: str, tree: ast.Module) -> None:
    """Every string given where a code or a cause goes."""
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for func in functions:
        typed = walk.returns.get(id(func))
        if typed is None:
            continue
        kind, index = typed
        for node in ast.walk(func):
            if isinstance(node, ast.Return) and node.value is not None:
                value = node.value
                if index is not None and isinstance(value, ast.Tuple):
                    value = value.elts[index] if index < len(value.elts) else None
                elif index is not None:
                    continue
                _give(walk, kind, value, f"{where}:{node.lineno}", emitted=True)
    for node in ast.walk(tree):
        at = f"{where}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call):
            callee = _name(node.func)
            slots = walk.slots.get(callee, [])
            by_index = {s.index: s for s in slots if s.index is not None and s.kind}
            by_name = {s.name: s for s in slots if s.kind}
            for i, arg in enumerate(node.args):
                if isinstance(arg, ast.Starred):
                    break
                if i in by_index:
                    _give(walk, by_index[i].kind, arg, at, emitted=True)
            for keyword in node.keywords:
                slot = by_name.get(keyword.arg or "")
                kind = slot.kind if slot else keyword.arg if keyword.arg in KINDS else None
                if kind:
                    _give(walk, kind, keyword.value, at, emitted=True)
            if callee:
                walk.calls.append((callee, node, at))
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in KINDS:
                    _give(walk, target.id, node.value, at, emitted=True)
                elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    for t, v in zip(target.elts, node.value.elts, strict=False):
                        if isinstance(t, ast.Name) and t.id in KINDS:
                            _give(walk, t.id, v, at, emitted=True)
                elif isinstance(target, ast.Subscript) and isinstance(node.value, ast.Tuple):
                    typed = walk.dict_values.get(_name(target.value))
                    if typed and typed[1] < len(node.value.elts):
                        _give(walk, typed[0], node.value.elts[typed[1]], at, emitted=True)
            if isinstance(node, ast.AnnAssign) and _tuple_index(node.annotation) is None:
                kind = _kind(node.annotation)
                if kind and _name(node.target) not in KINDS:  # a collection of codes
                    _give(walk, kind, node.value, at, emitted=False)
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            kinds = {_name(s) for s in sides} & set(KINDS)
            for kind in kinds:
                for side in sides:
                    if _name(side) not in KINDS:
                        _give(walk, kind, side, at, emitted=False)


@pytest.fixture(scope="module")
def walk() -> _Walk:
    walk = _Walk()
    modules = _modules()
    for where, tree in modules:
        _declare(walk, where, tree)
    for where, tree in modules:
        _use(walk, where, tree)
    return walk


@pytest.mark.parametrize("kind", ["code", "cause"])
def test_every_code_given_is_a_member_of_its_type(walk, kind):
    given = {**walk.emitted[kind], **walk.referenced[kind]}
    loose = {value: places for value, places in given.items() if value not in KINDS[kind]}
    assert not loose, f"{kind}s that are no member of their type: {loose}"


@pytest.mark.parametrize("kind", ["code", "cause"])
def test_every_member_is_given_somewhere(walk, kind):
    dead = KINDS[kind] - set(walk.emitted[kind])
    assert not dead, f"{kind}s that nothing gives any more (remove them): {sorted(dead)}"


def test_every_parameter_field_and_variable_named_code_or_cause_is_typed(walk):
    assert not walk.untyped, walk.untyped


def test_every_finding_is_made_from_its_code(walk):
    """No finding is built with a message of its own: ``Finding.of`` words it from the table."""
    built = [at for callee, _, at in walk.calls if callee == "Finding"]
    assert not [at for at in built if not at.startswith("pipeline/model.py")], built


def test_the_walk_finds_the_known_emitters(walk):
    """The walk itself reads what it must (so the tests above cannot pass by finding nothing)."""
    assert "ocr_doubt" in walk.emitted["code"]  # Finding.of(...) in ingest
    assert "competing_notats" in walk.emitted["code"]  # in transform
    assert "no_goal_table" in walk.emitted["code"]  # in extract
    assert "duplicate" in walk.emitted["cause"]  # IngestEntry(...) in the run
    assert "competing" in walk.emitted["cause"]  # a dict of (status, cause, reason)
    assert "empty" in walk.emitted["cause"]  # returned as (cause, why)
    assert "encoding" in walk.emitted["cause"]  # a decision file's
    assert "timeout" in walk.referenced["cause"]  # NOT_CACHED


def test_a_loose_code_would_fail(tmp_path, monkeypatch):
    """A new code written as a string where a finding's code goes, and a cause given to an
    untyped parameter, are both caught."""
    source = (
        "from pipeline.codes import FindingCode\n"
        "from pipeline.model import Finding\n"
        "def emit(doc_id):\n"
        "    return Finding.of('brand_new_code', doc_id)\n"
        "def other(cause: str):\n"
        "    return cause == 'not_a_cause'\n"
    )
    walk = _Walk()
    for where, tree in _modules():
        _declare(walk, where, tree)
    probe = ast.parse(source)
    _declare(walk, "probe.py", probe)
    _use(walk, "probe.py", probe)
    assert "brand_new_code" in walk.emitted["code"]
    assert "not_a_cause" in walk.referenced["cause"]
    assert any("parameter cause of other" in u for u in walk.untyped)


# --------------------------------------------------------------------------- the wordings


def test_every_code_and_cause_has_its_danish_wording_and_no_wording_is_without_one():
    assert set(FINDINGS) == KINDS["code"]
    assert set(CAUSES) == KINDS["cause"]
    for code, text in FINDINGS.items():
        assert text.severity in ("error", "warning", "info"), code
        assert text.variants() and all(t.strip() for t in text.variants().values()), code
    for cause, text in CAUSES.items():
        assert text.text or text.decision_variants(), f"{cause} has no Danish wording"
        assert all(t.strip() for t in text.decision_variants().values()), cause


def test_every_finding_emitter_gives_the_details_its_template_asks_for(walk):
    """``Finding.of(code, …, variant=…, **details)``: the details named are exactly the fields of
    the template (of each variant the call may choose), so no message can lack a field or
    silently drop a detail."""
    checked = 0
    for callee, call, at in walk.calls:
        if callee != "of" or _name(call.func.value) != "Finding":  # type: ignore[attr-defined]
            continue
        assert not any(k.arg is None for k in call.keywords), f"{at}: details given by **"
        codes = list(_strings(call.args[0])) if call.args else []
        if not codes:  # a code handed on: the codes that can reach the call, named here
            codes = _HANDED_ON.get(at.split(":")[0], [])
        assert codes, f"{at}: the code is not given as a string"
        variant = next((k.value for k in call.keywords if k.arg == "variant"), None)
        variants = list(_strings(variant)) if variant is not None else [""]
        given = {k.arg for k in call.keywords if k.arg != "variant"}
        for code in codes:
            templates = FINDINGS[code].variants()  # type: ignore[index]
            for v in variants:
                assert v in templates, f"{at}: {code} has no variant {v!r}"
                wanted = template_fields(templates[v]) - _FINDING_FIELDS
                assert given == wanted, f"{at}: {code}/{v}: gives {given}, template asks {wanted}"
                checked += 1
    assert checked >= 35


def test_every_decision_file_cause_is_given_the_details_its_wording_asks_for(walk):
    checked = 0
    for callee, call, at in walk.calls:
        if callee != "_Unread":
            continue
        causes = list(_strings(call.args[0]))
        variant = call.args[2] if len(call.args) > 2 else None
        variants = list(_strings(variant)) if variant is not None else [""]
        given = {k.arg for k in call.keywords}
        for cause in causes:
            texts = CAUSES[cause].decision_variants()  # type: ignore[index]
            for v in variants:
                assert v in texts or not texts.get(v), f"{at}: {cause} has no variant {v!r}"
                wanted = template_fields(texts.get(v, ""))
                assert given == wanted, f"{at}: {cause}/{v}: gives {given}, wording asks {wanted}"
                checked += 1
    assert checked >= 10


def test_a_decision_file_not_used_says_why_in_danish():
    assert decision_file_unread("too_many_rows", "lines", count="12.000", limit="10.000") == (
        "Filen kunne ikke læses: den har 12.000 linjer, flere end grænsen på 10.000. Ingen af "
        "filens afgørelser er brugt."
    )
    # a cause with no words of its own for a decision file: its whole text
    assert decision_file_unread("timeout") == (
        "Filen kunne ikke læses: læsningen tog længere tid end tilladt og blev stoppet. Ingen af "
        "filens afgørelser er brugt."
    )
