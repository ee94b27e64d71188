"""Dataset previews (kedro-viz) for public and dp_release data only.

kedro-viz shows a preview of a dataset (its first rows, a plot) in a page that is often
shared more widely than the data: a preview of a private table is a leak. Private catalog
entries say ``kedro-viz: {preview: false}``; :func:`public_preview_only` makes it hold
whatever the catalog says: the wrapped ``preview()`` of a dataset whose privacy class is
not ``public`` or ``dp_release`` (or that has none) refuses, so kedro-viz shows no preview
for it. The wrapper keeps the library method's signature, whose return annotation
(``TablePreview``, ``JSONPreview``, ...) is how kedro-viz picks the preview's kind. It also
turns numpy values into plain ones: a table with a list column (``sft_dataset``'s messages)
previews as numpy arrays, which kedro-viz cannot serialise, and one such dataset failed
the whole ``kedro viz build``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
from kedro.io import DatasetError

__all__ = ["PREVIEWABLE", "public_preview_only"]

PREVIEWABLE = ("public", "dp_release")


def public_preview_only(preview: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(preview)
    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        metadata = getattr(self, "metadata", None) or {}
        privacy = metadata.get("privacy") if isinstance(metadata, dict) else None
        if privacy not in PREVIEWABLE:
            raise DatasetError(
                f"no preview of a {privacy or 'unclassified'} dataset: only public and dp_release data are previewed"
            )
        return _plain(preview(self, *args, **kwargs))

    return guarded


def _plain(value: Any) -> Any:
    """``value`` with numpy arrays and scalars (at any depth) as Python lists and scalars."""
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
