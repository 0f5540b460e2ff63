"""Shared fixtures: the real source page, its projects, and one index built per session.

Every test runs with its own XDG data and cache folders, so no test reads or writes the
user's index, signing key or compiled catalogs.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "amif-so6-quota-refugee-placement.sv.txt"


@pytest.fixture(scope="session", autouse=True)
def _isolated_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    saved = {k: os.environ.get(k) for k in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "AMIF_SEARCH_INDEX",
                                            "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "NO_COLOR")}
    os.environ["XDG_DATA_HOME"] = str(home / "data")
    os.environ["XDG_CACHE_HOME"] = str(home / "cache")
    for key in ("AMIF_SEARCH_INDEX", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        os.environ.pop(key, None)
    yield home
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def source_path() -> Path:
    return SOURCE


@pytest.fixture(scope="session")
def source_text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def projects():
    from amif_search.source import read_source

    return read_source(SOURCE)


@pytest.fixture(scope="session")
def built_index(tmp_path_factory, _isolated_home) -> Path:
    """An index of the real page, built once; tests must not modify it."""
    from amif_search.collection import build_index

    location = tmp_path_factory.mktemp("index") / "index"
    build_index([SOURCE], location)
    return location


@pytest.fixture(scope="session")
def collection(built_index):
    from amif_search.collection import open_collection

    opened = open_collection(built_index, build=False)
    yield opened
    opened.close()


@pytest.fixture
def private_index(tmp_path, built_index) -> Path:
    """A copy of the built index that a test may change."""
    target = tmp_path / "index"
    shutil.copytree(built_index, target)
    return target


@pytest.fixture
def english():
    """The messages in English (their msgids are Swedish), for tests that read English text."""
    from amif_search.i18n import SWEDISH, get_language, set_language

    before = get_language()
    set_language("en")
    yield
    set_language(before or SWEDISH)


@pytest.fixture(autouse=True)
def _interface_language_reset():
    """A test that runs the command line with --ui/--lang sets the process's language; the next
    test starts from the environment's again (Swedish here), whatever order the tests run in."""
    yield
    from amif_search.i18n import detect_language, set_language

    set_language(detect_language())
