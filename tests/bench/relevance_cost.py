"""The cost of what `make relevance` measures, at scale: the slowest queries a reader can type.

At 10,000 testimonies (the seeded synthetic collection of `make bench`), each query below
runs on a cleared result cache, as `/api/search` runs it (suggestion, correction, relaxed
fallback, page 1 with snippets). The target: no query takes more than 0.5 s.

    python -m tests.bench.relevance_cost [--size 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time

from .synth import OUT, SynthSpec, generate

TARGET = 0.5


def adversarial_queries(words: list[str], seed: int = 5) -> dict[str, str]:
    """Queries meant to be slow: many misspelt words, many words for the relaxed fallback, a long question."""
    rng = random.Random(seed)

    def misspelt(word: str) -> str:
        i = rng.randrange(1, len(word))
        return word[:i] + rng.choice("aeiouxyz") + word[i + 1:]

    long_words = [w for w in words if len(w) >= 6 and w.isalpha()]
    return {
        "60 misspelt words": " ".join(misspelt(rng.choice(long_words)) for _ in range(60)),
        "60 common words (relaxed)": " ".join(rng.choice(words) for _ in range(60)),
        "question with a rare word": "what happened to the children in the schools during the airstrikes quinceberry",
        "12 words, one unknown": " ".join(rng.sample(long_words, 11) + ["zorblaxian"]),
        "misspelt Arabic": "الاخفاء القصري في معره النعمان والبراميل المتفجره",
        "month and theme": "barrel bombs August 2019 Idlib",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.relevance_cost")
    parser.add_argument("--size", type=int, default=10_000)
    opts = parser.parse_args(argv)
    from archive.config import Config
    from search.indexer import update_index
    from search.query import parse_query
    from search.searcher import SearchIndex

    generated = generate(SynthSpec(opts.size))
    instance = OUT / "relevance-cost" / f"n{opts.size}"
    config = Config(generated.root / "content", instance)
    update_index(config, dt.date(2026, 1, 1), procs=2)
    index = SearchIndex(config)
    from . import words as w
    vocabulary = sorted({word.strip(".,;:") for template in w.ENGLISH_TEMPLATES for word in template.split()
                         if word.strip(".,;:").isalpha()})
    worst = 0.0
    print(f"| query ({opts.size:,} testimonies) | seconds | total |\n|---|---|---|")
    for name, q in adversarial_queries(vocabulary).items():
        index.clear_cache()
        started = time.perf_counter()
        results = index.search(parse_query({"q": q}))
        seconds = time.perf_counter() - started
        worst = max(worst, seconds)
        print(f"| {name} | {seconds:.3f} | {results.total:,} |")
    print(f"\nSlowest: {worst:.3f} s (target <= {TARGET} s): {'met' if worst <= TARGET else 'NOT met'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
