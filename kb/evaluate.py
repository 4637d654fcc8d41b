"""Labeled corpus + taxonomy -> precision and recall of tagging and dating, so an edit to taxonomy.yml shows what it did.

A corpus folder holds groups (e.g. `dev/`, `heldout/`), each with `sources/*.md`
(articles, as in sources/) and `labels/<id>.yml` written by reading them:

    article: {administrations: [abe], themes: [sanctions]}
    paragraphs:                      # by paragraph number on the page (headings not counted)
      1: {administrations: [abe], themes: [sanctions]}
    events:                          # every date the timeline should list
      - {paragraph: 1, date: "2014-07-04", administration: abe}   # end: for ranges; null: no single one

Measured: for administrations and themes, article-level precision and recall
(per tag and overall); paragraph-level (administration, theme) pairs; and
timeline events, right when the paragraph, date (and end) and administration
all agree.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kb.problems import InputError, Problem
from kb.sources import load_articles
from kb.tagging import TaggedArticle, Tagger
from kb.taxonomy import Taxonomy, load_taxonomy
from kb.timeline import extract_events
from kb.yamlio import Value, YamlError, parse_document

EventKey = tuple[int, str, str | None, str | None]  # paragraph, date, end, administration


@dataclass
class Score:
    """Counts of agreement between labels and the generator's output."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, labeled: Iterable[Hashable] | Mapping[Hashable, int], found: Iterable[Hashable] | Mapping[Hashable, int]) -> None:
        """Count one item's labeled and found sets (or multisets, as Counters)."""
        want: Counter[Hashable] = Counter(labeled)
        got: Counter[Hashable] = Counter(found)
        both = sum((want & got).values())
        self.tp += both
        self.fp += sum(got.values()) - both
        self.fn += sum(want.values()) - both

    @property
    def precision(self) -> float:
        """Share of what was found that the labels have (1.0 when nothing was found)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of what the labels have that was found (1.0 when nothing is labeled)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Figures:
    """Every score of one group of articles, and the disagreements behind them."""

    name: str
    articles: int = 0
    paragraphs: int = 0
    article_admins: Score = field(default_factory=Score)
    article_themes: Score = field(default_factory=Score)
    pairs: Score = field(default_factory=Score)
    paragraph_admins: Score = field(default_factory=Score)
    paragraph_themes: Score = field(default_factory=Score)
    events: Score = field(default_factory=Score)
    per_tag: dict[str, tuple[Score, Score]] = field(default_factory=dict)  # tag -> (article level, paragraph level)
    misses: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Labels:
    """One article's labels."""

    administrations: frozenset[str]
    themes: frozenset[str]
    paragraphs: dict[int, tuple[frozenset[str], frozenset[str]]]
    events: tuple[EventKey, ...]


def evaluate(corpus: Path, taxonomy: Taxonomy, today: dt.date | None = None) -> list[Figures]:
    """Figures for each group folder of the corpus, then for all of them together (raise InputError on bad input)."""
    groups = sorted(p for p in corpus.iterdir() if (p / "sources").is_dir()) if corpus.is_dir() else []
    if not groups:
        raise InputError([Problem(str(corpus), None, "corpus", "expected group folders with sources/ and labels/ (e.g. dev/sources/*.md)")])
    tagger = Tagger(taxonomy)
    total = Figures("all")
    results = []
    problems: list[Problem] = []
    for group in groups:
        figures = Figures(group.name)
        try:
            articles = load_articles(group / "sources", taxonomy, today)
        except InputError as err:
            problems += err.problems
            continue
        for article in articles:
            labels = _labels(group / "labels" / f"{article.id}.yml", taxonomy, problems)
            if labels is None:
                continue
            tagged = tagger.article(article)
            for figures_of in (figures, total):
                _score(figures_of, tagged, labels, taxonomy)
        results.append(figures)
    if problems:
        raise InputError(problems)
    return [*results, total]


