"""The HTML report gathers every section with its plots inline."""

from __future__ import annotations

from dp_instructions.evaluation.report import build_report, mauve_verdict


def mauve_result(
    initial: float, resampled: float, outside: tuple[float, float] = (0.3, 0.2), public_only: tuple | None = (0.2, 0.5)
) -> dict:
    """Scores of every compared set; ``public_only`` is (MAUVE, share outside) of the
    public base model's samples, or None for a result without that row."""
    scores = []
    rows = [] if public_only is None else [("public_only_samples", *public_only)]
    for name, value, out in (
        *rows,
        ("synthetic_initial", initial, outside[0]),
        ("synthetic_resampled", resampled, outside[1]),
        ("public_instructions", 0.1, 0.9),
        ("instructions_train", 0.95, 0.0),
    ):
        for rep in ("unigram", "embedding"):
            scores.append(
                {
                    "dataset": name,
                    "representation": rep,
                    "mean": value,
                    "std": 0.01,
                    "per_seed": [value - 0.01, value + 0.01],
                    "candidate_mass_outside_reference": out,
                    "reference_mass_outside_candidate": out,
                }
            )
    return {
        "reference": "instructions_test",
        "sample_size": 500,
        "seeds": [0, 1],
        "settings": {"unigram": {"scaling": 5.0}, "embedding": {"model": "MiniLM", "scaling": 10.0, "num_buckets": 50}},
        "datasets": {"instructions_test": {"rows": 10, "excluded_rows": 0, "pool": 10}},
        "scores": scores,
    }


SWEEP = {
    "status": "ok",
    "voters": "instructions_val",
    "voters_size": 600,
    "initial_size": 9000,
    "target_size": 3000,
    "sample_size": 500,
    "reference": "instructions_test",
    "shortage": "redistribute",
    "baseline": {
        "label": "synthetic_initial (no resampling)",
        "mean": 0.5,
        "std": 0.02,
        "per_seed": [0.5],
        "mass_outside_reference": 0.4,
    },
    "points": [
        {
            "k": 10,
            "noise_multiplier": 10.0,
            "status": "released",
            "epsilon": 0.3,
            "mauve_mean": 0.7,
            "mauve_std": 0.02,
            "per_seed": [0.7],
            "initial_samples_required": 12000,
        },
        {
            "k": 20,
            "noise_multiplier": 10.0,
            "status": "released",
            "epsilon": 0.3,
            "mauve_mean": 0.72,
            "mauve_std": 0.02,
            "per_seed": [0.72],
            "initial_samples_required": 20000,
        },
        {
            "k": 10,
            "noise_multiplier": 5.0,
            "status": "skipped: budget",
            "mauve_mean": None,
            "mauve_std": None,
            "per_seed": [],
            "initial_samples_required": None,
        },
    ],
}
AUDIT_EMPTY = {"status": "no_canaries", "message": "dataset `canaries` is empty: nothing to audit", "rows": []}
PRIVACY = {
    "ledger": "data/09_privacy/privacy_ledger.sqlite",
    "records": 1,
    "run_id": "run-x",
    "accountant": "PRV accountant",
    "any_fixed_seed": True,
    "fixed_seed_releases": ["abc"],
    "datasets": [
        {
            "fingerprint": "sha256:00",
            "datasets": ["instructions_val"],
            "dataset_size": 600,
            "budget": {"epsilon": 6.0, "delta": 5e-5},
            "epsilon_spent": 0.3,
            "all_private": False,
            "stages": [
                {"stage": "evaluation.resampling_sweep", "releases": 1, "epsilon": 0.3, "fixed_seed_releases": 1}
            ],
            "releases": [{}],
        }
    ],
}


