"""The domain glossary: its concepts and terms (:mod:`.concepts`), its exchange with
translators' tools (:mod:`.exchange`: TBX, CSV, JSON) and the reading of a query through it
(:mod:`.expansion`: Finnish and English words become Swedish ones).
"""
