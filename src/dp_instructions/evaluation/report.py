"""The evaluation report: one self-contained HTML page gathering the run's tables and plots.

Why HTML with embedded PNGs: the plots are versioned files in their own folders, whose
version a node cannot know, so links would break; a single file with the images inline
opens in any browser, can be attached to a review, and is versioned like the rest. The
plots are re-drawn here from the JSON results (the same functions that drew the PNG
outputs), which keeps this node a pure function of the saved results.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from dp_instructions.evaluation import canary_audit as audit_mod
from dp_instructions.evaluation import mauve_scores as mauve_mod
from dp_instructions.evaluation import privacy_report as privacy_mod
from dp_instructions.evaluation import sweep as sweep_mod

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.warn { background: #fff3cd; border-left: 4px solid #e0a800; padding: 0.5rem 0.8rem; }
.ok { background: #e8f5e9; border-left: 4px solid #43a047; padding: 0.5rem 0.8rem; }
.note { color: #555; font-size: 0.9rem; }
img { max-width: 100%; }
"""


def figure_html(fig: plt.Figure, alt: str) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _cell(value: Any) -> str:
    if value is None:
        return "<td>–</td>"
    if isinstance(value, bool):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, float):
        return f'<td class="num">{value:.4g}</td>'
    if isinstance(value, int):
        return f'<td class="num">{value:,}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def html_table(rows: Sequence[Mapping[str, Any]]) -> str:
    if not rows:
        return '<p class="note">(no rows)</p>'
    columns = list(rows[0])
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(_cell(r.get(c)) for c in columns) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _box(kind: str, text: str) -> str:
    return f'<p class="{kind}">{html.escape(text)}</p>'


#: Below this, MAUVE at c = 10 says "barely overlapping" and no longer ranks sets.
SATURATED = 0.05
#: A difference smaller than this is not called an improvement, whatever the spread.
MIN_GAP = mauve_mod.MIN_GAP


def mauve_verdict(mauve: Mapping[str, Any]) -> tuple[str, str]:
    """Whether the resampled set beats the initial one on embedding MAUVE, by how much
    compared with the spread over seeds, and, when both scores are saturated near 0, how
    far apart the sets are and whether resampling (and, given the public-only row, DP
    fine-tuning) moved them closer."""
    scores = {(s["dataset"], s["representation"]): s for s in mauve["scores"]}
    init, res = scores.get(("synthetic_initial", "embedding")), scores.get(("synthetic_resampled", "embedding"))
    public = scores.get((mauve_mod.PUBLIC_ONLY, "embedding"))
    if not init or not res:
        return "note", "The initial / resampled comparison is not available in this run."
    gap = res["mean"] - init["mean"]
    noise = max(init["std"], res["std"])
    text = (
        f"Embedding MAUVE: resampled {res['mean']:.3f} ± {res['std']:.3f} vs initial "
        f"{init['mean']:.3f} ± {init['std']:.3f} (difference {gap:+.3f})."
    )
    if public:
        text += f" The public base model alone (public only): {public['mean']:.3f} ± {public['std']:.3f}."
    if max(init["mean"], res["mean"]) < SATURATED:
        a, b = init["candidate_mass_outside_reference"], res["candidate_mass_outside_reference"]
        moved = "moved them closer" if b < a else "did not move them closer"
        fine_tuning = ""
        if public:
            p = public["candidate_mass_outside_reference"]
            fine_tuning = (
                f" DP fine-tuning {'moved them closer' if a < p else 'did not move them closer'} "
                f"({p:.0%} of the public-only samples outside -> {a:.0%} of the initial ones)."
            )
        return "warn", text + (
            f" Both scores are saturated near 0: {a:.0%} of the initial and {b:.0%} of the resampled synthetic "
            f"samples fall in embedding buckets that hold no {mauve['reference']} instruction, so the synthetic and "
            f"real instructions barely overlap and MAUVE cannot rank the two sets.{fine_tuning} Resampling {moved} "
            f"({a:.0%} -> {b:.0%} outside). The generator's samples are the bottleneck, not the resampling: "
            "see unigram MAUVE and the samples themselves. tests/benchmarks/diagnose_embedding_mauve.py "
            "separates the two: it resamples the samples of generators fine-tuned other ways (README, evaluation)."
        )
    if gap > max(noise, MIN_GAP):
        return "ok", text + " Resampling with the DP histogram moved the synthetic set towards the real one."
    return "warn", text + (
        " Resampling did not improve embedding MAUVE beyond the spread over seeds; see the sweep "
        "below (noise relative to the vote counts, K) and the sample sizes before drawing conclusions."
    )


