"""Check the thesaurus staging files against the glossary before they are folded in.

    python staging/thesaurus/check.py

Every concept id must exist in locales/glossary.pot or in concepts.tsv; a relation must
not point at its own concept, repeat another (a related pair counts once in either
direction), or close a cycle of broader links; a label must not repeat a term of the
glossary or another label in the same language. Prints one line per problem and exits
with 1 if there is any.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
POS = {"substantiv", "verb", "adjektiv", "fras", "organisation", "förkortning"}
DOMAINS = {"mottagande", "skydd", "placering", "integration", "psykisk-hälsa", "barn-familj",
           "sysselsättning", "utbildning", "tolkning", "boende", "social-trygghet", "finansiering",
           "myndighet"}
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def read_tsv(name: str) -> list[tuple[int, dict[str, str]]]:
    with open(HERE / name, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(number, row) for number, row in enumerate(reader, start=2)]


def glossary_terms() -> tuple[set[str], set[tuple[str, str]]]:
    """Concept ids and (lang, term) pairs of the catalogs, read without the package."""
    ids: set[str] = set()
    terms: set[tuple[str, str]] = set()
    pot = (ROOT / "locales" / "glossary.pot").read_text(encoding="utf-8")
    for match in re.finditer(r'^msgctxt "(.*)"\n(?:msgid "(.*)")?', pot, re.M):
        ids.add(match.group(1))
        if match.group(2):
            terms.add(("sv", match.group(2).casefold()))
    for match in re.finditer(r"^#\. variants: (.*)$", pot, re.M):
        terms.update(("sv", t.casefold()) for t in match.group(1).split("; "))
    for lang in ("fi", "en"):
        po = (ROOT / "locales" / lang / "LC_MESSAGES" / "glossary.po").read_text(encoding="utf-8")
        for match in re.finditer(r'^msgctxt ".*"\nmsgid ".*"\nmsgstr "(.*)"', po, re.M):
            terms.update((lang, t.casefold()) for t in match.group(1).split("; ") if t)
    return ids, terms


def main() -> int:
    problems: list[str] = []
    ids, terms = glossary_terms()
    for number, row in read_tsv("concepts.tsv"):
        where = f"concepts.tsv:{number}"
        cid = row["concept"]
        if not ID.match(cid):
            problems.append(f"{where}: id {cid!r} is not lowercase ASCII with hyphens")
        if cid in ids:
            problems.append(f"{where}: id {cid!r} already exists")
        if row["pos"] not in POS or row["domain"] not in DOMAINS:
            problems.append(f"{where}: unknown pos or domain")
        if not row["note"].startswith(("Verifierat", "Delvis verifierat", "Ej verifierat", "Ej i referenslistan")):
            problems.append(f"{where}: the note must begin with the verification status")
        ids.add(cid)
        for lang in ("sv", "fi", "en"):
            for term in row[lang].split("; "):
                if (lang, term.casefold()) in terms:
                    problems.append(f"{where}: {lang} {term!r} is already a glossary term")
                terms.add((lang, term.casefold()))
    for number, row in read_tsv("labels.tsv"):
        where = f"labels.tsv:{number}"
        if row["concept"] not in ids:
            problems.append(f"{where}: unknown concept {row['concept']!r}")
        if row["kind"] not in ("alt", "hidden") or row["lang"] not in ("sv", "fi", "en"):
            problems.append(f"{where}: kind must be alt or hidden, lang sv, fi or en")
        key = (row["lang"], row["label"].casefold())
        if key in terms:
            problems.append(f"{where}: {row['label']!r} is already a term or label")
        terms.add(key)
    broader: dict[str, set[str]] = {}
    seen: set[tuple[str, str, str]] = set()
    for number, row in read_tsv("relations.tsv"):
        where = f"relations.tsv:{number}"
        source, relation, target = row["concept"], row["relation"], row["target"]
        for cid in (source, target):
            if cid not in ids:
                problems.append(f"{where}: unknown concept {cid!r}")
        if relation not in ("broader", "related"):
            problems.append(f"{where}: relation must be broader or related")
        if source == target:
            problems.append(f"{where}: {source!r} is related to itself")
        pair = (relation, *sorted((source, target))) if relation == "related" else (relation, source, target)
        if pair in seen or ("broader", target, source) in seen or (relation == "related" and (
                ("broader", source, target) in seen or ("broader", target, source) in seen)):
            problems.append(f"{where}: {source} {relation} {target} repeats another relation")
        seen.add(pair)
        if relation == "broader":
            broader.setdefault(source, set()).add(target)
    for start in broader:
        stack, visited = list(broader[start]), set()
        while stack:
            node = stack.pop()
            if node == start:
                problems.append(f"relations.tsv: a cycle of broader links passes through {start!r}")
                break
            if node not in visited:
                visited.add(node)
                stack.extend(broader.get(node, ()))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
