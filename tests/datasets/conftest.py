from tests.models.conftest import tiny_model, tiny_tokenizer  # noqa: F401  (fixtures)
