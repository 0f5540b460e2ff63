"""Text: how Swedish words are read (stems, compounds, roots, folded spellings) and how a
snippet is cut around what a query matched.

Nothing here knows of the index, the glossary or the interface language.
"""
