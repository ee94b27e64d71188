"""``TeacherEndpointDataset``: the catalog entry that says which teacher answers the
annotation requests, so that an endpoint's key lives with Kedro's credentials
(conf/local/credentials.yml) and never in parameters, logs or reports.

The base catalog names a local model (``backend: transformers``); the ``openai``
environment (conf/openai) replaces it with an OpenAI-compatible endpoint whose
``base_url``, ``api_key`` and ``model`` come from the credentials entry ``teacher_openai``.
"""

from __future__ import annotations

from typing import Any, NoReturn

from kedro.io import AbstractDataset, DatasetError

from dp_instructions.alignment.teachers.endpoint import TeacherEndpoint

__all__ = ["TeacherEndpointDataset"]


class TeacherEndpointDataset(AbstractDataset[None, TeacherEndpoint]):
    """Loads a :class:`~dp_instructions.alignment.teachers.endpoint.TeacherEndpoint`;
    read-only. ``credentials`` may hold ``base_url``, ``api_key`` and ``model``."""

    def __init__(
        self,
        *,
        backend: str = "transformers",
        model: str | None = None,
        base_url: str | None = None,
        credentials: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        credentials = dict(credentials or {})
        unknown = set(credentials) - {"base_url", "api_key", "model"}
        if unknown:
            raise DatasetError(
                f"teacher credentials: unknown key(s) {sorted(unknown)} (known: base_url, api_key, model)"
            )
        self._backend = backend
        self._model = credentials.get("model") or model
        self._base_url = credentials.get("base_url") or base_url
        self._api_key = credentials.get("api_key")
        self.metadata = metadata

    def load(self) -> TeacherEndpoint:
        return TeacherEndpoint(
            backend=self._backend,  # type: ignore[arg-type]
            model=self._model,
            base_url=self._base_url,
            api_key=self._api_key,
        )

    def save(self, data: object) -> NoReturn:
        raise DatasetError("`teacher_endpoint` is read-only: it names the teacher, it stores nothing")

    def _describe(self) -> dict[str, Any]:
        return {"backend": self._backend, "model": self._model, "base_url": self._base_url, "api_key": "***"}
