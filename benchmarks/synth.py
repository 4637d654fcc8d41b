"""Synthetic collections for the benchmark: the seed paragraphs reshuffled into N articles."""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FIRST_NAMES = ("Aiko", "Hiroshi", "Min-jun", "Seo-yeon", "Sebastian", "Claire", "Tomoko", "Daniel", "Ji-woo", "Kenji", "Maria", "Sung-ho")
SURNAMES = ("Tanaka", "Kim", "Park", "Maslow", "Lee", "Suzuki", "Watanabe", "Choi", "Smith", "Ito", "Yamamoto", "Jung")
PUBLISHERS = (
    "The Diplomat", "Sejong Institute", "Korea Institute for National Unification (KINU)", "East Asia Forum",
    "The Japan Times", "38 North", "Nippon.com", "Asia Policy Review", "Tokyo Policy Quarterly",
)  # fmt: skip
TITLE_WORDS = (
    "Japan", "North Korea", "Pyongyang", "Tokyo", "Abductions", "Summit", "Sanctions", "Dialogue", "Deterrence",
    "Normalization", "Missiles", "Diplomacy", "Backchannel", "Alliance", "Pressure", "Engagement", "Stalemate",
)  # fmt: skip
_FRONT = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


@dataclass(frozen=True)
class Synthesis:
    """What was written: the folder and how many articles and paragraphs."""

    sources: Path
    articles: int
    paragraphs: int


def seed_paragraphs(sources: Path = ROOT / "sources") -> list[str]:
    """Every paragraph (not heading) of the seed sources' bodies, in file order."""
    paragraphs: list[str] = []
    for path in sorted(sources.glob("*.md")):
        body = _FRONT.sub("", path.read_text(encoding="utf-8").replace("\r\n", "\n"), count=1)
        for chunk in re.split(r"\n\s*\n", body):
            chunk = " ".join(line.strip() for line in chunk.strip().splitlines())
            if chunk and not chunk.startswith("#"):
                paragraphs.append(chunk)
    return paragraphs


def taxonomy_ids(taxonomy: Path = ROOT / "taxonomy.yml") -> tuple[list[str], list[str]]:
    """(administration ids, theme ids) in taxonomy order, read without the kb package."""
    section = ""
    ids: dict[str, list[str]] = {"administrations": [], "themes": []}
    for line in taxonomy.read_text(encoding="utf-8").splitlines():
        if re.match(r"^[a-z_]+:", line):
            section = line.split(":", 1)[0]
        found = re.match(r"^  - id:\s*\"?([a-z0-9-]+)\"?", line)
        if found and section in ids:
            ids[section].append(found.group(1))
    return ids["administrations"], ids["themes"]


def synthesise(target: Path, n: int, seed: int = 1, pool: list[str] | None = None) -> Synthesis:
    """Write `n` articles into `target` (emptied first), deterministic from `seed`, from `pool` (the seed paragraphs by default)."""
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.md"):
        old.unlink()
    pool = pool if pool is not None else seed_paragraphs()
    admins, themes = taxonomy_ids()
    seen: set[str] = set()
    total = 0
    for index in range(n):
        rng = random.Random(f"{seed}-{index}")
        while True:  # the generator refuses two articles with the same text
            chosen = rng.sample(pool, rng.randint(4, min(12, len(pool))))
            digest = hashlib.sha1("\n".join(chosen).encode()).hexdigest()
            if digest not in seen:
                seen.add(digest)
                break
        total += len(chosen)
        year = rng.randint(1995, 2025)
        precision = rng.choice(("year", "month", "month", "day", "day", "day"))
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        date = {"year": f"{year}", "month": f"{year}-{month:02d}", "day": f"{year}-{month:02d}-{day:02d}"}[precision]
        words = rng.sample(TITLE_WORDS, rng.randint(3, 6))
        title = f"{words[0]} and {' '.join(words[1:])}: Note {index + 1}"
        authors = [f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}" for _ in range(rng.choice((0, 1, 1, 1, 2, 3)))]
        publisher = rng.choice((*PUBLISHERS, None))
        fields: dict[str, object] = {"title": title, "authors": authors, "publisher": publisher, "date": date}
        fields["url"] = f"https://example.org/kb-bench/{seed}/{index + 1}"
        if rng.random() < 0.3:
            fields["administrations"] = sorted(rng.sample(admins, rng.randint(1, 2)))
        if rng.random() < 0.3:
            fields["themes"] = sorted(rng.sample(themes, rng.randint(1, 2)))
        if rng.random() < 0.2:
            fields["summary"] = rng.choice(pool)[:160].rsplit(" ", 1)[0]
        # JSON scalars and flow lists are valid YAML, quoted as the strict loader wants.
        front = "\n".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items())
        slug = "-".join(w.lower().replace(" ", "-") for w in words[:3])
        (target / f"{year}-{slug}-{index + 1:05d}.md").write_text(f"---\n{front}\n---\n\n" + "\n\n".join(chosen) + "\n", encoding="utf-8")
    return Synthesis(target, n, total)
