"""A faster reading of page content streams, to the same operators and operands as pdfminer's.

pdfminer parses a content stream one byte state at a time (``PSBaseParser``) and logs every
token; on a notat that is close to half of all reading time. ``FastInterpreter`` tokenizes the
page's streams with one regular expression per token instead, builds the same operand objects
(ints, floats, bytes, ``PSLiteral`` names, lists, dicts, ``PSKeyword`` operators) and calls the
same ``do_*`` methods of ``PDFPageInterpreter`` with them, so everything drawn and measured
after it is unchanged.

It reads the forms that page content is made of. Anything outside them (an inline image, a
string left open, an octal escape past 255, a bracket that closes nothing) makes it hand the
whole stream to pdfminer's own parser before a single operator has run: what pdfminer makes of
an odd stream stays exactly what the page gets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import ClassVar

from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import stream_value
from pdfminer.psparser import KWD, LIT, PSKeyword, keyword_name, literal_name

# One token after any whitespace, NUL bytes and comments (the classes of pdfminer's psparser).
# The groups, in order, are the token kinds _ARRAY ... _OPEN_STRING below.
_TOKEN = re.compile(
    rb"(?:[\s\x00]+|%[^\r\n]*)*"
    rb"(?:"
    # an array of hex strings and numbers only, as most text is shown (TJ), read in one go
    rb"\[((?:\s*(?:<[0-9A-Fa-f]*>|[-+]?[0-9]+(?:\.[0-9]*)?|[-+]?\.[0-9]+))*)\s*\]"
    rb"|([-+0-9][0-9]*(?:\.[0-9]*)?|\.[0-9]*)"  # a number
    rb"|/([^/%\[\]()<>{}\s]*)"  # a name (# escapes decoded below)
    rb"|([A-Za-z][^#/%\[\]()<>{}\s]*)"  # an operator, true or false
    rb"|\(([^()\\]*)\)"  # a plain literal string
    # a hex string, and its '>' unless that begins a '>>' (pdfminer reads '<41>>' as <41> >>)
    rb"|<(?!<)([0-9A-Fa-f\s]*)(?:>(?!>)|(?=[^0-9A-Fa-f\s]))"
    rb"|(<<|>>|[\[\]{}])"  # a dict, array or procedure bracket
    rb"|(>)"  # a '>' that closes nothing: skipped
    rb"|([^(<])"  # any other byte: an operator of its own (', ", *)
    rb"|(\()"  # a literal string with escapes or nested parentheses
    rb"|\Z)",  # end of the content
    re.DOTALL,
)
_ARRAY, _NUMBER, _NAME, _OPERATOR, _STRING, _HEX, _BRACKET, _STRAY, _BYTE, _OPEN_STRING = range(
    1, 11
)
# The items of such an array: a hex string (with its brackets) or a number.
_ARRAY_ITEM = re.compile(rb"(<[0-9A-Fa-f]*>)|([-+]?[0-9]+(?:\.[0-9]*)?|[-+]?\.[0-9]+)")
_SPACE = re.compile(rb"\s")
_NAME_HEX = re.compile(rb"#([0-9a-fA-F]{0,2})")
_STRING_STOP = re.compile(rb"[()\\]")
_ESCAPES = {b"b": 8, b"t": 9, b"n": 10, b"f": 12, b"r": 13, b"(": 40, b")": 41, b"\\": 92}
_BRACKET_KIND = {b"[": "a", b"{": "p", b"<<": "d"}
_CLOSES = {b"]": "a", b"}": "p", b">>": "d"}
# pdfminer's parser reads an inline image (BI ... ID data EI) itself, and drops an ID outside one.
_LEFT_TO_PDFMINER = {KWD(b"BI"), KWD(b"ID")}


class _Unsupported(Exception):
    """The stream holds a form this tokenizer leaves to pdfminer."""


def _name(raw: bytes):
    if b"#" in raw:
        raw = _NAME_HEX.sub(lambda m: bytes((int(m[1], 16),)) if m[1] else b"", raw)
    try:
        return LIT(str(raw, "utf-8"))
    except UnicodeDecodeError:
        return LIT(raw)


def _hex(raw: bytes) -> bytes:
    if len(raw) % 2 == 0 and raw.isalnum():  # the usual case: hex digits only, in pairs
        return bytes.fromhex(raw.decode("ascii"))
    digits = _SPACE.sub(b"", raw)
    if len(digits) % 2:  # pdfminer reads a lone last digit as the byte of its own value
        return bytes.fromhex(digits[:-1].decode()) + bytes((int(digits[-1:], 16),))
    return bytes.fromhex(digits.decode())


def _string(data: bytes, pos: int) -> tuple[bytes, int]:
    """The literal string opened just before ``pos``, read as pdfminer reads it, and where the
    content goes on after it."""
    out = bytearray()
    depth = 1
    while True:
        m = _STRING_STOP.search(data, pos)
        if m is None:
            raise _Unsupported("a string left open")
        j = m.start()
        out += data[pos:j]
        c = data[j]
        if c == 0x28:  # (
            depth += 1
            out.append(c)
            pos = j + 1
        elif c == 0x29:  # )
            depth -= 1
            if depth == 0:
                return bytes(out), j + 1
            out.append(c)
            pos = j + 1
        else:  # a backslash
            k = j + 1
            digits = 0
            while digits < 3 and k < len(data) and 0x30 <= data[k] <= 0x37:
                k += 1
                digits += 1
            if digits:
                code = int(data[j + 1 : k], 8)
                if code > 255:
                    raise _Unsupported("an octal escape past 255")
                out.append(code)
                pos = k
            elif k >= len(data):
                raise _Unsupported("a string left open")
            else:
                esc = data[k : k + 1]
                if esc in _ESCAPES:
                    out.append(_ESCAPES[esc])
                elif esc == b"\r" and data[k + 1 : k + 2] == b"\n":
                    k += 1
                pos = k + 1  # any other escaped byte is dropped, as pdfminer drops it


def tokenize(data: bytes) -> list:
    """The stream's operands and operators in order, as pdfminer's ``PDFContentParser`` hands
    them to the interpreter. Raises _Unsupported for what it leaves to pdfminer."""
    out: list = []
    frames: list[tuple[str, list]] = []  # open arrays, dicts and procedures
    current = out
    pos = 0
    match = _TOKEN.match
    while True:
        m = match(data, pos)
        if m is None:  # only a '<' can stop it: a hex string the content ends in
            raise _Unsupported("a hex string left open")
        pos = m.end()
        kind = m.lastindex
        if kind is None:  # end of the content; what is still open is lost, as in pdfminer
            return out
        token = m[kind]
        if kind == _ARRAY:
            current.append(
                [
                    _hex(h[1:-1]) if h else float(n) if b"." in n else int(n)
                    for h, n in _ARRAY_ITEM.findall(token)
                ]
            )
        elif kind == _NUMBER:
            try:  # noqa: SIM105 - a hot line of the loop; suppress() costs a call
                current.append(float(token) if b"." in token else int(token))
            except ValueError:
                pass  # a lone sign or dot: pdfminer drops it
        elif kind == _OPERATOR:
            if token == b"true":
                current.append(True)
            elif token == b"false":
                current.append(False)
            else:
                keyword = KWD(token)
                if keyword in _LEFT_TO_PDFMINER:
                    raise _Unsupported("an inline image")
                current.append(keyword)
        elif kind == _HEX:
            current.append(_hex(token))
        elif kind == _NAME:
            current.append(_name(token))
        elif kind == _STRING:
            current.append(token)
        elif kind == _BRACKET:
            opened = _BRACKET_KIND.get(token)
            if opened is not None:
                frames.append((opened, current))
                current = []
                continue
            if not frames or frames[-1][0] != _CLOSES[token]:
                raise _Unsupported("a bracket that closes nothing open")
            opened, outer = frames.pop()
            if opened == "d":
                if len(current) % 2:  # pdfminer raises, after what came before has run
                    raise _Unsupported("a dictionary with a key and no value")
                pairs = zip(current[::2], current[1::2], strict=True)
                value = {literal_name(k): v for k, v in pairs if v is not None}
            else:
                value = current
            current = outer
            current.append(value)
        elif kind == _BYTE:
            current.append(KWD(token))
        elif kind == _OPEN_STRING:
            text, pos = _string(data, pos)
            current.append(text)
        # _STRAY: a '>' that closes nothing is skipped


def _method_name(keyword: PSKeyword) -> str:
    name = keyword_name(keyword)
    return "do_" + name.replace("*", "_a").replace('"', "_w").replace("'", "_q")


class FastInterpreter(PDFPageInterpreter):
    """``PDFPageInterpreter`` with the content tokenized by ``tokenize``; operators run as
    pdfminer runs them (an operator with too few operands takes what there is and does nothing;
    an unknown one leaves its operands on the stack)."""

    _operators: ClassVar[dict[PSKeyword, tuple[Callable, int] | None]] = {}

    def _operator(self, keyword: PSKeyword) -> tuple[Callable, int] | None:
        known = self._operators.get(keyword, False)
        if known is False:
            func = getattr(type(self), _method_name(keyword), None)
            known = None if func is None else (func, func.__code__.co_argcount - 1)
            self._operators[keyword] = known
        return known  # type: ignore[return-value]

    def execute(self, streams: Sequence[object]) -> None:
        valid = []
        self.stream_ids.clear()
        for obj in streams:
            stream = stream_value(obj)
            if stream.objid is None or stream.objid in self.parent_stream_ids:
                # pdfminer's own execute warns about and skips these; let it.
                return super().execute(streams)
            valid.append(stream)
            self.stream_ids.add(stream.objid)
        if not valid:
            return None
        try:
            # pdfminer ends a token where one stream ends and the next begins, as a newline does.
            tokens = tokenize(b"\n".join(s.get_data() for s in valid))
        except MemoryError:
            raise  # the reader's memory limit: reading it again would only meet it again
        except Exception:
            # A form left to pdfminer, or a stream that does not decode: pdfminer's execute runs
            # what comes before the trouble and then meets it as it always has.
            return super().execute(streams)
        operator = self._operator
        for token in tokens:
            if type(token) is PSKeyword:
                known = operator(token)
                if known is None:
                    continue
                func, nargs = known
                if nargs:
                    stack = self.argstack
                    args = stack[-nargs:]
                    del stack[-nargs:]
                    if len(args) == nargs:
                        func(self, *args)
                else:
                    func(self)
            else:
                self.argstack.append(token)
        return None
