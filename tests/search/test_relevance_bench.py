"""`make relevance` runs, and its metrics are right on a case small enough to work out by hand."""

from __future__ import annotations

import math

import pytest

from tests.bench import relevance
from tests.bench.relevance import Judged



def test_metrics_on_a_toy_case_worked_out_by_hand():
    grades = {"a": 2, "b": 1, "c": 1}
    ranked = ["x", "a", "c"]  # a (gain 3) at rank 2, c (gain 1) at rank 3; b missed
    dcg = 3 / math.log2(3) + 1 / math.log2(4)
    ideal = 3 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
    assert relevance.ndcg(ranked, grades) == pytest.approx(dcg / ideal)
    assert relevance.reciprocal_rank(ranked, grades) == pytest.approx(0.5)
    assert relevance.recall(ranked, grades) == pytest.approx(2 / 3)
    assert relevance.ndcg(["a", "b", "c"], grades) == pytest.approx(1.0)
    assert relevance.ndcg([], grades) == relevance.reciprocal_rank([], grades) == 0.0
    assert relevance.recall(["a"] + ["x"] * 9 + ["b"], grades) == pytest.approx(1 / 3)  # only the first ten count


def test_scores_per_category_and_zero_results():
    judged = [Judged("one", "q1", {"a": 1}), Judged("one", "q2", {"b": 1}), Judged("two", "q3", {"c": 2})]
    answers = {"q1": ["a"], "q2": [], "q3": ["x", "c"]}
    run = relevance.score_run(judged, lambda q: answers[q])
    assert run.by_category["one"].means() == pytest.approx((0.5, 0.5, 0.5, 0.5))
    assert run.by_category["two"].means()[1] == pytest.approx(0.5)
    assert run.overall.n == 3 and run.overall.zero == 1


def test_judgments_file_names_only_accounts_of_the_collection():
    from tests.bench.relevance_collection import ACCOUNTS
    ids = {a.id for a in ACCOUNTS}
    judged = relevance.read_judgments()
    assert len(judged) >= 80
    assert {j.category for j in judged} >= {"keywords", "morphology", "synonyms", "places", "arabic-diacritics",
                                            "arabic-orthography", "arabic-morphology", "cross-language",
                                            "phrases", "dates", "misspellings", "questions"}
    for item in judged:
        assert set(item.grades) <= ids, item.q
        assert item.grades, item.q


def test_fts5_match_quotes_words_and_keeps_phrases_and_operators():
    assert relevance.fts5_match('barrel "civil defence" NOT Idlib') == '"barrel" "civil defence" NOT "Idlib"'
    assert relevance.fts5_match("?? !!") is None


def test_the_harness_runs_and_writes_its_table(tmp_path, capsys):
    out = tmp_path / "relevance.md"
    assert relevance.main(["--markdown", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "| **overall** | " in text and "| misspellings | 8 |" in text
    assert "precision" in capsys.readouterr().out
