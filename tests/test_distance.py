import pytest

from amif_search.text.distance import edit_distance


@pytest.mark.parametrize(("a", "b", "limit", "swaps", "expected"), [
    ("barn", "barn", None, True, 0),
    ("barn", "bran", None, True, 1),
    ("barn", "bran", None, False, 2),
    ("trauma", "trama", None, True, 1),
    ("kvinnor", "män", None, True, 6),
    ("kvinnor", "män", 2, True, None),
    ("integration", "integratoin", 1, True, 1),
    ("integration", "integratoin", 1, False, None),
    ("", "abc", None, True, 3),
], ids=["same", "swap", "swap-as-two-edits", "deletion", "far", "far-bounded",
        "swap-within-bound", "swap-beyond-bound-without-swaps", "empty"])
def test_edit_distance(a, b, limit, swaps, expected):
    assert edit_distance(a, b, limit, swaps=swaps) == expected