def _mauve_section(mauve: Mapping[str, Any], resampling: Mapping[str, Any]) -> str:
    emb = mauve["settings"]["embedding"]
    rows = [
        {
            "dataset": r["dataset"],
            "unigram MAUVE": f"{r['unigram_mean']:.3f} ± {r['unigram_std']:.3f}",
            "embedding MAUVE": f"{r['embedding_mean']:.3f} ± {r['embedding_std']:.3f}",
            "words / buckets outside the reference": f"{r['unigram_outside']:.0%} / {r['embedding_outside']:.0%}",
        }
        for r in mauve_mod.scores_frame(mauve).iter_rows(named=True)
    ]
    kind, verdict = mauve_verdict(mauve)
    sizes = [{"dataset": k, **v} for k, v in mauve["datasets"].items()]
    return (
        "<h2>1. Distribution gap: MAUVE (paper, Table 1)</h2>"
        f"<p>Against <code>{html.escape(mauve['reference'])}</code>; n = {mauve['sample_size']} per side, mean ± std "
        f"over seeds {mauve['seeds']}. Unigram: word distributions, c = {mauve['settings']['unigram']['scaling']:g}. "
        f"Embedding: {html.escape(str(emb['model']))}, {emb['num_buckets']} k-means buckets, c = {emb['scaling']:g}.</p>"
        + html_table(rows)
        + _gains_paragraph(mauve)
        + _box(kind, verdict)
        + _resampling_line(resampling)
        + figure_html(mauve_mod.bar_plot(mauve), "MAUVE bar plot")
        + "<p class='note'>Rows per dataset (pool = texts embedded and sampled from):</p>"
        + html_table(sizes)
    )


def _gains_paragraph(mauve: Mapping[str, Any]) -> str:
    """What each step of the method adds, row to row: DP fine-tuning (synthetic_initial −
    public only, the public base model's own samples) and resampling (synthetic_resampled −
    synthetic_initial), per representation, with the spreads over seeds."""
    sentences = [mauve_mod.gains_sentence(mauve, rep) for rep in mauve_mod.REPRESENTATIONS]
    sentences = [s for s in sentences if s]
    if not sentences:
        return ""
    return "<p>" + "<br>".join(html.escape(s) for s in sentences) + "</p>"


def _resampling_line(resampling: Mapping[str, Any]) -> str:
    """What the resampling stage itself reported (its Figure 4 is
    resampling_cluster_densities.png): how far the synthetic cluster distribution is from
    the noisy real one before and after, which is what MAUVE should then reflect."""
    tv = resampling.get("total_variation_to_noisy_real") or {}
    if not tv:
        return ""
    return (
        f"<p>Resampling stage (K = {resampling.get('K')}, σ = {resampling.get('sigma')}, "
        f"N = {resampling.get('N')}, T = {resampling.get('T')}): total variation between the synthetic and the "
        f"noisy real cluster distributions {tv['initial']:.3f} before, {tv['resampled']:.3f} after "
        "(cluster densities: resampling_cluster_densities.png, paper Figure 4).</p>"
    )


def _sweep_section(sweep: Mapping[str, Any]) -> str:
    head = "<h2>2. Resampling sweep over K and σ (paper, Figures 5 and 6)</h2>"
    if sweep["status"] == "disabled":
        return head + _box("note", "The sweep is disabled (evaluation.sweep.enabled: false).")
    skipped = [p for p in sweep["points"] if p["status"] == sweep_mod.SKIPPED_BUDGET]
    reused = [p for p in sweep["points"] if p["status"] == sweep_mod.REUSED]
    text = (
        f"The resampling stage's procedure on synthetic_initial ({sweep['initial_size']} texts) with T = "
        f"{sweep['target_size']} draws (shortage: {sweep['shortage']}), varying K and σ; voters: {sweep['voters']} "
        f"(N = {sweep['voters_size']}), each point a noisy histogram charged to the privacy ledger; MAUVE of a "
        f"{sweep['sample_size']}-text sample of each resampled set."
    )
    parts = [head, f"<p>{html.escape(text)}</p>"]
    if sweep.get("baseline"):
        b = sweep["baseline"]
        parts.append(
            f"<p>Baseline without resampling: MAUVE {b['mean']:.3f} ± {b['std']:.3f}, "
            f"{b['mass_outside_reference']:.0%} of the sample outside the test buckets.</p>"
        )
    if skipped:
        parts.append(
            _box(
                "warn",
                f"{len(skipped)} of {len(sweep['points'])} sweep points were skipped: the ledger "
                "refused them because they would exceed the validation split's privacy budget.",
            )
        )
    if reused:
        parts.append(
            _box(
                "note",
                f"{len(reused)} point(s) reused a histogram released by an earlier run (same data, "
                "clusters, σ and noise source): no privacy spent for them.",
            )
        )
    parts.append(html_table(sweep_mod.points_table(sweep)))
    parts.append(figure_html(sweep_mod.mauve_plot(sweep), "sweep MAUVE"))
    parts.append(figure_html(sweep_mod.samples_plot(sweep), "sweep initial samples"))
    return "".join(parts)


