"""Generate N synthetic AMIF projects in the Swedish source page's own format, for benchmarks.

    python bench/generate.py 10000 bench/.cache/corpus-10000     # a folder of *.sv.txt pages

Everything is drawn, with a fixed seed, from the real page
(data/amif-so6-quota-refugee-placement.sv.txt):

- description words from the page's own word-frequency distribution (its ~600 word forms
  keep their ranks and relative frequencies), plus a long Zipfian tail (1/rank) of Swedish
  compounds made of the page's words (kvotflykting + s + mottagande ...) and of proper names,
  so that the vocabulary grows with N the way real text does (Heaps' law) instead of
  stopping at the page's 600 words;
- sentence lengths from the page's sentences, description lengths (sentences per project)
  from its descriptions, a comma at the page's rate;
- titles like the real ones: 'SHORT – Title', 'Title (SHORT)', 'Name 2.0', plain titles;
- implementers: the real ones and generated organisations (Stiftelsen ..., ... rf, ... Oy,
  NTM-centralen i ..., ... stad), drawn Zipf-like so big implementers run many projects;
- periods starting 2014-2026 and ending by 31.12.2027, EU support log-normal around
  400 000 euro, written the page's ways (1.2.2021 and 01.02.2021; 910 090 and 2 679 894,24);
- a few of the page's own typing slips (Projektbeskrivining, Verksamhetsförare), so the
  parser's repair path is exercised as on the real page.

Projects are written under 'Nationellt mål S.K:' headings, up to --per-file projects a
file (a source may be at most 64 MiB). Every project gets a different ID without the
parser's hash suffix (short name or title and start year), so one project can be edited
and found again by the same ID. The written files are parsed back and checked unless
--no-check is given.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import re
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from amif_search.source import parse_document, read_sources, slugify, split_short_name  # noqa: E402

PAGE = ROOT / "data" / "amif-so6-quota-refugee-placement.sv.txt"
# Bump when the generator's output changes: perf.py regenerates cached corpora then.
GENERATOR_VERSION = 1
DEFAULT_SEED = 20240607
TAIL_MASS = 0.25         # share of running words drawn from the long tail (compounds, names)
TAIL_SIZE = 300_000      # word forms in the tail
PER_FILE = 10_000

_WORD = re.compile(r"[^\W\d_]+(?:[-:][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"(?<=[a-zåäö0-9)])[.!?](?=\s+[A-ZÅÄÖ]|\s*$)")
FUNCTION_WORDS = ("av", "för", "i", "och", "till", "hos", "vid", "med", "inom", "genom")
STOP = frozenset("""
alla allt att av de dem den denna deras dess dessa det detta där då efter eller en ett från för
genom har hos i inom kan med mellan men mot och om på samt sig sin sina som så till under ut utan
vid är över också bl
""".split())
SYLLABLES = ("ka", "lo", "mi", "sa", "ve", "ri", "tu", "na", "po", "le", "ja", "ko", "ul", "an", "is",
             "et", "ar", "mo", "ni", "su", "vi", "ta", "ra", "sil", "ven", "tor", "lin", "mar", "kes", "hel")
PLACES = ("Helsingfors", "Esbo", "Vanda", "Åbo", "Tammerfors", "Uleåborg", "Jyväskylä", "Kuopio", "Lahtis",
          "Vasa", "Borgå", "Karleby", "Jakobstad", "Kotka", "Joensuu", "Lojo", "Kyrkslätt", "Raseborg",
          "Nykarleby", "Kristinestad", "Rovaniemi", "Seinäjoki", "Björneborg", "Tavastehus",
          "Villmanstrand", "Kajana", "Mikkeli", "Kemi", "Torneå", "Ekenäs")
REGIONS = ("Nyland", "Egentliga Finland", "Österbotten", "Birkaland", "Lappland", "Södra Savolax",
           "Norra Österbotten", "Kymmenedalen", "Mellersta Finland", "Norra Karelen", "Satakunta",
           "Egentliga Tavastland", "Päijänne-Tavastland", "Kajanaland", "Södra Karelen", "Norra Savolax")
REAL_SHORT_NAMES = ("Sylvia", "Navigator", "LANU", "PALOMA", "TUULI", "Delaktig")


class Vocabulary:
    """What the real page is made of, ready to be sampled."""

    def __init__(self, text: str, seed: int) -> None:
        projects = parse_document(text, PAGE.name)
        # The prose of the page: titles, introductions and descriptions, without the labels.
        prose = [re.sub(r"^\s*•\s*\w+:\s*", "", line) for line in text.splitlines()
                 if line.strip() and "Projektgenomförare" not in line and "Nationellt mål" not in line]
        words = [w for line in prose for w in _WORD.findall(line)]
        counts: Counter[str] = Counter(w.lower() for w in words)
        # The spelling a word has inside a sentence: 'Finland', 'ANM', but 'projektet'.
        casing: dict[str, Counter[str]] = {}
        for line in prose:
            for index, match in enumerate(_WORD.finditer(line)):
                word = match.group(0)
                initial = index == 0 or line[:match.start()].rstrip().endswith((".", ":", "•"))
                if not initial:
                    casing.setdefault(word.lower(), Counter())[word] += 1
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        self.real_words = [casing[w].most_common(1)[0][0] if w in casing else w for w, _n in ranked]
        real_weights = [n for _w, n in ranked]
        total = sum(real_weights)

        self.content = sorted({w for w in counts if len(w) >= 5 and w not in STOP and "-" not in w
                               and ":" not in w and w.islower()
                               and casing.get(w, Counter({w: 1})).most_common(1)[0][0].islower()})
        rng = random.Random(seed)
        tail = self._tail(rng, set(counts))
        tail_norm = sum(1.0 / r for r in range(1, len(tail) + 1))
        self.words = self.real_words + tail
        weights = [(1 - TAIL_MASS) * n / total for n in real_weights]
        weights += [TAIL_MASS / (r * tail_norm) for r in range(1, len(tail) + 1)]
        self.cum_weights = list(itertools.accumulate(weights))
        self.title_words = [w for w in self.words[:len(self.real_words) + 20_000]
                            if w.islower() and len(w) >= 5 and w not in STOP and ":" not in w]

        self.sentence_lengths = []
        self.sentences_per_description = []
        commas = 0
        for project in projects:
            sentences = [s for s in _SENTENCE_END.split(project.description) if s.strip()]
            self.sentences_per_description.append(len(sentences))
            for sentence in sentences:
                n = len(_WORD.findall(sentence))
                if n >= 5:   # shorter ones are 'bl.a.' and the like cut by the splitter
                    self.sentence_lengths.append(n)
            commas += project.description.count(",")
        running = sum(len(_WORD.findall(p.description)) for p in projects)
        self.comma_rate = commas / running
        self.implementers = sorted({p.implementer for p in projects})

    def _tail(self, rng: random.Random, known: set[str]) -> list[str]:
        """Compounds of the page's words and proper names, in a random rank order."""
        import snowballstemmer  # noqa: PLC0415

        stemmer = snowballstemmer.stemmer("swedish")
        # Modifiers in their base form: integration, flykting (of flyktingar), not the stem 'kompet'.
        modifiers = set()
        for w in self.content:
            s = stemmer.stemWord(w)
            if len(s) >= 4 and (s == w or w in (s + "ar", s + "er", s + "or", s + "en", s + "et", s + "na")):
                modifiers.add(s)
        modifiers = sorted(modifiers)
        heads = self.content
        seen = set(known)
        tail: list[str] = []
        while len(tail) < TAIL_SIZE:
            roll = rng.random()
            if roll < 0.85:
                modifier = rng.choice(modifiers)
                link = "s" if modifier.endswith(("tion", "het", "ning", "skap", "itet", "ing", "else", "dom")) \
                    else rng.choice(("", "", "", "s"))
                word = modifier + link + rng.choice(heads)
                if roll < 0.10:   # three members: arbets + livs + vägledning
                    word = rng.choice(modifiers) + "s" + word
            else:
                word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
                word += rng.choice(("", "", "s", "ska", "gruppen"))
            if word.lower() not in seen:
                seen.add(word.lower())
                tail.append(word)
        return tail

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum_weights, k=k)


