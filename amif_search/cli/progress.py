"""A progress bar on stderr with rate and time left, for long builds on a terminal."""

from __future__ import annotations

import sys
import time

__all__ = ["ProgressBar"]


class ProgressBar:
    """Call with (done, total); draws at most ten times a second, only past ``threshold`` items."""

    def __init__(self, label: str, threshold: int = 300, stream=None) -> None:
        self.label = label
        self.threshold = threshold
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.last_draw = 0.0
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if total < self.threshold:
            return
        now = time.monotonic()
        if done < total and now - self.last_draw < 0.1:
            return
        self.last_draw = now
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        left = (total - done) / rate if rate else 0.0
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total} {rate:,.0f}/s {_clock(left)} ")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
        self.drawn = True


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    return f"{seconds // 60}:{seconds % 60:02d}"