def _score(figures: Figures, tagged: TaggedArticle, labels: Labels, taxonomy: Taxonomy) -> None:
    article = tagged.article
    figures.articles += 1
    figures.article_admins.add(set(labels.administrations), set(tagged.administrations))
    figures.article_themes.add(set(labels.themes), set(tagged.themes))
    for tag in [a.id for a in taxonomy.administrations] + [t.id for t in taxonomy.themes]:
        scores = figures.per_tag.setdefault(tag, (Score(), Score()))
        scores[0].add({tag} & labels.administrations | {tag} & labels.themes, {tag} & {*tagged.administrations, *tagged.themes})
    for tag in sorted((labels.administrations | labels.themes) ^ {*tagged.administrations, *tagged.themes}):
        kind = "missed" if tag in labels.administrations | labels.themes else "extra"
        figures.misses.append(f"{article.id}: {kind} {tag} (article)")
    for passage in tagged.passages:
        number = passage.block.number
        figures.paragraphs += 1
        want_admins, want_themes = labels.paragraphs.get(number, (frozenset(), frozenset()))
        got_admins, got_themes = set(passage.administrations), set(passage.themes)
        figures.pairs.add({(a, t) for a in want_admins for t in want_themes}, {(a, t) for a in got_admins for t in got_themes})
        figures.paragraph_admins.add(set(want_admins), got_admins)
        figures.paragraph_themes.add(set(want_themes), got_themes)
        for tag in [a.id for a in taxonomy.administrations] + [t.id for t in taxonomy.themes]:
            figures.per_tag[tag][1].add({tag} & (want_admins | want_themes), {tag} & (got_admins | got_themes))
        for tag in sorted((want_admins | want_themes) ^ (got_admins | got_themes)):
            kind = "missed" if tag in want_admins | want_themes else "extra"
            why = "; ".join(e.describe() for e in passage.reasons(tag))
            figures.misses.append(f"{article.id} ¶{number}: {kind} {tag}" + (f" ({why})" if why else ""))
    found: Counter[EventKey] = Counter()
    for event in extract_events_of(tagged, taxonomy):
        found[(event[0], event[1], event[2], event[3])] += 1
    wanted = Counter(labels.events)
    figures.events.add(wanted, found)
    for key in sorted((wanted - found) | (found - wanted), key=str):
        kind = "missed" if wanted[key] > found[key] else "extra"
        span = key[1] + (f"–{key[2]}" if key[2] else "")
        figures.misses.append(f"{article.id} ¶{key[0]}: {kind} event {span} ({key[3] or 'no single administration'})")


def extract_events_of(tagged: TaggedArticle, taxonomy: Taxonomy) -> Iterator[EventKey]:
    """(paragraph, date, end, administration) of each timeline event of one article."""
    from kb.tagging import Collection

    for event in extract_events(Collection(taxonomy, (tagged,))):
        yield (event.passage.block.number, event.date.iso(), event.end.iso() if event.end else None, event.administration)


