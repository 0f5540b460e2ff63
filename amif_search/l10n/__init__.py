"""Gettext catalogs: the translator's tools, in Babel's split.

- :mod:`.pofile`: reading (checked, with line numbers) and writing .po/.pot files;
- :mod:`.syntax`: the check of PO syntax that runs before polib;
- :mod:`.extract`: the template of the UI's messages, from the source code;
- :mod:`.merge`: a template merged into a catalog, as ``msgmerge --previous`` does;
- :mod:`.check`: counts and problems per catalog;
- :mod:`.compile`: .mo files;
- :mod:`.create`: a catalog for a new language;
- :mod:`.plurals`: the Plural-Forms of each language;
- :mod:`.layout`: where templates and catalogs live;
- :mod:`.source_strings`: messages the code translates without spelling them out.

Import the module you need; importing this package loads nothing, and polib loads with the
modules that need it.
"""
