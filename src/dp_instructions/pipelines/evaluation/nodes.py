"""Thin node wrappers; the work is in dp_instructions.evaluation.

``params:evaluation`` and ``params:resampling`` arrive as :class:`EvaluationParameters` and
:class:`ResamplingParameters`, validated by Kedro before the first node runs, so a typo
stops the run before any embedding or model work.
"""

from __future__ import annotations

import logging
from typing import Any

import matplotlib.pyplot as plt
import polars as pl

from dp_instructions.evaluation import canary_audit, mauve_scores, privacy_report, report, sweep
from dp_instructions.evaluation.embeddings import EmbeddedTexts, embed_sets, load_encoder
from dp_instructions.evaluation.parameters import EvaluationParameters
from dp_instructions.evaluation.samples import dataset_texts, draw_pool
from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.artifact import GeneratorArtifact
from dp_instructions.privacy.ledger import PrivacyLedger
from dp_instructions.privacy.parameters import PrivacyParameters
from dp_instructions.resampling.histogram import ReleasedHistograms
from dp_instructions.resampling.parameters import ResamplingParameters

log = logging.getLogger(__name__)


def embed_initial_pool(synthetic_initial: pl.DataFrame, params: EvaluationParameters, seed: int) -> EmbeddedTexts:
    pool = draw_pool(dataset_texts(synthetic_initial, "synthetic_initial"), params.mauve.pool_size, seed)
    encoder = load_encoder(params.embedding)
    return embed_sets([pool], encoder, params.embedding.batch_size)["synthetic_initial"]


def embed_comparison_sets(
    instructions_test: pl.DataFrame,
    instructions_train: pl.DataFrame,
    public_instructions: pl.DataFrame,
    public_only_samples: pl.DataFrame,
    synthetic_resampled: pl.DataFrame,
    initial_pool: EmbeddedTexts,
    params: EvaluationParameters,
    seed: int,
) -> dict[str, EmbeddedTexts]:
    """Pools of every MAUVE set, embedded; the resampled set is drawn from the initial
    one, so its texts already in the initial pool are not embedded twice."""
    frames = {
        mauve_scores.REFERENCE: instructions_test,
        "instructions_train": instructions_train,
        "public_instructions": public_instructions,
        mauve_scores.PUBLIC_ONLY: public_only_samples,
        "synthetic_resampled": synthetic_resampled,
    }
    pools = [draw_pool(dataset_texts(frame, name), params.mauve.pool_size, seed) for name, frame in frames.items()]
    encoder = load_encoder(params.embedding)
    embedded = embed_sets(pools, encoder, params.embedding.batch_size, known=[initial_pool])
    return {**embedded, "synthetic_initial": initial_pool}


def compute_mauve_scores(
    evaluation_embeddings: dict[str, EmbeddedTexts], params: EvaluationParameters
) -> tuple[dict[str, Any], str, plt.Figure]:
    reference = evaluation_embeddings[mauve_scores.REFERENCE]
    candidates = {name: evaluation_embeddings[name] for name in mauve_scores.COMPARED}
    result = mauve_scores.compare_to_reference(reference, candidates, params.mauve, embedding=dict(reference.space))
    return result, mauve_scores.markdown_table(result), mauve_scores.bar_plot(result)


def cluster_synthetic_for_sweep(
    synthetic_initial: pl.DataFrame, params: EvaluationParameters, resampling: ResamplingParameters, seed: int
) -> sweep.SweepClusterings:
    if not params.sweep.enabled:
        return sweep.disabled_clusterings()
    synthetic = dataset_texts(synthetic_initial, "synthetic_initial")
    return sweep.cluster_synthetic(synthetic, resampling, params.sweep, seed)


