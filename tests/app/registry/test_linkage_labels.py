"""Every comparison and level of the linkage model has a label for pages (no model English shown)."""

from __future__ import annotations

from homecoming.app.registry.linkage_labels import COMPARISONS, LEVELS, evidence_rows
from homecoming.linkage.model import comparisons


def test_every_comparison_and_level_of_the_model_has_a_label() -> None:
    for comparison in comparisons():
        assert comparison["output_column_name"] in COMPARISONS
        for level in comparison["comparison_levels"]:
            assert level["label_for_charts"] in LEVELS, level["label_for_charts"]


def test_evidence_rows_say_which_side_each_comparison_weighs_on() -> None:
    rows = evidence_rows(
        [("surname", "exact", 9.5), ("sex", "missing", 0.0), ("given_name", "different", -16.0)]
    )
    assert [(r["comparison"], r["level"], r["side"]) for r in rows] == [
        ("surname", "the same", "for"),
        ("sex", "not given", "none"),
        ("given name", "different", "against"),
    ]