def _labels(path: Path, taxonomy: Taxonomy, problems: list[Problem]) -> Labels | None:
    """One labels file, checked against the taxonomy."""
    where = path.as_posix()
    try:
        data = parse_document(path.read_text(encoding="utf-8"))
    except OSError:
        problems.append(Problem(where, None, "labels", "missing: write the article's labels next to its source (see kb/evaluate.py)"))
        return None
    except YamlError as err:
        problems.append(Problem(where, err.line, "yaml", err.message))
        return None
    known = {a.id for a in taxonomy.administrations} | {t.id for t in taxonomy.themes}
    if not isinstance(data, dict):
        problems.append(Problem(where, None, "labels", "must be a mapping with article:, paragraphs: and events:"))
        return None

    def tags(value: Value, field_name: str) -> frozenset[str]:
        items = value if isinstance(value, list) else []
        bad = [v for v in items if not isinstance(v, str) or v not in known]
        if bad or (value is not None and not isinstance(value, list)):
            problems.append(Problem(where, None, field_name, f"must be a list of taxonomy ids, got {bad or value!r}"))
        return frozenset(v for v in items if isinstance(v, str))

    def pair(value: Value, field_name: str) -> tuple[frozenset[str], frozenset[str]]:
        item = value if isinstance(value, dict) else {}
        return tags(item.get("administrations"), f"{field_name}.administrations"), tags(item.get("themes"), f"{field_name}.themes")

    admins, themes = pair(data.get("article"), "article")
    raw = data.get("paragraphs")
    paragraphs = {int(k): pair(v, f"paragraphs.{k}") for k, v in (raw.items() if isinstance(raw, dict) else []) if k.isdigit()}
    events = []
    for index, item in enumerate(data.get("events") or []):  # type: ignore[union-attr]
        if not isinstance(item, dict) or not str(item.get("paragraph", "")).isdigit() or not isinstance(item.get("date"), str):
            problems.append(Problem(where, None, f"events[{index}]", "must be {paragraph: N, date: YYYY[-MM[-DD]], administration: id or null}"))
            continue
        admin, end = item.get("administration"), item.get("end")
        events.append((int(str(item["paragraph"])), str(item["date"]), end if isinstance(end, str) else None, admin if isinstance(admin, str) else None))
    union_admins = frozenset().union(*(a for a, _ in paragraphs.values())) if paragraphs else frozenset()
    union_themes = frozenset().union(*(t for _, t in paragraphs.values())) if paragraphs else frozenset()
    if (admins, themes) != (union_admins, union_themes):
        problems.append(Problem(where, None, "article", "must list exactly the administrations and themes of its paragraphs"))
    return Labels(admins, themes, paragraphs, tuple(events))


def _percent(value: float) -> str:
    return f"{100 * value:5.1f}%"


def _line(label: str, score: Score) -> str:
    return f"  {label:<46} P {_percent(score.precision)}  R {_percent(score.recall)}  (tp {score.tp}, fp {score.fp}, fn {score.fn})"


def report(results: list[Figures], details: bool = False) -> str:
    """The figures as text, one block per group and one for the whole corpus."""
    lines = []
    for figures in results:
        lines += [f"== {figures.name}: {figures.articles} articles, {figures.paragraphs} paragraphs ==", ""]
        lines.append(_line("articles: administrations", figures.article_admins))
        lines.append(_line("articles: themes", figures.article_themes))
        lines.append(_line("paragraphs: administrations", figures.paragraph_admins))
        lines.append(_line("paragraphs: themes", figures.paragraph_themes))
        lines.append(_line("paragraphs: (administration, theme) pairs", figures.pairs))
        lines.append(_line("timeline events: date and administration", figures.events))
        lines += ["", f"  {'per tag':<24} {'articles P':>10} {'R':>7} {'n':>4}   {'paragraphs P':>12} {'R':>7} {'n':>4}"]
        for tag, (article, paragraph) in figures.per_tag.items():
            if article.tp + article.fp + article.fn:
                lines.append(
                    f"  {tag:<24} {_percent(article.precision):>10} {_percent(article.recall):>7} {article.tp + article.fn:>4}"
                    f"   {_percent(paragraph.precision):>12} {_percent(paragraph.recall):>7} {paragraph.tp + paragraph.fn:>4}"
                )
        if details and figures.misses:
            lines += ["", "  disagreements:"] + [f"    {m}" for m in figures.misses]
        lines.append("")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `evaluate` subcommand's options."""
    parser.add_argument("--corpus", type=Path, default=None, help="labeled corpus folder (default: tests/corpus)")
    parser.add_argument("--details", action="store_true", help="also list every disagreement with the labels")


def command(root: Path, taxonomy_path: Path, args: argparse.Namespace) -> int:
    """Run `evaluate`: print the figures; raise InputError on a broken corpus."""
    corpus = args.corpus if args.corpus is not None else root / "tests" / "corpus"
    taxonomy = load_taxonomy(taxonomy_path)
    print(report(evaluate(corpus, taxonomy), args.details), end="")
    return 0
