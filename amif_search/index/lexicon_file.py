"""The lexicon of a generation in SQLite, read a word at a time.

Loading a whole lexicon costs time in proportion to the collection (76 000 words at 10 000
projects); a search asks about a few dozen pieces of its query words. So a generation keeps
its lexicon as SQLite tables, and :class:`StoredLexicon` looks each word, stem or root up
when asked (and remembers the answer):

    meta(key, value)           format, the number of words, their total count, and every
                               word joined by newlines in lexicon order (for the compounds
                               that contain a query word: one scan of that text in C)
    words(word, count, initial, seq)  initial: the word's first letter without å/ä/ö (for
                               typos); seq: the word's place in lexicon order
    stems(stem), roots(root)
    grams(gram, seqs)          every three letters that occur in a word, with the places (in
                               lexicon order) of the words they occur in, as little-endian
                               32-bit integers: the words that contain a piece are among those
                               of its rarest three letters

Like every file of a generation, it is covered by the signed manifest and opened only once
the generation has been checked.
"""

from __future__ import annotations

import sqlite3
import sys
from array import array
from collections.abc import Iterator, Mapping, Sequence, Set
from pathlib import Path
from ..errors import IndexStateError
from ..i18n import _
from ..memo import BoundedCache
from ..text.analysis import Lexicon
from ..text.folding import fold

__all__ = ["write_lexicon_file", "StoredLexicon", "LEXICON_FILE_FORMAT"]

LEXICON_FILE_FORMAT = "amif-search-lexicon-1"
# Answers remembered per table; each memory starts afresh when full.
_REMEMBERED = 200_000


def initial(word: str) -> str:
    """The letter a word is filed under for typo correction (å, ä, ö as a, a, o)."""
    return fold(word[0])[:1] if word else ""


def write_lexicon_file(path: Path, lexicon: Lexicon) -> None:
    """Write ``lexicon`` as a new SQLite file at ``path`` (replacing any file there)."""
    path.unlink(missing_ok=True)
    words = list(lexicon.counts)
    connection = sqlite3.connect(path)
    try:
        connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID")
        connection.execute("CREATE TABLE words (word TEXT PRIMARY KEY, count INTEGER NOT NULL, "
                           "initial TEXT NOT NULL, seq INTEGER NOT NULL) WITHOUT ROWID")
        connection.execute("CREATE INDEX by_initial ON words (initial, seq, word, count)")
        connection.execute("CREATE TABLE stems (stem TEXT PRIMARY KEY) WITHOUT ROWID")
        connection.execute("CREATE TABLE roots (root TEXT PRIMARY KEY) WITHOUT ROWID")
        counts = lexicon.counts
        connection.executemany("INSERT INTO words VALUES (?, ?, ?, ?)",
                               ((w, counts[w], initial(w), seq) for seq, w in enumerate(words)))
        connection.executemany("INSERT INTO stems VALUES (?)", ((s,) for s in sorted(lexicon.stems)))
        connection.executemany("INSERT INTO roots VALUES (?)", ((r,) for r in sorted(lexicon.roots)))
        connection.execute("CREATE TABLE grams (gram TEXT PRIMARY KEY, seqs BLOB NOT NULL) WITHOUT ROWID")
        connection.executemany("INSERT INTO grams VALUES (?, ?)", _grams(words))
        connection.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("format", LEXICON_FILE_FORMAT), ("words", len(words)), ("total", sum(counts.values())),
            ("joined", lexicon.joined()),
        ])
        connection.commit()
    finally:
        connection.close()


_GRAM = 3


def _grams(words: list[str]) -> Iterator[tuple[str, bytes]]:
    """(three letters, the places of the words holding them) for every three letters."""
    places: dict[str, list[int]] = {}
    for seq, word in enumerate(words):
        for gram in {word[i:i + _GRAM] for i in range(len(word) - _GRAM + 1)}:
            found = places.get(gram)
            if found is None:
                places[gram] = [seq]
            else:
                found.append(seq)
    for gram, seqs in places.items():
        yield gram, array("I", seqs).tobytes() if sys.byteorder == "little" else _little(seqs)


def _little(seqs: list[int]) -> bytes:
    values = array("I", seqs)
    values.byteswap()
    return values.tobytes()


def _places(blob: bytes) -> array:
    values = array("I")
    values.frombytes(blob)
    if sys.byteorder != "little":
        values.byteswap()
    return values


