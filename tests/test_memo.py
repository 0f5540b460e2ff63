from amif_search.memo import BoundedCache


def test_bounded_cache_starts_again_when_full():
    cache = BoundedCache(2)
    cache["a"] = 1
    cache["b"] = 2
    cache["b"] = 3            # replacing an entry does not count as a new one
    assert dict(cache) == {"a": 1, "b": 3}
    cache["c"] = 4
    assert dict(cache) == {"c": 4}


def test_bounded_cache_remembers_falsy_results():
    cache = BoundedCache(10)
    cache["word"] = None
    assert "word" in cache and cache.get("word", "missing") is None
