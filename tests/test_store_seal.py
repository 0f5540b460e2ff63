"""Opening an index without hashing every file: the seal, and the lexicon's format.

A generation's seal records each file's stat as it was when the file's digest was found to
match the signed manifest. These tests check that an untouched index opens without reading
its files or its manifest, that a file changed in place is still refused before Whoosh reads
anything (its ctime gives it away, whatever its size and mtime say), and that a seal that
is missing, foreign or stale only costs the full hashing of before.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from amif_search.collection import Collection, build_index, open_collection, update_index
from amif_search.errors import IndexStateError
from amif_search.index import store


@pytest.fixture
def index(tmp_path, source_path) -> Path:
    location = tmp_path / "index"
    build_index([source_path], location)
    return location


@pytest.fixture
def hashed(monkeypatch) -> list[str]:
    """The files hashed from now on, by name."""
    names: list[str] = []
    real = store._digest_identified

    def counting(path: Path):
        names.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(store, "_digest_identified", counting)
    return names


@pytest.fixture
def manifest_reads(monkeypatch) -> list[Path]:
    """The manifests read and checked from now on."""
    reads: list[Path] = []
    real = store._read_signed_manifest

    def counting(generation, key):
        reads.append(generation)
        return real(generation, key)

    monkeypatch.setattr(store, "_read_signed_manifest", counting)
    return reads


@pytest.fixture
def whoosh_opened(monkeypatch) -> list[str]:
    from whoosh import index as whoosh_index

    opened: list[str] = []
    real = whoosh_index.FileIndex

    def recording(storage, *args, **kwargs):
        opened.append(storage.folder)
        return real(storage, *args, **kwargs)

    monkeypatch.setattr(whoosh_index, "FileIndex", recording)
    return opened


def _generation(location: Path) -> Path:
    return store.live_generation(location)


def _segment(location: Path) -> Path:
    return next((_generation(location) / "whoosh").glob("*.pst"))


def _search(location: Path) -> int:
    with open_collection(location, build=False) as collection:
        return collection.search("trauma barn").total


def _flip_in_place(path: Path) -> None:
    """Change one byte without changing the size, then put the times back as they were."""
    before = os.stat(path)
    with open(path, "r+b") as handle:
        handle.seek(before.st_size // 2)
        byte = handle.read(1)
        handle.seek(before.st_size // 2)
        handle.write(bytes([byte[0] ^ 0x01]))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def _edit_seal(generation: Path, **changes) -> None:
    path = generation / store.SEAL
    seal = json.loads(path.read_text(encoding="utf-8"))
    seal.update(changes)
    path.write_text(json.dumps(seal), encoding="utf-8")


# -- the seal ---------------------------------------------------------------------------


def test_a_new_generation_is_sealed_for_the_manifest_and_every_file(index):
    generation = _generation(index)
    seal = json.loads((generation / store.SEAL).read_text(encoding="utf-8"))
    manifest = json.loads((generation / store.MANIFEST).read_text(encoding="utf-8"))
    assert sorted(seal["files"]) == sorted(manifest["files"]) == store._listing(generation)
    assert seal["manifest"] == manifest["signature"] and seal["manifest_stat"] is not None
    assert "projects" not in seal["header"]
    assert store.SEAL not in manifest["files"]


def test_an_untouched_index_opens_without_reading_its_files_or_manifest(index, hashed, manifest_reads):
    assert _search(index) > 0
    assert hashed == [] and manifest_reads == []


def test_the_projects_are_read_from_the_manifest_only_when_asked_for(index, manifest_reads):
    manifest = store.read_manifest(_generation(index))
    assert manifest_reads == []
    assert len(manifest.projects) == 12 and "lanu-2022" in manifest.projects
    assert len(manifest_reads) == 1
    written = json.loads((_generation(index) / store.MANIFEST).read_text(encoding="utf-8"))
    assert dict(manifest.projects) == written["projects"]


def test_a_byte_changed_in_place_is_refused_before_whoosh_opens_anything(index, hashed, whoosh_opened):
    segment = _segment(index)
    _flip_in_place(segment)
    with pytest.raises(IndexStateError, match="har ändrats efter bygget") as refused:
        open_collection(index, build=False)
    assert segment.name in refused.value.message
    assert segment.name in hashed  # its stat gave it away; only then was it read
    assert whoosh_opened == []


def test_a_seal_with_a_bad_signature_falls_back_to_hashing_and_is_renewed(index, hashed):
    generation = _generation(index)
    _edit_seal(generation, signature="0" * 64)
    assert _search(index) > 0
    assert sorted(hashed) == sorted(Path(name).name for name in store._listing(generation))
    hashed.clear()
    assert _search(index) > 0
    assert hashed == []  # sealed again by the open that hashed


def test_a_seal_rewritten_without_the_key_does_not_hide_a_change(index, hashed, whoosh_opened):
    generation = _generation(index)
    segment = _segment(index)
    _flip_in_place(segment)
    seal = json.loads((generation / store.SEAL).read_text(encoding="utf-8"))
    seal["files"][f"whoosh/{segment.name}"] = store._stat_key(os.stat(segment))
    (generation / store.SEAL).write_text(json.dumps(seal), encoding="utf-8")
    with pytest.raises(IndexStateError, match="har ändrats efter bygget"):
        open_collection(index, build=False)
    assert whoosh_opened == []


def test_the_seal_of_another_generation_vouches_for_nothing(index, tmp_path, source_path, hashed):
    other = tmp_path / "other"
    build_index([source_path], other)
    shutil.copy(_generation(other) / store.SEAL, _generation(index) / store.SEAL)
    hashed.clear()
    assert _search(index) > 0
    assert len(hashed) == len(store._listing(_generation(index)))


@pytest.mark.parametrize("change", ["missing", "not-json"])
def test_a_missing_or_broken_seal_costs_only_the_hashing(index, hashed, change):
    path = _generation(index) / store.SEAL
    if change == "missing":
        path.unlink()
    else:
        path.write_text("{not json", encoding="utf-8")
    assert _search(index) > 0
    assert len(hashed) == len(store._listing(_generation(index)))


def test_an_added_file_is_refused_even_with_a_valid_seal(index):
    (_generation(index) / "whoosh" / "MAIN_extra.seg").write_bytes(b"\0" * 64)
    with pytest.raises(IndexStateError, match="MAIN_extra.seg"):
        open_collection(index, build=False)


def test_a_copied_index_is_hashed_once_then_sealed_again(index, tmp_path, hashed):
    copy = tmp_path / "copy"
    shutil.copytree(index, copy)  # new inodes: the seal no longer matches
    assert _search(copy) > 0
    names = store._listing(_generation(copy))
    assert len(hashed) == len(names)
    # A file copied in the same tick of the filesystem's clock as the first open cannot be
    # sealed by it; the next open hashes only such a file.
    hashed.clear()
    assert _search(copy) > 0
    assert len(hashed) < len(names)
    hashed.clear()
    assert _search(copy) > 0
    assert hashed == []


def test_the_manifest_is_read_once_when_the_seal_does_not_hold(index, manifest_reads):
    (_generation(index) / store.SEAL).unlink()
    assert _search(index) > 0
    assert len(manifest_reads) == 1


def test_index_info_verify_hashes_every_file(index, hashed, capsys):
    from amif_search.cli import main

    assert main(["index", "info", "--verify", "--index", str(index)]) == 0
    capsys.readouterr()
    generation = _generation(index)
    assert sorted(hashed) == sorted(Path(name).name for name in store._listing(generation))


def test_rehash_refuses_what_a_forged_stat_would_hide(index, monkeypatch):
    # Were a file's stat ever to match its seal after a change, --verify still reads it.
    segment = _segment(index)
    sealed = store._stat_or_none
    data = bytearray(segment.read_bytes())
    data[len(data) // 2] ^= 0x01
    entries = {str(p): sealed(p) for p in _generation(index).rglob("*") if p.is_file()}
    segment.write_bytes(bytes(data))
    monkeypatch.setattr(store, "_stat_or_none", lambda path: entries.get(str(path), sealed(path)))
    with open_collection(index, build=False):
        pass  # the forged stats are believed
    with pytest.raises(IndexStateError, match="har ändrats efter bygget"):
        Collection(index, rehash=True)


def test_an_update_seals_the_new_generation(tmp_path, source_text, hashed):
    page = tmp_path / "page.txt"
    page.write_text(source_text, encoding="utf-8")
    location = tmp_path / "index"
    build_index([page], location)
    old = _generation(location)
    page.write_text(source_text.replace("Spring House Oy", "Spring House Ab"), encoding="utf-8")
    report = update_index([page], location)
    assert report.changed == ["oppet-arbetsliv-2021"]
    new = _generation(location)
    assert new != old and not (new / store.LEXICON_JSON).exists()
    hashed.clear()
    assert store.read_manifest(new).files_checked
    assert hashed == []
    # The old generation's segments were hard-linked into the new one, which changed their
    # ctime: they are hashed again, and still accepted.
    store.read_manifest(old)
    assert any(name.endswith(".pst") for name in hashed)


def test_a_file_changed_in_the_same_tick_as_the_seal_is_not_sealed():
    class Stat:
        def __init__(self, ctime):
            self.st_dev, self.st_ino, self.st_size, self.st_mtime_ns, self.st_ctime_ns = 1, 2, 3, ctime, ctime

    assert store._sealable(Stat(100), Stat(100), 101) == [1, 2, 3, 100, 100]
    assert store._sealable(Stat(100), Stat(100), 100) is None   # same tick: a change could hide
    assert store._sealable(Stat(100), Stat(105), 200) is None   # changed while it was hashed
    assert store._sealable(Stat(100), Stat(100), None) is None


# -- the lexicon and older indexes -------------------------------------------------------


def test_the_lexicon_loads_as_it_was_written(tmp_path):
    from amif_search.text.analysis import Lexicon

    lexicon = Lexicon.from_texts(["Krigstraumatiserade barn får stöd av socialarbetare.", "trauma barn",
                                  "universitetssjukhusen och videoinspelningarna"])
    path = tmp_path / store.LEXICON
    store.write_lexicon(path, lexicon)
    loaded = store.load_lexicon(path)
    assert loaded.counts == lexicon.counts and loaded.stems == lexicon.stems and loaded.roots == lexicon.roots
    assert list(loaded.counts) == list(lexicon.counts) and len(loaded) == len(lexicon)
    for word in ("krigstraumatiserade", "trauma", "traumatiserade", "barnen", "xyz"):
        assert loaded.known(word) == lexicon.known(word) and loaded.split(word) == lexicon.split(word)
        assert loaded.frequency(word) == lexicon.frequency(word)
    for word in ("sjukhus", "video"):
        assert loaded.compounds_with(word) == lexicon.compounds_with(word) != []
    for piece in ("sjukhus", "trauma", "traum", "arn", "ar", "a", "e", "rnen", "xyz", "inspelning"):
        assert list(loaded.containing(piece)) == list(lexicon.containing(piece))
    assert loaded.beginning_with("b") == lexicon.beginning_with("b")
    loaded.close()


@pytest.mark.parametrize("content", [b"", b"not a database", b"\xe9\x00\x00\x00"])
def test_an_unreadable_lexicon_is_one_clear_error(tmp_path, content):
    import marshal

    path = tmp_path / store.LEXICON
    path.write_bytes(content)
    with pytest.raises(IndexStateError, match="lexikonet kan inte läsas") as refused:
        store.load_lexicon(path)
    assert "\n" not in refused.value.message
    path = tmp_path / store.LEXICON_MARSHAL   # format 2
    path.write_bytes(content)
    with pytest.raises(IndexStateError, match="lexikonet kan inte läsas"):
        store.load_lexicon(path)
    path.write_bytes(marshal.dumps({"format": "something else", "counts": {}}))
    with pytest.raises(IndexStateError, match="lexikonet kan inte läsas"):
        store.load_lexicon(path)


def _as_format(location: Path, version: int) -> Path:
    """Rewrite the live generation as a release of format 1 (a JSON lexicon, no seal) or 2
    (a marshal lexicon) wrote it; neither kept the compounds' splits with the records."""
    import marshal
    import sqlite3

    generation = _generation(location)
    lexicon = store.load_lexicon(generation / store.LEXICON)
    data = {"counts": dict(lexicon.counts.items()), "stems": sorted(lexicon.stems), "roots": sorted(lexicon.roots)}
    lexicon.close()
    if version == 1:
        (generation / store.LEXICON_JSON).write_text(json.dumps(data), encoding="utf-8")
        (generation / store.SEAL).unlink()
    else:
        (generation / store.LEXICON_MARSHAL).write_bytes(marshal.dumps({"format": store.LEXICON_FORMAT, **data}))
    (generation / store.LEXICON).unlink()
    connection = sqlite3.connect(generation / store.RECORDS)
    connection.execute("ALTER TABLE projects DROP COLUMN splits")
    connection.commit()
    connection.close()
    path = generation / store.MANIFEST
    body = json.loads(path.read_text(encoding="utf-8"))
    body.pop("signature")
    body["format_version"] = version
    body["files"] = store._file_digests(generation)
    body["signature"] = store._signature(store._signing_key(create=False), body)
    path.write_text(json.dumps(body), encoding="utf-8")
    return generation


