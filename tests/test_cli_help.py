"""``--help`` and click's usage errors in Swedish, Finnish and English (amif_search.cli.helptext)."""

from __future__ import annotations

import gettext
import importlib
import inspect
import json
import re

import click
import pytest
from click.testing import CliRunner

from amif_search import i18n
from amif_search.cli import _COMMANDS, cli, main
from amif_search.cli.helptext import CLICK_PLURALS, CLICK_TEXTS, TranslatedContext

LANGUAGES = ("sv", "fi", "en")


def _command_paths() -> list[tuple[tuple[str, ...], click.Command]]:
    """Every command and group under the top-level group, loading the lazy ones."""
    found = [((), cli)]

    def walk(group: click.Group, prefix: tuple[str, ...]) -> None:
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            found.append((prefix + (name,), command))
            if isinstance(command, click.Group):
                walk(command, prefix + (name,))

    walk(cli, ())
    return found


COMMANDS = _command_paths()
PATHS = [path for path, _command in COMMANDS]


def _id(path: tuple[str, ...]) -> str:
    return " ".join(path) or "main"


@pytest.fixture(autouse=True)
def _swedish_afterwards():
    yield
    i18n.set_language("sv")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def normalized(text: str) -> str:
    """Text as click lays it out, whatever the wrapping: no \\b markers, single spaces, no break after '-'."""
    return re.sub(r"- ", "-", " ".join(text.replace("\b", "").split()))


def own_help_texts(command: click.Command) -> list[str]:
    """The msgids that a command's --help shows: its help, its options' and its subcommands' short help."""
    ctx = click.Context(command)
    params = command.get_params(ctx)   # the registry's filter options too, not click's own --help
    texts = [command.help] + [param.help for param in params if getattr(param, "help", None)
                              and param is not command.get_help_option(ctx)]
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        texts += [command.get_command(ctx, name).short_help for name in command.list_commands(ctx)]
    return texts


def test_the_commands_are_all_found():
    assert [path[0] for path in PATHS if len(path) == 1] == list(_COMMANDS)
    assert ("index", "build") in PATHS and ("glossary", "import") in PATHS and ("catalog", "check") in PATHS


@pytest.mark.parametrize("path", PATHS, ids=_id)
def test_every_command_renders_its_help_through_the_translating_context(path):
    command = dict(COMMANDS)[path]
    assert issubclass(command.context_class, TranslatedContext)
    assert command.help, "a command without help"
    if path:
        assert command.short_help, "the list of commands needs a short help (click would cut the long one)"


@pytest.mark.parametrize("lang", ["fi", "en"])
@pytest.mark.parametrize("path", PATHS, ids=_id)
def test_help_is_fully_translated(capsys, path, lang):
    code, out, err = run(capsys, "--lang", lang, *path, "--help")
    assert code == 0 and err == ""
    shown = normalized(out)
    catalog = i18n.translations(lang)
    for msgid in own_help_texts(dict(COMMANDS)[path]):
        translated = catalog.gettext(msgid)
        assert translated != msgid, f"not in the {lang} catalog: {msgid!r}"
        assert normalized(translated) in shown
        assert normalized(msgid) not in shown


@pytest.mark.parametrize("path", PATHS, ids=_id)
def test_swedish_is_the_default_and_has_no_english_left(capsys, path):
    code, out, _err = run(capsys, *path, "--help")
    assert code == 0
    assert out.startswith(f"Användning: amif-search {' '.join(path)}".rstrip() + " [FLAGGOR]")
    assert "\nFlaggor:\n" in out and "Visa den här hjälpen och avsluta." in out
    for english in ("Usage:", "Options:", "Commands:", "[OPTIONS]", "COMMAND", "Show this message", "[default:",
                    "[required]", "Show the version"):
        assert english not in out
    for msgid in own_help_texts(dict(COMMANDS)[path]):
        assert normalized(msgid) in normalized(out)


