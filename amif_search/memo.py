"""Remembered results with a bound on how many, for the lookups repeated across a collection."""

from __future__ import annotations

from typing import TypeVar

__all__ = ["BoundedCache"]

K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(dict[K, V]):
    """A dict of remembered results that holds at most ``size`` of them.

    When full, a new entry empties it first: the words of the current queries or the current
    build come back at once, and memory stays bounded however long a server runs. Reading is
    the plain dict's (``get``, ``in``, ``[]``), so a hit costs no more than a dict's.
    """

    __slots__ = ("size",)

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def __setitem__(self, key: K, value: V) -> None:
        if len(self) >= self.size and key not in self:
            self.clear()
        super().__setitem__(key, value)
