"""Content hashes of dataset files and folders."""

from __future__ import annotations

import hashlib

from dp_instructions.audit.content_hash import ContentHasher


def test_a_file_hash_is_the_sha256_of_its_bytes(tmp_path):
    path = tmp_path / "a.parquet"
    path.write_bytes(b"abc" * 1000)
    assert ContentHasher().hash_path(path) == "sha256:" + hashlib.sha256(b"abc" * 1000).hexdigest()
    assert ContentHasher().hash_path(tmp_path / "missing") is None


def test_a_folder_hash_changes_with_any_file_added_renamed_or_edited(tmp_path):
    model = tmp_path / "model"
    (model / "adapter").mkdir(parents=True)
    (model / "adapter" / "weights.bin").write_bytes(b"\x00" * 100)
    (model / "metadata.json").write_text("{}")
    hasher = ContentHasher()
    first = hasher.hash_path(model)
    assert first == ContentHasher().hash_path(model)  # deterministic
    (model / "metadata.json").write_text('{"a": 1}')
    edited = ContentHasher().hash_path(model)
    (model / "metadata.json").rename(model / "meta.json")
    renamed = ContentHasher().hash_path(model)
    (model / "extra.txt").write_text("x")
    added = ContentHasher().hash_path(model)
    assert len({first, edited, renamed, added}) == 4
