"""The package as others receive it: its doctest, its types, its wheel and its sdist."""

from __future__ import annotations

import doctest
import importlib.util
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import amif_search

ROOT = Path(__file__).resolve().parent.parent


def _readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)[0]


def test_the_package_doctest_passes(built_index, monkeypatch):
    monkeypatch.setenv("AMIF_SEARCH_INDEX", str(built_index))
    failed, tried = doctest.testmod(amif_search, optionflags=doctest.ELLIPSIS)
    assert tried >= 3 and failed == 0


def test_every_public_name_is_importable_and_in_the_readme_or_all():
    for name in amif_search.__all__:
        assert getattr(amif_search, name) is not None


needs_mypy = pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="needs mypy (in the test extra)")


def _mypy(tmp_path: Path, code: str) -> subprocess.CompletedProcess:
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")
    # From another folder: the package is found as installed, through its py.typed.
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir",
                           str(tmp_path / "cache"), str(script)], capture_output=True, text=True, cwd=tmp_path,
                          timeout=240)


@needs_mypy
def test_mypy_strict_passes_on_the_readme_example(tmp_path):
    done = _mypy(tmp_path, _readme_example())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout


@needs_mypy
def test_mypy_sees_the_lazy_names_and_their_types(tmp_path):
    done = _mypy(tmp_path, "import amif_search\n\n"
                           "with amif_search.open_collection() as collection:\n"
                           "    collection.search(3)\n"
                           "    total: str = collection.search('barn').eu_support_total\n")
    assert done.returncode == 1
    assert 'Argument 1 to "search" of "Collection" has incompatible type "int"' in done.stdout
    assert 'Incompatible types in assignment (expression has type "Decimal"' in done.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if importlib.util.find_spec("build") is None or importlib.util.find_spec("hatchling") is None:
        pytest.skip("needs build and hatchling (in the test extra)")
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir",
                           str(out), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return out


def test_the_wheel_ships_py_typed_and_its_resources(built):
    names = zipfile.ZipFile(next(built.glob("*.whl"))).namelist()
    assert "amif_search/py.typed" in names
    assert any(n.startswith("amif_search/_resources/data/") and n.endswith(".txt") for n in names)
    assert "amif_search/_resources/locales/fi/LC_MESSAGES/amif_search.po" in names
    assert "amif_search/web/static/search.js" in names


def test_the_sdist_has_what_its_tests_read(built):
    with tarfile.open(next(built.glob("*.tar.gz"))) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for needed in ("LICENSE", "CHANGELOG.md", "README.md", "RELIABILITY.md", "tests/conftest.py",
                   "bench/relevance/evaluate.py", "data/amif-so6-quota-refugee-placement.sv.txt",
                   "locales/amif_search.pot", "amif_search/py.typed"):
        assert needed in names, needed
    assert not any(name.startswith(("bench/.cache", ".venv", "node_modules")) for name in names)


def test_the_api_reference_is_generated_from_the_current_docstrings():
    done = subprocess.run([sys.executable, str(ROOT / "docs" / "reference.py"), "--check"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    reference = (ROOT / "docs" / "API.md").read_text(encoding="utf-8")
    for name in amif_search.__all__:
        if name != "__version__":
            assert f"`{name}" in reference or f"`class {name}" in reference, name
