"""A best one-to-one assignment (the Hungarian method), for pairing the goals gone from a period
with the goals new in it on all their evidence at once, rather than greedily pair by pair."""

from __future__ import annotations

import math

_FREE = 0.0  # the gain of leaving a goal unpaired


def best_pairs(gain: list[list[float]]) -> list[tuple[int, int]]:
    """Rows and columns paired one to one so the summed gain is largest; a pair whose gain is
    not above 0 (or is -inf, forbidden) is left out, as is every row or column left over."""
    rows = len(gain)
    cols = len(gain[0]) if rows else 0
    if not rows or not cols:
        return []
    n = rows + cols  # every row and column may also stay free
    big = 1e9
    cost = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i < rows and j < cols:
                g = gain[i][j]
                cost[i][j] = big if g == -math.inf else -max(g, _FREE)
            else:
                cost[i][j] = -_FREE
    assignment = _hungarian(cost)
    return [
        (i, j)
        for i, j in enumerate(assignment[:rows])
        if j < cols and gain[i][j] != -math.inf and gain[i][j] > _FREE
    ]


def _hungarian(cost: list[list[float]]) -> list[int]:
    """Row -> column of a minimum-cost perfect matching of a square matrix (O(n^3))."""
    n = len(cost)
    u = [0.0] * (n + 1)
    v = [0.0] * (n + 1)
    p = [0] * (n + 1)  # column -> row (1-based), 0 = free
    way = [0] * (n + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [math.inf] * (n + 1)
        used = [False] * (n + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], math.inf, 0
            row = cost[i0 - 1]
            for j in range(1, n + 1):
                if not used[j]:
                    cur = row[j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(n + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    out = [0] * n
    for j in range(1, n + 1):
        if p[j]:
            out[p[j] - 1] = j - 1
    return out
