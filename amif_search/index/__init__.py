"""The index layer: the only part of the package that imports Whoosh."""
