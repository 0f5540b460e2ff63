"""The broken catalogs under fixtures/l10n/bad, and the line each one's fault is on."""

from __future__ import annotations

from pathlib import Path

import pytest

BAD = Path(__file__).parent / "fixtures" / "l10n" / "bad"

BAD_CATALOGS = [
    pytest.param("syntax_error.po", 10, id="syntax-error"),
    pytest.param("unterminated_string.po", 8, id="unterminated-string"),
    pytest.param("invalid_utf8.po", 11, id="invalid-utf8"),
    pytest.param("duplicate_msgid.po", 11, id="duplicate-msgid"),
    pytest.param("wrong_plural_forms.po", 6, id="wrong-plural-forms"),
]