def _audit_section(audit: Mapping[str, Any]) -> str:
    head = "<h2>3. Memorisation audit with canaries (paper, Table 3)</h2>"
    if audit["status"] != "ok":
        return head + _box("warn", audit["message"])
    rows = audit_mod.audit_frame(audit).to_dicts()
    dp_leaks = [
        r
        for r in rows
        if r["model"] == audit_mod.DP_GENERATOR
        and (r["leaked_greedy"] or r["leaked_unprompted"] or r["leaked_in_release"])
    ]
    unauditable = [r for r in rows if r["status"] != "ok"]
    verdict = (
        _box("warn", f"The DP generator reproduced {len(dp_leaks)} canary secret(s): investigate.")
        if dp_leaks
        else _box("ok", "The DP generator reproduced no canary secret.")
    )
    if unauditable:
        verdict += _box("warn", f"{len(unauditable)} canary row(s) could not be audited: {unauditable[0]['status']}")
    verdict += _control_box(rows)
    return (
        head + f"<p>Rank of each canary's loss among {audit['num_alternatives']:,} same-template alternatives "
        f"(rank 1 = preferred to all; {html.escape(audit['rank_definition'])}); leaks in "
        f"{audit['num_unprompted_samples']:,} unprompted samples, in the released set, and in the greedy "
        f"completion of the text before the secret. Control: {html.escape(audit['control'])}.</p>"
        + html_table(rows)
        + verdict
    )


def _control_box(rows: Sequence[Mapping[str, Any]]) -> str:
    """The audit's positive control: only a control that memorises shows that the audit
    can see memorisation, and so that DP is what prevents it."""
    control = [r for r in rows if r["model"] == audit_mod.CONTROL and r["status"] == "ok"]
    if not control:
        return ""
    repeated = [r for r in control if r["repetitions"] >= 10] or control
    memorised = [r for r in repeated if r["rank"] == 1 or r["leaked_greedy"] or r["leaked_unprompted"]]
    if memorised:
        return _box(
            "ok",
            f"The non-private control memorises {len(memorised)} of {len(repeated)} repeated canaries "
            "(rank 1 or leaked): the audit can see memorisation, so the DP generator's ranks above are "
            "evidence that DP prevents it.",
        )
    best = min(r["rank"] for r in repeated)
    return _box(
        "warn",
        f"The non-private control does not clearly memorise the repeated canaries either (best rank "
        f"{best}, no leak): at this model size and training length the audit is weak evidence; train "
        "the control (and the generator) longer or larger to make it sensitive.",
    )


def _privacy_section(privacy: Mapping[str, Any]) -> str:
    rows = privacy_mod.stages_frame(privacy).to_dicts()
    parts = [
        "<h2>4. Privacy spent (paper, Appendix F.4)</h2>",
        f"<p>{html.escape(privacy['accountant'])}. Ledger {html.escape(privacy['ledger'])}, "
        f"{privacy['records']} record(s).</p>",
        html_table(rows),
    ]
    if privacy["any_fixed_seed"]:
        parts.append(
            _box(
                "warn",
                f"{len(privacy['fixed_seed_releases'])} release(s) drew their noise from a fixed "
                "seed (privacy.noise_seed): reproducible, and NOT differentially private.",
            )
        )
    else:
        parts.append(_box("ok", "Every release drew its noise from the secure source."))
    return "".join(parts)


def build_report(
    mauve: Mapping[str, Any],
    sweep: Mapping[str, Any],
    audit: Mapping[str, Any],
    privacy: Mapping[str, Any],
    resampling: Mapping[str, Any] | None = None,
) -> str:
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>dp-instructions evaluation report</title><style>{_STYLE}</style></head><body>"
        "<h1>dp-instructions: evaluation report</h1>"
        f"<p class='note'>Generated {now}; run {html.escape(str(privacy.get('run_id')))}. Internal report: it is "
        "computed from private data (the test split, the canaries) and must not leave the organisation.</p>"
        + _mauve_section(mauve, resampling or {})
        + _sweep_section(sweep)
        + _audit_section(audit)
        + _privacy_section(privacy)
        + "</body></html>\n"
    )
