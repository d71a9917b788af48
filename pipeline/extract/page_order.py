"""Page order from the printed *Side X af Y*: pages saved out of order are read in their printed
order, and an order that contradicts the printed numbers in another way is flagged.

The pages stream through the reader as before (``PrintedNumbers`` only notes each page's
number as it passes); only when the printed numbers are complete (every page, one each of
1..Y, Y the page count) and out of order are the pages read again, all at once, and put right.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pipeline.extract.primitives import PageLayout

_SIDE = re.compile(r"\bSide\s+(\d{1,4})\s+af\s+(\d{1,4})\b", re.IGNORECASE)


def printed_number(page: PageLayout) -> tuple[int, int] | None:
    """The page's printed (X, Y) of *Side X af Y*: the last on the page (the footer). The words
    are taken as the reader grouped them (a footer's words stay together), not sorted."""
    found = _SIDE.findall(" ".join(w.text for w in page.words))
    return (int(found[-1][0]), int(found[-1][1])) if found else None


@dataclass(frozen=True)
class PageOrder:
    order: tuple[int, ...] = ()  # physical page numbers in printed order, when to put right
    # The first page whose printed *Side X af Y* contradicts the order, when it cannot be put
    # right: (its page in the file, X, Y); None when the order is right or was put right.
    contradicted: tuple[int, int, int] | None = None


class PrintedNumbers:
    """Pass the pages through, noting each one's printed number."""

    def __init__(self, pages: Iterable[PageLayout]) -> None:
        self._pages = iter(pages)
        self.numbers: list[tuple[int, tuple[int, int] | None]] = []

    def __iter__(self) -> Iterator[PageLayout]:
        return self

    def __next__(self) -> PageLayout:
        page = next(self._pages)
        self.numbers.append((page.number, printed_number(page)))
        return page

    def verdict(self) -> PageOrder:
        n = len(self.numbers)
        printed = [(physical, xy) for physical, xy in self.numbers if xy is not None]
        if len(printed) < 2:
            return PageOrder()
        xs = [xy[0] for _, xy in printed]
        if xs == sorted(xs) and len(set(xs)) == len(xs):
            return PageOrder()
        complete = len(printed) == n and sorted(xs) == list(range(1, n + 1))
        if complete and all(xy[1] == n for _, xy in printed):
            order = tuple(physical for physical, _ in sorted(printed, key=lambda p: p[1][0]))
            return PageOrder(order)
        first = next(
            (physical, xy) for (physical, xy), (_, prev) in zip(printed[1:], printed, strict=False)
            if xy[0] <= prev[0]
        )  # fmt: skip
        return PageOrder((), (first[0], *first[1]))


def in_printed_order(pages: Iterable[PageLayout], order: tuple[int, ...]) -> list[PageLayout]:
    """The pages in printed order, numbered by their printed numbers."""
    by_number = {page.number: page for page in pages}
    return [
        dataclasses.replace(by_number[physical], number=printed)
        for printed, physical in enumerate(order, start=1)
    ]
