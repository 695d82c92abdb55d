"""The cost of what `make relevance` measures, at scale: the slowest queries a reader can type.

At 10,000 testimonies (the seeded synthetic collection of `make bench`), each query below
runs on a cleared result cache, as `/api/search` runs it (suggestion, correction, relaxed
fallback, page 1 with snippets). The target: no query takes more than 0.5 s of work (CPU
time of this process, which a busy machine does not inflate as it does the wall clock).

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
    import re
    opened = index._current()  # the words of every 40th public body, as written
    bodies = " ".join(opened.searcher.stored_fields(n).get("body", "") for n in range(0, opened.searcher.doc_count(), 40))
    vocabulary = sorted(set(re.findall(r"[A-Za-z]{4,}", bodies)))
    worst = 0.0
    print(f"| query ({opts.size:,} testimonies) | CPU seconds | wall seconds | total |\n|---|---|---|---|")
    for name, q in adversarial_queries(vocabulary).items():
        index.clear_cache()
        started, wall = time.process_time(), time.perf_counter()
        results = index.search(parse_query({"q": q}))
        seconds, wall = time.process_time() - started, time.perf_counter() - wall
        worst = max(worst, seconds)
        print(f"| {name} | {seconds:.3f} | {wall:.3f} | {results.total:,} |")
    print(f"\nMost work: {worst:.3f} CPU s (target <= {TARGET} s): {'met' if worst <= TARGET else 'NOT met'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
