"""Importing the package is cheap and quiet: no click, no Whoosh, nothing printed."""

from __future__ import annotations

import subprocess
import sys


def test_import_loads_no_cli_or_engine():
    code = ("import sys, amif_search; "
            "print(sorted(m for m in ('click', 'whoosh', 'polib', 'snowballstemmer') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert done.stderr == ""


def test_library_modules_do_not_import_click():
    code = ("import sys, amif_search.catalogue, amif_search.index.engine; "
            "print('click' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
