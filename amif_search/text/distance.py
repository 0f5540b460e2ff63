"""How far apart two spellings are: the edit distance that the typo corrector and the source
parser's label matcher share."""

from __future__ import annotations

__all__ = ["edit_distance"]


def edit_distance(a: str, b: str, limit: int | None = None, *, swaps: bool = True) -> int | None:
    """Edits (insert, delete, replace, and with ``swaps`` a swap of adjacent letters) from a to b.

    With a ``limit``, None as soon as the distance is known to be above it: the typo corrector
    measures many candidates and most are far.
    """
    if limit is not None and abs(len(a) - len(b)) > limit:
        return None
    previous2 = None
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        low = current[0]
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if swaps and previous2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            low = min(low, value)
        if limit is not None and low > limit:
            return None
        previous2, previous = previous, current
    if limit is not None and previous[-1] > limit:
        return None
    return previous[-1]
