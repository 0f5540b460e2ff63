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
    code = ("import sys, amif_search.collection, amif_search.index.engine; "
            "print('click' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def _modules_after(*argv: str) -> tuple[set[str], str]:
    """The modules a command-line run of ``argv`` imported, and its output."""
    code = ("import sys; from amif_search.cli import main; code = main(sys.argv[1:]); "
            "print('\\n'.join(sorted(sys.modules)), file=sys.stderr); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return set(done.stderr.split()), done.stdout


def test_version_and_help_import_neither_whoosh_nor_the_commands():
    for argv in (["--version"], ["--help"], ["--lang", "en", "--help"]):
        modules, _out = _modules_after(*argv)
        assert not {m for m in modules if m.split(".")[0] in ("whoosh", "snowballstemmer", "Stemmer", "sqlite3")}
        assert not {m for m in modules if m.startswith("amif_search.cli.") and m != "amif_search.cli.helptext"}
        assert "amif_search.collection" not in modules and "amif_search.index.store" not in modules


def test_help_lists_each_command_with_its_own_short_help():
    import click

    from amif_search.cli import _COMMANDS, cli

    ctx = click.Context(cli)
    for name, (_module, _attribute, short_help) in _COMMANDS.items():
        assert cli.get_command(ctx, name).short_help == short_help


def test_a_command_help_imports_no_whoosh():
    modules, out = _modules_after("search", "--help")
    assert "--limit" in out
    assert not {m for m in modules if m.startswith("whoosh")}


def test_opening_the_library_imports_no_whoosh_until_an_index_is_opened():
    code = ("import sys, amif_search.collection, amif_search.index.store; "
            "print(sorted(m for m in sys.modules if m.startswith('whoosh')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_search_without_a_filter_loads_neither_whoosh_searching_nor_its_queries(built_index):
    """Whoosh's query modules bring the English word patterns of whoosh.lang.morph_en, a few
    milliseconds of every one-query process: the plan scores terms itself, and only a filter
    (a year, an objective, an amount) needs them."""
    whooshing = {"whoosh.searching", "whoosh.query", "whoosh.lang.morph_en"}
    modules, out = _modules_after("search", "trauma barn", "--index", str(built_index))
    assert "LANU" in out and not modules & whooshing
    modules, out = _modules_after("search", "trauma barn", "--year", "2022", "--index", str(built_index))
    assert "LANU" in out and "whoosh.query" in modules
