"""Which theme of a notat continues which theme of the previous one, when a new hand renames,
renumbers or splits them.

A theme continues the earlier theme most of its goals come from (counted in rows whose goal
stands in both notats), one to one, the largest shares first; a theme that shares no goal with
any earlier theme continues one whose title it keeps (near-identical title). A theme that
continues none is new (*nyt tema*), and the goals that came into it from elsewhere have *moved*.
So "Tema 3 Det sunde arbejdsliv" renumbered to "Tema 4 Sundhed i arbejdslivet" continues it, its
goals have not moved; a theme split in two continues in the part that keeps most of its goals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pipeline.transform.similarity import likeness

_TITLE_LIKENESS = 0.8  # a renamed theme with no goal in common: its title nearly kept


def continued_themes(
    shared: Iterable[tuple[int, int]],
    old_titles: dict[int, str],
    new_titles: dict[int, str],
) -> dict[int, int]:
    """New theme number -> the old theme number it continues. ``shared`` holds one (old theme,
    new theme) pair per row of a goal that stands in both notats."""
    counts = Counter(shared)
    out: dict[int, int] = {}
    taken: set[int] = set()
    order = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][1] != kv[0][0], kv[0]))
    for (old, new), _ in order:
        if new in out or old in taken or old not in old_titles or new not in new_titles:
            continue
        out[new] = old
        taken.add(old)
    for new, title in sorted(new_titles.items()):
        if new in out:
            continue
        best = max(
            (
                (likeness(old_title, title).score, old)
                for old, old_title in old_titles.items()
                if old not in taken
            ),
            default=None,
        )
        if best is not None and best[0] >= _TITLE_LIKENESS:
            out[new] = best[1]
            taken.add(best[1])
    return out