def test_report_has_every_section_with_inline_plots_and_the_warnings():
    page = build_report(mauve_result(0.5, 0.7), SWEEP, AUDIT_EMPTY, PRIVACY)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for heading in ("1. Distribution gap", "2. Resampling sweep", "3. Memorisation audit", "4. Privacy spent"):
        assert heading in page
    assert page.count("data:image/png;base64,") == 3  # MAUVE bars + the two sweep plots
    assert "1 of 3 sweep points were skipped" in page
    assert "dataset `canaries` is empty" in page
    assert "NOT differentially private" in page
    assert "evaluation.resampling_sweep" in page and "run-x" in page


def audit(control_rank: int, control_leaks: bool) -> dict:
    rows = []
    for model, rank, leak in (("dp_generator", 400, False), ("nonprivate_control", control_rank, control_leaks)):
        rows.append(
            {
                "model": model,
                "canary_id": "canary-phone-x100-0",
                "kind": "phone",
                "repetitions": 100,
                "status": "ok",
                "rank": rank,
                "alternatives_used": 1000,
                "exposure": 1.0,
                "leaked_unprompted": leak,
                "leaked_in_release": None,
                "leaked_greedy": leak,
            }
        )
    return {
        "status": "ok",
        "message": "",
        "num_alternatives": 1000,
        "num_unprompted_samples": 500,
        "rank_definition": "1 + lower",
        "control": "included",
        "models": {},
        "rows": rows,
    }


def test_audit_section_checks_that_the_control_memorises():
    page = build_report(mauve_result(0.5, 0.7), SWEEP, audit(1, True), PRIVACY)
    assert "The non-private control memorises 1 of 1 repeated canaries" in page
    assert "The DP generator reproduced no canary secret" in page
    page = build_report(mauve_result(0.5, 0.7), SWEEP, audit(37, False), PRIVACY)
    assert "does not clearly memorise the repeated canaries either (best rank 37" in page


def test_verdict_compares_the_gap_with_the_spread_and_explains_saturation():
    assert mauve_verdict(mauve_result(0.5, 0.7))[0] == "ok"
    kind, text = mauve_verdict(mauve_result(0.7, 0.69))
    assert kind == "warn" and "did not improve" in text
    kind, text = mauve_verdict(mauve_result(0.0, 0.0, outside=(0.75, 0.65), public_only=(0.0, 0.9)))
    assert kind == "warn" and "saturated" in text and "75% -> 65% outside" in text and "moved them closer" in text
    assert "public only): 0.000 ± 0.010" in text
    assert "DP fine-tuning moved them closer (90% of the public-only samples outside -> 75% of the initial" in text
    kind, text = mauve_verdict(mauve_result(0.0, 0.0, outside=(0.75, 0.65), public_only=None))
    assert "public only" not in text and "DP fine-tuning" not in text and "75% -> 65% outside" in text


def test_the_mauve_section_orders_the_stages_and_says_what_each_step_adds():
    page = build_report(mauve_result(0.5, 0.7), SWEEP, AUDIT_EMPTY, PRIVACY)
    table = page[page.index("1. Distribution gap") : page.index("2. Resampling sweep")]
    rows = [table.index(f"<td>{d}</td>") for d in ("public_only_samples", "synthetic_initial", "synthetic_resampled")]
    assert rows == sorted(rows)
    for rep in ("unigram", "embedding"):
        assert (
            f"What each step adds to {rep} MAUVE: DP fine-tuning +0.300 (public_only_samples 0.200 ± 0.010 → "
            "synthetic_initial 0.500 ± 0.010; beyond the spread over seeds); resampling +0.200 (synthetic_initial "
            "0.500 ± 0.010 → synthetic_resampled 0.700 ± 0.010; beyond the spread over seeds)." in table
        )
    # An older result without the public-only row: resampling alone.
    page = build_report(mauve_result(0.5, 0.7, public_only=None), SWEEP, AUDIT_EMPTY, PRIVACY)
    assert "What each step adds to embedding MAUVE: resampling +0.200" in page and "DP fine-tuning +" not in page