class _Reader:
    """One read-only connection; any SQLite failure becomes one line naming the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        except sqlite3.Error:
            raise self.error() from None

    def error(self) -> IndexStateError:
        return IndexStateError(_("{path}: lexikonet kan inte läsas; bygg om indexet").format(path=self.path))

    def one(self, sql: str, args: tuple = ()):
        try:
            return self.connection.execute(sql, args).fetchone()
        except sqlite3.Error:
            raise self.error() from None

    def all(self, sql: str, args: tuple = ()) -> list:
        try:
            return self.connection.execute(sql, args).fetchall()
        except sqlite3.Error:
            raise self.error() from None


class _StoredCounts(Mapping[str, int]):
    """The words and their counts, looked up one at a time."""

    def __init__(self, reader: _Reader, size: int, lexicon: "StoredLexicon") -> None:
        self._reader = reader
        self._size = size
        self._lexicon = lexicon
        self._known: BoundedCache[str, int] = BoundedCache(_REMEMBERED)

    def get(self, word: str, default=None):  # type: ignore[override]
        found = self._known.get(word)
        if found is None:
            row = self._reader.one("SELECT count FROM words WHERE word = ?", (word,))
            found = self._known[word] = row[0] if row is not None else 0
        return found if found else default

    def __getitem__(self, word: str) -> int:
        found = self.get(word)
        if found is None:
            raise KeyError(word)
        return found

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._lexicon.words())

    def __len__(self) -> int:
        return self._size

    def items(self):  # type: ignore[override]
        found = dict(self._reader.all("SELECT word, count FROM words"))
        return [(word, found[word]) for word in self._lexicon.words()]


class _StoredSet(Set[str]):
    """The stems or the roots, looked up one at a time."""

    def __init__(self, reader: _Reader, table: str, column: str) -> None:
        self._reader = reader
        self._lookup = f"SELECT 1 FROM {table} WHERE {column} = ?"
        self._every = f"SELECT {column} FROM {table}"
        self._count = f"SELECT count(*) FROM {table}"
        self._known: BoundedCache[str, bool] = BoundedCache(_REMEMBERED)

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, str):
            return False
        found = self._known.get(value)
        if found is None:
            found = self._known[value] = self._reader.one(self._lookup, (value,)) is not None
        return found

    def __iter__(self) -> Iterator[str]:
        return iter([value for (value,) in self._reader.all(self._every)])

    def __len__(self) -> int:
        return int(self._reader.one(self._count)[0])


class StoredLexicon(Lexicon):
    """A generation's lexicon, read from its SQLite file a word at a time."""

    def __init__(self, path: Path) -> None:
        # Not Lexicon.__init__, which would take every word at once.
        reader = self._reader = _Reader(path)
        meta = dict(reader.all("SELECT key, value FROM meta WHERE key IN ('format', 'words', 'total')"))
        size, total = meta.get("words"), meta.get("total")
        if meta.get("format") != LEXICON_FILE_FORMAT or not isinstance(size, int) or not isinstance(total, int):
            raise reader.error()
        self.counts = _StoredCounts(reader, size, self)
        self._stems = _StoredSet(reader, "stems", "stem")
        self._roots = _StoredSet(reader, "roots", "root")
        self._total = total or 1
        self._compounds = None
        self._words: tuple[str, ...] | None = None
        self._joined_words: str | None = None
        self._initials: dict[str, tuple[tuple[str, int], ...]] = {}

    def joined(self) -> str:
        text = self._joined_words
        if text is None:
            row = self._reader.one("SELECT value FROM meta WHERE key = 'joined'")
            if row is None or not isinstance(row[0], str):
                raise self._reader.error()
            text = self._joined_words = row[0]
        return text

    def words(self) -> tuple[str, ...]:
        """Every word, in lexicon order (a tuple: the garbage collector, seeing it holds only
        strings, stops going through its hundreds of thousands of entries)."""
        text = self.joined()
        return tuple(text[1:-1].split("\n")) if len(text) > 1 else ()

    def containing(self, piece: str) -> Iterator[str]:
        """The words that contain ``piece``, in lexicon order: those of the rarest three
        letters of the piece that hold it (a piece shorter than three letters is looked for
        in every word)."""
        if len(piece) < _GRAM:
            yield from super().containing(piece)
            return
        rarest: array | None = None
        for gram in dict.fromkeys(piece[i:i + _GRAM] for i in range(len(piece) - _GRAM + 1)):
            row = self._reader.one("SELECT seqs FROM grams WHERE gram = ?", (gram,))
            if row is None:
                return
            if not isinstance(row[0], bytes) or len(row[0]) % 4:
                raise self._reader.error()
            if rarest is None or len(row[0]) < 4 * len(rarest):
                rarest = _places(row[0])
        words = self._words
        if words is None:
            words = self._words = self.words()
        for seq in rarest or ():
            if seq >= len(words):
                raise self._reader.error()
            word = words[seq]
            if piece in word:
                yield word

    def beginning_with(self, letter: str) -> Sequence[tuple[str, int]]:
        found = self._initials.get(letter)
        if found is None:
            found = self._initials[letter] = tuple(
                (word, count) for word, count in
                self._reader.all("SELECT word, count FROM words WHERE initial = ? ORDER BY seq", (letter,)))
        return found

    def close(self) -> None:
        self._reader.connection.close()
