from __future__ import annotations

from tests.alignment.teachers.conftest import teacher_model, teacher_tokenizer  # noqa: F401 (fixtures)