def _answers(location: Path) -> list:
    with open_collection(location, build=False) as collection:
        return [collection.search(query).to_json() for query in ("trauma barn", "tortyr", "kvotflyktingar")]


def test_an_index_of_format_1_is_still_searched_and_never_sealed(index, hashed):
    expected = _search(index)
    generation = _as_format(index, 1)
    hashed.clear()
    for _ in range(2):
        assert _search(index) == expected
    assert len(hashed) == 2 * len(store._listing(generation))
    assert not (generation / store.SEAL).exists()  # a release of format 1 would refuse the file


def test_an_index_of_format_2_gives_the_same_answers_highlights_included(index):
    expected = _answers(index)
    assert any(hit["highlights"] for answer in expected for hit in answer["hits"])
    _as_format(index, 2)
    assert _answers(index) == expected


@pytest.mark.parametrize("version", [1, 2])
def test_an_index_of_an_older_format_is_updated_into_the_present_one(tmp_path, source_text, version):
    page = tmp_path / "page.txt"
    page.write_text(source_text, encoding="utf-8")
    location = tmp_path / "index"
    build_index([page], location)
    _as_format(location, version)
    page.write_text(source_text.replace("Spring House Oy", "Spring House Ab"), encoding="utf-8")
    update_index([page], location)
    generation = _generation(location)
    assert store.read_manifest(generation).format_version == store.FORMAT_VERSION
    assert (generation / store.LEXICON).exists() and (generation / store.SEAL).exists()
    assert not (generation / store.LEXICON_JSON).exists() and not (generation / store.LEXICON_MARSHAL).exists()
    with open_collection(location, build=False) as collection:
        assert collection.get("oppet-arbetsliv-2021").implementer == "Spring House Ab"
