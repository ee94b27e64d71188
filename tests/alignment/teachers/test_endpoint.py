from __future__ import annotations

import pytest
from kedro.io import DatasetError

from dp_instructions.alignment.parameters import TeacherConfig
from dp_instructions.alignment.teachers.endpoint import TeacherEndpoint, make_teacher
from dp_instructions.alignment.teachers.openai_backend import OpenAIChatTeacher
from dp_instructions.alignment.teachers.transformers_backend import TransformersTeacher
from dp_instructions.datasets.teacher_endpoint import TeacherEndpointDataset
from dp_instructions.exceptions import InvalidInputError
from tests.alignment.teachers.openai_server import save_tiny_chat_model


def test_the_credentials_fill_the_endpoint_and_the_key_is_never_shown():
    dataset = TeacherEndpointDataset(
        backend="openai", credentials={"base_url": "http://127.0.0.1:9/v1", "api_key": "sk-secret", "model": "m"}
    )
    endpoint = dataset.load()
    assert endpoint.base_url == "http://127.0.0.1:9/v1" and endpoint.api_key == "sk-secret"
    assert "sk-secret" not in repr(endpoint) and "sk-secret" not in str(dataset)
    with pytest.raises(DatasetError, match="read-only"):
        dataset.save("anything")
    with pytest.raises(DatasetError, match="unknown key"):
        TeacherEndpointDataset(backend="openai", credentials={"apikey": "x"})


def test_an_openai_endpoint_without_its_address_names_the_credentials_entry():
    with pytest.raises(DatasetError, match=r"`base_url` is missing; put it in `teacher_openai`"):
        TeacherEndpointDataset(backend="openai", credentials={"api_key": "k", "model": "m"}).load()
    with pytest.raises(InvalidInputError, match="backend"):
        TeacherEndpoint(backend="vllm")  # type: ignore[arg-type]


def test_make_teacher_builds_each_backend(tmp_path):
    config = TeacherConfig(cache_path=None)
    openai_teacher = make_teacher(TeacherEndpoint("openai", model="m", base_url="http://127.0.0.1:9/v1"), config)
    assert isinstance(openai_teacher, OpenAIChatTeacher) and openai_teacher.concurrency == config.concurrency
    model_dir = save_tiny_chat_model(tmp_path / "tiny")
    local = make_teacher(TeacherEndpoint("transformers", model=str(model_dir)), config)
    assert isinstance(local, TransformersTeacher) and local.identity["model"] == str(model_dir)


def test_a_missing_local_model_is_a_clear_error(tmp_path):
    config = TeacherConfig(cache_path=None)
    with pytest.raises(InvalidInputError, match="embedded public teacher was not built"):
        make_teacher(TeacherEndpoint("transformers"), config)
    with pytest.raises(InvalidInputError, match="cannot be loaded"):
        make_teacher(TeacherEndpoint("transformers", model=str(tmp_path / "nowhere")), config)


def test_an_entry_without_a_model_uses_the_embedded_teacher(teacher_model, teacher_tokenizer):
    from dp_instructions.alignment.chat_model import chat_model_from_base

    embedded = chat_model_from_base(teacher_model, teacher_tokenizer, 160, {"identity": "embedded-teacher:abc"})
    endpoint = TeacherEndpoint("transformers")
    assert endpoint.uses_embedded and endpoint.describe()["model"] == "embedded-public-teacher"
    teacher = make_teacher(endpoint, TeacherConfig(cache_path=None), embedded)
    assert isinstance(teacher, TransformersTeacher)
    assert teacher.identity["model"] == "embedded-public-teacher:embedded-teacher:abc"
    assert not TeacherEndpoint("openai", model="m", base_url="http://x", api_key="k").uses_embedded
    assert "secret" not in str(TeacherEndpoint("openai", model="m", base_url="http://x", api_key="secret").describe())