@pytest.mark.parametrize("lang,expected,absent", [
    ("sv", ["Användning: amif-search search [FLAGGOR] QUERY", "\nFlaggor:\n", "Sök bland projekten; slutstatus 0",
            "\n  Exempel:\n    amif-search search \"trauma barn\"\n", "[standard: 10; 1<=x<=1000]",
            "Visa den här hjälpen och avsluta."],
     ["Usage", "Options", "Examples", "default", "Show this", "Valitsimet", "oletus"]),
    ("fi", ["Käyttö: amif-search search [VALITSIMET] QUERY", "\nValitsimet:\n", "Hae hankkeita; paluuarvo on 0",
            "\n  Esimerkkejä:\n    amif-search search \"trauma barn\"\n", "[oletus: 10; 1<=x<=1000]",
            "Näytä tämä ohje ja lopeta."],
     ["Usage", "Options", "Examples", "default", "Show this", "Flaggor", "standard", "Visa den här"]),
    ("en", ["Usage: amif-search search [OPTIONS] QUERY", "\nOptions:\n", "Search the projects; exit code 0",
            "\n  Examples:\n    amif-search search \"trauma barn\"\n", "[default: 10; 1<=x<=1000]",
            "Show this message and exit."],
     ["Användning", "Flaggor", "Exempel:", "standard", "Visa den här", "Valitsimet", "oletus"]),
], ids=LANGUAGES)
def test_search_help_in_each_language(capsys, lang, expected, absent):
    code, out, _err = run(capsys, "--lang", lang, "search", "--help")
    assert code == 0
    for text in expected:
        assert normalized(text) in normalized(out)
    for text in absent:
        assert text not in out
    # The \b paragraph is kept as it is: one example a line.
    assert "\n    amif-search search 'tortyr OR trauma -vuxna' --objective 6.2\n" in out


def test_the_group_lists_its_commands_with_translated_short_help(capsys):
    code, out, _err = run(capsys, "--lang", "fi", "--help")
    assert code == 0
    assert out.startswith("Käyttö: amif-search [VALITSIMET] KOMENTO [ARGUMENTIT]...\n")
    commands = out.split("\nKomennot:\n")[1].splitlines()
    assert commands[0].split() == ["search", "Hae", "hankkeita."]
    assert [line.split()[0] for line in commands] == ["search", "list", "show", "index", "glossary", "catalog",
                                                      "serve"]
    assert re.search(r"\n  --version +Näytä versio ja lopeta\.\n", out)
    assert re.search(r"\n  --ui, --lang \[sv\|fi\|en\] +Käyttöliittymän kieli", out)


def test_the_environment_chooses_the_language_of_a_subcommand(capsys, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "en")
    code, out, _err = run(capsys, "index", "build", "--help")
    assert code == 0
    assert out.startswith("Usage: amif-search index build [OPTIONS]\n")
    assert "Parse the sources and build a new index" in out and "[default: 30.0; 0<=x<=3600]" in out


def test_the_environment_chooses_the_language_of_the_top_level_help(capsys, monkeypatch):
    monkeypatch.setenv("LANG", "fi_FI.UTF-8")
    code, out, _err = run(capsys, "--help")
    assert code == 0 and out.startswith("Käyttö: amif-search")


def test_lang_before_help_at_the_top_level_wins_over_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "fi")
    code, out, _err = run(capsys, "--lang", "en", "--help")
    assert code == 0 and out.startswith("Usage: amif-search [OPTIONS] COMMAND [ARGS]...")
    assert "Interface language (default: LANGUAGE" in out


