"""Reading and writing catalogs: every malformed catalog is a CatalogError with file:line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from amif_search.errors import CatalogError, Problem
from amif_search.l10n.pofile import format_po, read_po, read_po_path, write_po_path

# The problems are read in English (their msgids are Swedish).
pytestmark = pytest.mark.usefixtures("english")

FIXTURES = Path(__file__).parent / "fixtures" / "l10n"
BAD = FIXTURES / "bad"

HEADER = (
    'msgid ""\n'
    'msgstr ""\n'
    '"Language: fi\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
    "\n"
)  # five lines and a blank one: entries start on line 7


def problems_of(source, name="test.po", **kwargs) -> list[Problem]:
    with pytest.raises(CatalogError) as caught:
        read_po(source, name, **kwargs)
    return caught.value.problems


# The bad catalogs, as files: (file, [(line, words the message must contain)]).
@pytest.mark.parametrize(("filename", "expected"), [
    pytest.param("syntax_error.po", [(10, "syntax error: unexpected 'Projektbeskrivning'")], id="syntax-error"),
    pytest.param("unterminated_string.po", [(8, "unterminated string")], id="unterminated-string"),
    pytest.param("invalid_utf8.po", [(11, "invalid UTF-8 (byte 0xE4 at column 9)"),
                                     (12, "invalid UTF-8 (byte 0xE4 at column 10)")], id="invalid-utf8"),
    pytest.param("duplicate_msgid.po", [(11, 'duplicate msgid "Källa"; first defined at line 8')],
                 id="duplicate-msgid"),
    pytest.param("wrong_plural_forms.po", [(6, "wrong Plural-Forms for fi")], id="wrong-plural-forms"),
])
def test_bad_catalog_file_is_reported_with_file_and_line(filename, expected):
    path = BAD / filename
    with pytest.raises(CatalogError) as caught:
        read_po_path(path)
    problems = caught.value.problems
    assert [(p.file, p.line) for p in problems] == [(str(path), line) for line, _words in expected]
    for problem, (_line, words) in zip(problems, expected):
        assert words in problem.message
    assert caught.value.lines()[0].startswith(f"{path}:{expected[0][0]}: ")


@pytest.mark.parametrize(("body", "line", "words"), [
    pytest.param('msgid "A"\n\nmsgid "B"\nmsgstr "b"\n', 7, "an entry without msgstr", id="msgid-without-msgstr"),
    pytest.param('msgstr "a"\n', 7, "msgstr without a msgid", id="msgstr-first"),
    pytest.param('msgid "A"\nmsgstr "a"\nmsgstr "b"\n', 9, "msgstr without a msgid before it", id="two-msgstr"),
    pytest.param('msgid "A"\nmsgid_plural "As"\nmsgstr "a"\n', 9, "needs msgstr[0]", id="plural-with-msgstr"),
    pytest.param('msgid "A"\nmsgid_plural "As"\nmsgstr[1] "a"\n', 9, "out of order", id="plural-out-of-order"),
    pytest.param('msgid "A"\nmsgstr[0] "a"\n', 8, "without msgid_plural", id="index-without-plural"),
    pytest.param('msgid "A"\nmsgid_plural "As"\nmsgstr[0] "a"\n', 9, "1 plural form, but",
                 id="too-few-plural-forms"),
    pytest.param('msgid "A\\q"\nmsgstr "a"\n', 7, "unsupported escape sequence '\\q'", id="bad-escape"),
    pytest.param('msgid "A" x\nmsgstr "a"\n', 7, "unexpected text after the closing quote", id="text-after-quote"),
    pytest.param('msgid A\nmsgstr "a"\n', 7, "must be followed by a string", id="unquoted"),
    pytest.param('msgctxt "c"\nmsgstr "a"\n', 7, "msgctxt without a msgid", id="msgstr-after-msgctxt"),
    pytest.param('msgid "A"\n#, fuzzy\nmsgstr "a"\n', 8, "a comment inside an entry", id="comment-inside"),
    pytest.param('msgid ""\nmsgstr "x"\n', 7, "reserved for the header", id="second-empty-msgid"),
    pytest.param('#| msgid "Old\nmsgid "A"\nmsgstr "a"\n', 7, "unterminated string", id="unterminated-previous"),
    pytest.param('msgctxt "c"\nmsgid "A"\nmsgstr "a"\n\nmsgctxt "c"\nmsgid "A"\nmsgstr "b"\n', 12,
                 'duplicate msgid "A" (msgctxt "c")', id="duplicate-with-context"),
])
def test_malformed_entry_is_reported_at_its_line(body, line, words):
    problems = problems_of(HEADER + body)
    assert problems[0].line == line
    assert words in problems[0].message


@pytest.mark.parametrize(("header", "line", "words"), [
    pytest.param(HEADER.replace('"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n', ""), 2,
                 "the header has no Plural-Forms (for fi: 'nplurals=2; plural=(n != 1);')", id="missing"),
    pytest.param(HEADER.replace("nplurals=2; plural=(n != 1);", "nplurals=3; plural=(n != 1);"), 5,
                 "nplurals is 3 where fi needs 2", id="wrong-nplurals"),
    pytest.param(HEADER.replace("nplurals=2; plural=(n != 1);", "nplurals=2; plural=(n != 1;"), 5,
                 "is malformed", id="malformed-expression"),
    pytest.param(HEADER.replace("nplurals=2; plural=(n != 1);", "nplurals=2; plural=n;"), 5,
                 "gives form 2 for n=2, but nplurals is 2", id="form-out-of-range"),
    pytest.param(HEADER.replace('"Language: fi\\n"\n', ""), 2, "the header has no Language", id="no-language"),
    pytest.param(HEADER.replace("charset=UTF-8", "charset=ISO-8859-1"), 4, "catalogs must be UTF-8",
                 id="latin1-charset"),
])
def test_bad_header_is_reported(header, line, words):
    problems = problems_of(header + 'msgid "A"\nmsgstr "a"\n')
    assert (problems[0].line, words in problems[0].message) == (line, True), problems[0]


def test_plural_forms_of_the_catalogs_language_are_enforced():
    persian = HEADER.replace("Language: fi", "Language: fa").replace("(n != 1)", "(n > 1)")
    assert len(read_po(persian + 'msgid "A"\nmsgstr "a"\n', "fa.po")) == 1
    problems = problems_of(persian.replace("(n > 1)", "(n != 1)") + 'msgid "A"\nmsgstr "a"\n', "fa.po")
    assert "wrong Plural-Forms for fa" in problems[0].message


def test_string_before_any_entry_is_reported():
    assert "belongs to no msgid" in problems_of('"stray"\n' + HEADER + 'msgid "A"\nmsgstr "a"\n')[0].message


def test_every_problem_is_reported_not_only_the_first():
    text = HEADER + 'msgid "A\nmsgstr "a"\n\nmsgid "B"\nmsgstr "b"\nnonsense\n\nmsgid "C"\nmsgstr "c\n'
    assert [p.line for p in problems_of(text)] == [7, 12, 15]


def test_template_needs_no_language_or_plural_forms():
    text = '#, fuzzy\nmsgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "A"\nmsgstr ""\n'
    assert [e.msgid for e in read_po(text, "amif_search.pot")] == ["A"]
    assert "no Language" in problems_of(text, "fi.po")[0].message


def test_catalog_without_header_is_refused():
    assert "no header entry" in problems_of('msgid "A"\nmsgstr "a"\n')[0].message


@pytest.mark.parametrize("kind", ["text", "bytes", "text-file", "binary-file"])
def test_reader_takes_text_bytes_and_file_objects(kind):
    text = HEADER + 'msgid "Källa"\nmsgstr "Lähde"\n'
    source = {"text": text, "bytes": text.encode(), "text-file": io.StringIO(text),
              "binary-file": io.BytesIO(text.encode())}[kind]
    catalog = read_po(source, "fi.po")
    assert [(e.msgid, e.msgstr) for e in catalog] == [("Källa", "Lähde")]


def test_byte_order_mark_is_accepted():
    catalog = read_po(b"\xef\xbb\xbf" + (HEADER + 'msgid "A"\nmsgstr "a"\n').encode(), "fi.po")
    assert catalog.metadata["Language"] == "fi"


def test_entries_carry_the_line_of_their_msgid():
    text = HEADER + ('# comment\nmsgid "A"\nmsgstr "a"\n\nmsgctxt "c"\nmsgid "B"\nmsgstr "b"\n\n'
                     '#~ msgid "C"\n#~ msgstr "c"\n')
    assert [(e.msgid, e.linenum) for e in read_po(text, "fi.po")] == [("A", 8), ("B", 12), ("C", 15)]


def test_missing_file_is_a_catalog_error(tmp_path):
    with pytest.raises(CatalogError) as caught:
        read_po_path(tmp_path / "nowhere.po")
    assert caught.value.problems[0].file == str(tmp_path / "nowhere.po")
    assert "cannot read the catalog" in caught.value.problems[0].message


def test_writing_what_was_read_gives_the_same_bytes():
    # The fixture is also what msgcat writes: wrapping at 79 columns, references wrapped,
    # comments never wrapped, obsolete entries last.
    text = (FIXTURES / "roundtrip.po").read_text(encoding="utf-8")
    assert format_po(read_po(text, "roundtrip.po")) == text


def test_long_comments_are_not_wrapped():
    comment = "#. definition: " + "ord " * 40
    text = HEADER + comment.rstrip() + '\nmsgid "A"\nmsgstr "a"\n'
    assert comment.rstrip() + "\n" in format_po(read_po(text, "fi.po"))


def test_header_fields_keep_their_order():
    text = HEADER.replace('"Language: fi\\n"\n', "") + 'msgid "A"\nmsgstr "a"\n'
    text = text.replace('msgstr ""\n', 'msgstr ""\n"X-Custom: 1\\n"\n"Language: fi\\n"\n', 1)
    assert format_po(read_po(text, "fi.po")).index("X-Custom") < format_po(read_po(text, "fi.po")).index("Language")


def test_write_leaves_an_unchanged_file_alone(tmp_path):
    path = tmp_path / "fi.po"
    path.write_bytes((FIXTURES / "roundtrip.po").read_bytes())
    catalog = read_po_path(path)
    assert write_po_path(catalog, path) is False
    catalog[0].msgstr = "Kuvaus"
    assert write_po_path(catalog, path) is True
    assert read_po_path(path)[0].msgstr == "Kuvaus"
    assert not list(tmp_path.glob("*.tmp*"))
