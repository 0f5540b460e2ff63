import pytest

from amif_search.files import write_atomically


def test_write_atomically_replaces_the_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "CURRENT"
    path.write_text("gen-1\n", encoding="utf-8")
    assert write_atomically(path, "gen-2\n") is True
    assert path.read_text(encoding="utf-8") == "gen-2\n"
    assert [p.name for p in tmp_path.iterdir()] == ["CURRENT"]


def test_write_atomically_leaves_an_unchanged_file_alone(tmp_path):
    path = tmp_path / "fi.mo"
    path.write_bytes(b"same")
    before = path.stat().st_ino
    assert write_atomically(path, b"same", only_if_changed=True, durable=False) is False
    assert path.stat().st_ino == before
    assert write_atomically(path, b"other", only_if_changed=True, durable=False) is True
    assert path.read_bytes() == b"other"


def test_write_atomically_removes_its_temporary_file_on_failure(tmp_path):
    target = tmp_path / "dir"
    target.mkdir()
    (target / "inside").write_text("x", encoding="utf-8")
    with pytest.raises(OSError):
        write_atomically(target, b"data")   # a file cannot replace a non-empty directory
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir"]