@pytest.mark.parametrize("args,messages", [
    pytest.param(["search", "x", "--limit", "0"], {
        "sv": "Ogiltigt värde för '--limit': 0 ligger inte inom intervallet 1<=x<=1000.",
        "fi": "Virheellinen arvo parametrille '--limit': 0 ei ole välillä 1<=x<=1000.",
        "en": "Invalid value for '--limit': 0 is not in the range 1<=x<=1000."}, id="out-of-range"),
    pytest.param(["search", "x", "--limit", "many"], {
        "sv": "Ogiltigt värde för '--limit': 'many' är inte ett giltigt tal.",
        "fi": "Virheellinen arvo parametrille '--limit': 'many' ei ole kelvollinen luku.",
        "en": "Invalid value for '--limit': 'many' is not a valid number."}, id="not-a-number"),
    pytest.param(["search"], {
        "sv": "Saknat argument 'QUERY'.",
        "fi": "Puuttuva argumentti 'QUERY'.",
        "en": "Missing argument 'QUERY'."}, id="missing-argument"),
    pytest.param(["search", "x", "--bogus"], {
        "sv": "Okänd flagga '--bogus'.",
        "fi": "Tuntematon valitsin '--bogus'.",
        "en": "No such option '--bogus'."}, id="no-such-option"),
    pytest.param(["search", "x", "--limt", "3"], {
        "sv": "Okänd flagga '--limt'. Menade du '--limit'?",
        "fi": "Tuntematon valitsin '--limt'. Tarkoititko '--limit'?",
        "en": "No such option '--limt'. Did you mean '--limit'?"}, id="did-you-mean"),
    pytest.param(["show", "a", "b", "c"], {
        "sv": "Oväntade extra argument (b c)",
        "fi": "Ylimääräisiä argumentteja (b c)",
        "en": "Got unexpected extra arguments (b c)"}, id="extra-arguments"),
    pytest.param(["show", "a", "b"], {
        "sv": "Oväntat extra argument (b)",
        "fi": "Ylimääräinen argumentti (b)",
        "en": "Got unexpected extra argument (b)"}, id="extra-argument"),
    pytest.param(["search", "x", "--color", "pink"], {
        "sv": "Ogiltigt värde för '--color': 'pink' är inte något av 'auto', 'always', 'never'.",
        "fi": "Virheellinen arvo parametrille '--color': 'pink' ei ole mikään seuraavista: 'auto', 'always', "
              "'never'.",
        "en": "Invalid value for '--color': 'pink' is not one of 'auto', 'always', 'never'."}, id="choice"),
    pytest.param(["glossary", "export"], {
        "sv": "Saknad flagga '--format'. Välj bland:\n\ttbx,",
        "fi": "Puuttuva valitsin '--format'. Vaihtoehdot:\n\ttbx,",
        "en": "Missing option '--format'. Choose from:\n\ttbx,"}, id="missing-option"),
    pytest.param(["serch"], {
        "sv": "Okänt kommando 'serch'.",
        "fi": "Tuntematon komento 'serch'.",
        "en": "No such command 'serch'."}, id="no-such-command"),
    pytest.param(["search", "x", "--index"], {
        "sv": "Flaggan '--index' behöver ett värde.",
        "fi": "Valitsin '--index' tarvitsee arvon.",
        "en": "Option '--index' requires an argument."}, id="option-needs-a-value"),
])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_usage_errors_of_click_are_translated(capsys, args, messages, lang):
    code, out, err = run(capsys, "--lang", lang, *args)
    assert code == 2 and out == ""
    assert messages[lang] in err
    assert len([line for line in err.splitlines() if not line.startswith("\t")]) == 1


@pytest.mark.parametrize("lang,message", [
    ("sv", "'{path}' är en mapp."), ("fi", "'{path}' on kansio."), ("en", "'{path}' is a folder."),
])
def test_path_errors_are_translated(capsys, tmp_path, lang, message):
    code, _out, err = run(capsys, "--lang", lang, "glossary", "import", str(tmp_path), "--format", "csv")
    assert code == 2 and message.format(path=tmp_path) in err
    code, _out, err = run(capsys, "--lang", lang, "catalog", "extract", "--package", str(tmp_path / "nowhere"))
    assert code == 2 and str(tmp_path / "nowhere") in err
    assert {"sv": "finns inte.", "fi": "ei ole olemassa.", "en": "does not exist."}[lang] in err


def test_the_top_level_language_choice_error_uses_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "en")
    code, _out, err = run(capsys, "--lang", "xx")
    assert code == 2 and "Invalid value for '--ui' / '--lang': 'xx' is not one of 'sv', 'fi', 'en'." in err


def test_click_is_left_as_it_was_after_a_run(capsys):
    run(capsys, "--lang", "fi", "search", "--limit", "0", "x")
    for name in ("click.core", "click.exceptions", "click.formatting", "click.parser", "click.types"):
        module = importlib.import_module(name)
        assert module._ is gettext.gettext
    assert click.BadParameter("x", param_hint="'--y'").format_message() == "Invalid value for '--y': x"


def test_help_rendered_without_main_is_translated_too():
    from amif_search.cli.search import search

    i18n.set_language("fi")
    result = CliRunner().invoke(search, ["--help"], prog_name="amif-search search")
    assert result.exit_code == 0
    assert result.output.startswith("Käyttö: amif-search search [VALITSIMET] QUERY")
    assert "[oletus: 10; 1<=x<=1000]" in normalized(result.output)
    assert "Näytä tämä ohje ja lopeta." in result.output


def test_every_click_text_we_translate_is_still_in_click():
    """A click upgrade that rewords a text would leave it English silently; this notices."""
    source = "".join(inspect.getsource(importlib.import_module(name)) for name in (
        "click.core", "click.exceptions", "click.formatting", "click.parser", "click.types", "click.decorators"))
    english = [text for text in CLICK_TEXTS if text not in ("[OPTIONS]", "COMMAND [ARGS]...")]
    english += [text for pair in CLICK_PLURALS for text in pair]
    for text in english:
        assert json.dumps(text) in source, text
    assert '"[OPTIONS]"' in source and '"COMMAND [ARGS]..."' in source
