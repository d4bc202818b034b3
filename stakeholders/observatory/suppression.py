"""Publishing without exposing anyone: small cells suppressed, and enough others beside them
that no suppressed cell can be recomputed from the totals of its rows and columns.

Primary suppression hides a cell whose size (a count, a rate's denominator) is under the
minimum, and so does a cell whose rows outside the caller's own scope are fewer than the
minimum (a party that knows its own rows could otherwise subtract them from the cell and
learn the others': the dominance rule of statistics offices). The totals of a line of cells
(the cells that differ in one dimension only) are published too, by the query without that
dimension, unless that total is itself suppressed as small. Each line whose total is
published is then an equation over its suppressed cells; a suppressed cell is exposed when
those equations determine it (a line with one suppressed cell is the simple case; two such
lines can pin a cell down together). Complementary suppression hides more cells around each
exposed one (see `suppress`) until none is exposed. Cells the caller reads unsuppressed (its
own scope) count as known.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import product

__all__ = ["Grid", "exposed", "suppress"]

# A prime beyond any coefficient: elimination modulo it finds every cell determined over the
# rationals (and, rarely, more: then a cell more is hidden, never one fewer).
PRIME = (1 << 61) - 1


@dataclass
class Grid:
    """The cells of one indicator: `keys[i]` the dimension values of cell i, `sizes[i]` what
    decides its smallness, `outside[i]` how many of its rows are outside the caller's own
    scope (0: the caller reads it raw), `outside_sizes[i]` the part of its size those rows
    make, and `line_axes` the positions in a key along which lines run."""

    keys: Sequence[tuple[object, ...]]
    sizes: Sequence[float]
    outside: Sequence[int]
    outside_sizes: Sequence[float]
    line_axes: Sequence[int]
    # Each line's cells, by axis and the key without that axis (built on first use).
    _lines: dict[tuple[int, tuple[object, ...]], list[int]] = field(
        default_factory=dict, init=False, repr=False
    )

    def line(self, axis: int, key: tuple[object, ...]) -> list[int]:
        """The cells that differ from `key` along `axis` only (and the cell itself)."""
        if not self._lines:
            for a in self.line_axes:
                for i, k in enumerate(self.keys):
                    self._lines.setdefault((a, k[:a] + k[a + 1 :]), []).append(i)
        return self._lines.get((axis, key[:axis] + key[axis + 1 :]), [])

    def known(self, i: int) -> bool:
        return self.outside[i] == 0

    @staticmethod
    def small(size: float, outside: int, beyond: float, minimum: int) -> bool:
        """Whether a cell (or a total) is suppressed: not all the caller's, and small in
        itself or in the part the caller does not know (`beyond`)."""
        return outside > 0 and (size < minimum or beyond < minimum)

    def hides(self, i: int, minimum: int) -> bool:
        return self.small(self.sizes[i], self.outside[i], self.outside_sizes[i], minimum)

    def lines(self, minimum: int) -> list[list[int]]:
        """The lines whose totals are published (the query without that dimension would not
        suppress them as small)."""
        out: list[list[int]] = []
        for axis in self.line_axes:
            grouped: dict[tuple[object, ...], list[int]] = defaultdict(list)
            for i, key in enumerate(self.keys):
                grouped[key[:axis] + key[axis + 1 :]].append(i)
            for cells in grouped.values():
                size = sum(self.sizes[i] for i in cells)
                outside = sum(self.outside[i] for i in cells)
                beyond = sum(self.outside_sizes[i] for i in cells)
                if not self.small(size, outside, beyond, minimum):
                    out.append(cells)
        return out


def suppress(grid: Grid, minimum: int) -> set[int]:
    """The cells to hide: primary, then complementary until none is exposed.

    An exposed cell takes with it the cheapest hypercube it is a corner of (in two
    dimensions a rectangle: a cell beside it in its row, one in its column, and the one at
    their crossing; tau-ARGUS's hypercube method), every corner of which the caller does not
    know; failing one, the smallest published cell of one of its lines. Either way the exact
    check runs again, until it finds nothing."""
    hidden = {i for i in range(len(grid.keys)) if grid.hides(i, minimum)}
    lines = grid.lines(minimum)
    lines_of: dict[int, list[list[int]]] = defaultdict(list)
    for line in lines:
        for i in line:
            lines_of[i].append(line)
    index = {key: i for i, key in enumerate(grid.keys)}
    while True:
        added: set[int] = set()
        for i in sorted(exposed(hidden, lines)):
            if i in added:
                continue
            cube = _hypercube(grid, i, hidden | added, index)
            if cube is None:
                choice = _complement(grid, i, hidden | added, lines_of[i])
                cube = set() if choice is None else {choice}
            added |= cube
        if not added:
            return hidden
        hidden |= added


# Beyond three dimensions the cubes are too many to try: the line rule alone is used.
MAX_CUBE_AXES = 3


def _hypercube(
    grid: Grid, cell: int, hidden: set[int], index: dict[tuple[object, ...], int]
) -> set[int] | None:
    """The cells still published of the cheapest hypercube the cell is a corner of."""
    axes = list(grid.line_axes)
    if not axes or len(axes) > MAX_CUBE_AXES:
        return None
    key = grid.keys[cell]
    # Along each axis, the values of the cells in the cell's own line there.
    values = [
        sorted({grid.keys[j][a] for j in grid.line(a, key)} - {key[a]}, key=repr) for a in axes
    ]
    best: tuple[float, set[int]] | None = None
    for other in product(*values):
        corners = _corners(key, axes, other, index)
        if corners is None or any(grid.known(j) for j in corners):
            continue
        fresh = {j for j in corners if j not in hidden}
        cost = sum(grid.sizes[j] for j in fresh)
        if best is None or cost < best[0]:
            best = (cost, fresh)
    return None if best is None else best[1]


def _corners(
    key: tuple[object, ...],
    axes: Sequence[int],
    other: tuple[object, ...],
    index: dict[tuple[object, ...], int],
) -> list[int] | None:
    """The cells at the corners of the hypercube between `key` and `other` (None when one is
    missing: an empty cell is a known zero, and would give the cube away)."""
    found = []
    for choice in product((False, True), repeat=len(axes)):
        if not any(choice):
            continue
        corner = list(key)
        for axis, value, moved in zip(axes, other, choice, strict=True):
            if moved:
                corner[axis] = value
        at = index.get(tuple(corner))
        if at is None:
            return None
        found.append(at)
    return found


def _complement(grid: Grid, cell: int, hidden: set[int], lines: Iterable[list[int]]) -> int | None:
    """The smallest cell still published in one of the cell's lines (None: none is left)."""
    candidates = [
        (grid.sizes[j], grid.keys[j].__repr__(), j)
        for line in lines
        for j in line
        if j not in hidden and not grid.known(j)
    ]
    return min(candidates)[2] if candidates else None


def exposed(hidden: set[int], lines: Iterable[Sequence[int]]) -> set[int]:
    """The hidden cells that the published totals of `lines` determine, all other cells
    being known: those whose unit vector lies in the span of the lines' equations."""
    rows = [{i: 1 for i in line if i in hidden} for line in lines]
    return {i for i in _unit_rows(r for r in rows if r)}


def _unit_rows(rows: Iterable[dict[int, int]]) -> set[int]:
    """Gauss-Jordan elimination of sparse rows modulo PRIME; the pivots whose reduced row is
    their unit vector alone (each such variable is determined)."""
    pivots: dict[int, dict[int, int]] = {}
    for row in rows:
        row = _reduce(dict(row), pivots)
        if not row:
            continue
        pivot = min(row)
        inverse = pow(row[pivot], PRIME - 2, PRIME)
        row = {k: v * inverse % PRIME for k, v in row.items()}
        for other in pivots.values():
            factor = other.get(pivot)
            if factor:
                _subtract(other, row, factor)
        pivots[pivot] = row
    return {p for p, row in pivots.items() if len(row) == 1}


def _reduce(row: dict[int, int], pivots: dict[int, dict[int, int]]) -> dict[int, int]:
    for pivot in sorted(k for k in row if k in pivots):
        factor = row.get(pivot)
        if factor:
            _subtract(row, pivots[pivot], factor)
    return row


def _subtract(row: dict[int, int], pivot_row: dict[int, int], factor: int) -> None:
    for k, v in pivot_row.items():
        value = (row.get(k, 0) - factor * v) % PRIME
        if value:
            row[k] = value
        else:
            row.pop(k, None)