def release_sweep_histograms(
    sweep_clusterings: sweep.SweepClusterings,
    instructions_val: pl.DataFrame,
    released_sweep_histograms: ReleasedHistograms,
    privacy_ledger: PrivacyLedger,
    params: EvaluationParameters,
    privacy: PrivacyParameters,
) -> dict[str, Any]:
    """DP mechanism: one noisy vote histogram of the validation split per (K, sigma),
    reused instead when the same histogram was released before."""
    if not params.sweep.enabled:
        return sweep.disabled_release()
    return sweep.release_histograms(
        sweep_clusterings,
        instructions_val,
        ledger=privacy_ledger,
        privacy=privacy,
        config=params.sweep,
        released=released_sweep_histograms,
    )


def score_resampling_sweep(
    resampling_sweep_histograms: dict[str, Any],
    sweep_clusterings: sweep.SweepClusterings,
    evaluation_embeddings: dict[str, EmbeddedTexts],
    params: EvaluationParameters,
    resampling: ResamplingParameters,
    seed: int,
) -> tuple[dict[str, Any], plt.Figure, plt.Figure]:
    resampled = evaluation_embeddings["synthetic_resampled"].texts
    result = sweep.score_sweep(
        resampling_sweep_histograms,
        sweep_clusterings,
        evaluation_embeddings["synthetic_initial"],
        evaluation_embeddings[mauve_scores.REFERENCE],
        load_encoder(params.embedding),
        params.mauve,
        # The same n as the MAUVE table, so the sweep's scores sit on the table's scale;
        # T as the resampling stage drew it.
        sample_size=mauve_scores.common_sample_size(evaluation_embeddings, params.mauve.max_samples),
        target_size=params.sweep.resampled_size or resampled.source_rows,
        shortage=resampling.shortage,
        seed=seed,
        batch_size=params.embedding.batch_size,
    )
    return result, sweep.mauve_plot(result), sweep.samples_plot(result)


def audit_canaries(
    canaries: pl.DataFrame,
    dp_generator: GeneratorArtifact,
    nonprivate_control_generator_if_built: GeneratorArtifact | None,
    synthetic_initial: pl.DataFrame,
    params: EvaluationParameters,
) -> dict[str, Any]:
    cfg = params.canary_audit
    control = nonprivate_control_generator_if_built
    models = [canary_audit.AuditedModel(canary_audit.DP_GENERATOR, dp_generator)]
    if cfg.include_control == "false":
        note = "excluded by parameter evaluation.canary_audit.include_control: false"
    elif control is None:
        if cfg.include_control == "true":
            raise InvalidInputError(
                "parameter `evaluation.canary_audit.include_control` is true, but dataset "
                "`nonprivate_control_generator` has no saved version; build it with "
                "`kedro run --pipeline=memorisation_control`, or set include_control to auto"
            )
        note = (
            "not built (dataset nonprivate_control_generator has no version; build it with "
            "`kedro run --pipeline=memorisation_control`)"
        )
    else:
        models.append(canary_audit.AuditedModel(canary_audit.CONTROL, control))
        note = "included (nonprivate_control_generator, latest version)"
    released = {canary_audit.DP_GENERATOR: dataset_texts(synthetic_initial, "synthetic_initial").texts}
    return canary_audit.run_audit(canaries, models, cfg, released=released, control=note)


def build_privacy_report(
    privacy_ledger: PrivacyLedger, resampling_sweep_histograms: dict[str, Any], resampling_report: dict[str, Any]
) -> dict[str, Any]:
    # The sweep's histograms and the resampling report are inputs only so that Kedro runs
    # this node after every release of the run (the sweep's, the resampling histogram and,
    # upstream of both, DP fine-tuning) has charged the ledger; otherwise the default run
    # may order it before the resampling release and report an incomplete ledger.
    return privacy_report.build_privacy_report(privacy_ledger)


def build_evaluation_report(
    mauve_scores: dict[str, Any],
    resampling_sweep: dict[str, Any],
    canary_audit: dict[str, Any],
    privacy_report: dict[str, Any],
    resampling_report: dict[str, Any],
) -> str:
    return report.build_report(mauve_scores, resampling_sweep, canary_audit, privacy_report, resampling_report)