class ProjectWriter:
    """Draws projects one at a time, each with an ID no other has."""

    def __init__(self, vocabulary: Vocabulary, rng: random.Random, n: int) -> None:
        self.v = vocabulary
        self.rng = rng
        self.ids: set[str] = set()
        pool = 40 + n // 25
        self.implementers = list(vocabulary.implementers) + [self._organisation() for _ in range(pool)]
        ranks = range(1, len(self.implementers) + 1)
        self.implementer_weights = list(itertools.accumulate(1.0 / r ** 0.9 for r in ranks))
        rng.shuffle(self.implementers)

    # -- text -------------------------------------------------------------------------

    def sentence(self, length: int | None = None) -> str:
        rng = self.rng
        length = length or rng.choice(self.v.sentence_lengths)
        words = self.v.sample(rng, length)
        for index in range(1, len(words) - 1):
            if rng.random() < self.v.comma_rate:
                words[index] += ","
        first = words[0]
        words[0] = first[:1].upper() + first[1:]
        return " ".join(words) + "."

    def description(self) -> str:
        count = self.rng.choice(self.v.sentences_per_description)
        return " ".join(self.sentence() for _ in range(count))

    def phrase_title(self, low: int = 2, high: int = 5) -> str:
        rng = self.rng
        words = []
        for index in range(rng.randint(low, high)):
            if index:
                words.append(rng.choice(FUNCTION_WORDS))
            # Title words are flatter than running text: the first 20 000 forms, uniformly by rank band.
            band = min(len(self.v.title_words), 200 * 10 ** rng.randint(0, 2))
            words.append(self.v.title_words[rng.randrange(band)])
        title = " ".join(words)
        return title[:1].upper() + title[1:]

    def short_name(self) -> str:
        rng = self.rng
        if rng.random() < 0.1:
            name = rng.choice(REAL_SHORT_NAMES)
        else:
            name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
            name = name.upper() if rng.random() < 0.5 else name.capitalize()
        version = rng.random()
        if version < 0.15:
            name += str(rng.randint(2, 9))
        elif version < 0.25:
            name += f" {rng.randint(2, 9)}"
        elif version < 0.30:
            name += f" {rng.randint(1, 4)}.0"
        return name

    def title(self, year: int) -> str:
        """A title whose ID ('<short name or title>-<year>') no earlier project has."""
        rng = self.rng
        while True:
            kind = rng.random()
            if kind < 0.30:
                title = f"{self.short_name()} {rng.choice(('–', '–', '-'))} {self.phrase_title()}"
            elif kind < 0.55:
                title = f"{self.phrase_title()} ({self.short_name()})"
            elif kind < 0.62:
                title = self.short_name()
            else:
                title = self.phrase_title(2, 6)
            short, _rest = split_short_name(title)
            project_id = f"{slugify(short or title)}-{year}"
            if project_id not in self.ids:
                self.ids.add(project_id)
                return title

    def _organisation(self) -> str:
        rng = self.rng
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        thing = rng.choice(self.v.content)
        place, region = rng.choice(PLACES), rng.choice(REGIONS)
        return rng.choice((
            f"{place} stad", f"{place} kommun", f"Stiftelsen {name}", f"Stiftelsen för {thing} i {place} sr",
            f"{name} rf", f"{name} ry", f"{name} Oy", f"{name} Ab", f"NTM-centralen i {region}",
            f"Föreningen för {thing} i {region} rf", f"{place} universitet", f"Samkommunen {name}",
            f"{name}säätiö sr", f"Folkhälsan i {region}",
        ))

    def implementer(self) -> str:
        return self.rng.choices(self.implementers, cum_weights=self.implementer_weights)[0]

    # -- details ----------------------------------------------------------------------

    def period(self) -> tuple[date, date]:
        rng = self.rng
        months = rng.randint(0, 12 * 13 - 1)            # starts January 2014 - December 2026
        year, month = 2014 + months // 12, months % 12 + 1
        start = date(year, month, 1 if rng.random() < 0.8 else rng.randint(2, 28))
        duration = rng.randint(6, 48)
        end_month = month - 2 + duration
        end_year, end_month = year + end_month // 12, end_month % 12 + 1
        end = date(end_year + end_month // 12, end_month % 12 + 1, 1) - timedelta(days=1)
        return start, min(end, date(2027, 12, 31))

    def amount(self) -> str:
        rng = self.rng
        euros = min(9_000_000, max(10_000, rng.lognormvariate(math.log(400_000), 0.9)))
        whole = f"{int(euros):,}".replace(",", " ")
        if rng.random() < 0.4:
            return whole
        cents = f"{rng.randint(0, 99):02d}"
        return f"{whole}, {cents}" if rng.random() < 0.005 else f"{whole},{cents}"

    def project(self) -> str:
        rng = self.rng
        start, end = self.period()
        title = self.title(start.year)
        padded = rng.random() < 0.4
        when = (f"{start:%d.%m.%Y} - {end:%d.%m.%Y}" if padded
                else f"{start.day}.{start.month}.{start.year} - {end.day}.{end.month}.{end.year}")
        description_label = "Projektbeskrivining" if rng.random() < 0.02 else "Projektbeskrivning"
        period_label = "Verksamhetsförare" if rng.random() < 0.01 else "Verksamhetsperiod"
        separator = "." if rng.random() < 0.01 else ","
        return (f"{title}\n\n"
                f" • {description_label}: {self.description()}\n\n"
                f" • Projektgenomförare: {self.implementer()}{separator} {period_label}: {when}, "
                f"EU-stöd: {self.amount()} euro\n\n")


def specific_numbers():
    yield 6   # first, so that the relevance queries' filters (mål:6.1, objective:6.2) select projects
    for number in itertools.count(1):
        if number != 6:
            yield number


def generate_pages(n: int, seed: int = DEFAULT_SEED, per_file: int = PER_FILE):
    """Yield (file name, text) for ``n`` projects, ``per_file`` a page."""
    vocabulary = Vocabulary(PAGE.read_text(encoding="utf-8"), seed)
    rng = random.Random(seed + 1)
    writer = ProjectWriter(vocabulary, rng, n)
    files = max(1, math.ceil(n / per_file))
    numbers = specific_numbers()
    made = 0
    for file_index in range(files):
        specific = next(numbers)
        in_file = min(per_file, n - made)
        parts = [f"{writer.phrase_title(3, 6)}\n\n{writer.sentence()} {writer.sentence()}\n\n"]
        written = 0
        while written < in_file:
            block = min(in_file - written, rng.randint(20, 400) if in_file > 40 else in_file)
            code = f"{specific}.{rng.randint(1, 5)}"
            parts.append(f"Nationellt mål {code}: {writer.phrase_title(3, 7)}\n\n{writer.sentence()}\n\n")
            parts.extend(writer.project() for _ in range(block))
            written += block
        made += in_file
        yield f"amif-synthetic-{file_index + 1:03d}.sv.txt", "".join(parts)


def write_corpus(n: int, out: Path, seed: int = DEFAULT_SEED, per_file: int = PER_FILE) -> list[Path]:
    """Write the pages into the folder ``out`` (its old pages removed); returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("amif-synthetic-*.sv.txt"):
        old.unlink()
    paths = []
    for name, text in generate_pages(n, seed, per_file):
        path = out / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def check_corpus(paths: list[Path], n: int) -> None:
    """Parse the pages back: every project read, none with the parser's hash suffix."""
    projects = read_sources(paths)
    ids = [p.id for p in projects]
    if len(projects) != n:
        raise SystemExit(f"generate.py: parsed {len(projects)} projects, expected {n}")
    if len(set(ids)) != n:
        raise SystemExit("generate.py: IDs are not unique")
    suffixed = [p for p in projects if p.id != f"{slugify(p.short_name or p.title)}-{p.start.year}"]
    if suffixed:
        raise SystemExit(f"generate.py: {len(suffixed)} IDs needed a hash suffix, e.g. {suffixed[0].id}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="how many projects")
    parser.add_argument("out", type=Path, help="folder to write the pages to")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--per-file", type=int, default=PER_FILE, help="projects a page (default %(default)s)")
    parser.add_argument("--no-check", action="store_true", help="do not parse the pages back")
    args = parser.parse_args(argv)
    if args.n < 1 or args.per_file < 1:
        parser.error("n and --per-file must be positive")
    paths = write_corpus(args.n, args.out, args.seed, args.per_file)
    if not args.no_check:
        check_corpus(paths, args.n)
    size = sum(p.stat().st_size for p in paths)
    print(f"{args.n} projects in {len(paths)} file(s), {size / 1e6:.1f} MB, in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
