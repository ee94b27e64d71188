"""A plain-Python implementation of the data_cleansing steps (rows as dicts, the
standard library's `re`, the n-gram oracle of tests/oracles.py): the reference that
bench_cleansing.py times our Polars + Rust pipeline against.

PII patterns use Unicode classes (\\p{Lu}) that `re` lacks; they are translated to
ASCII approximations here, which is fine for timing (the PII counts are not compared).
"""

from __future__ import annotations

import random
import re
import unicodedata
from typing import Any

from tests import oracles


def _first_user_turn(conv: dict[str, Any]) -> tuple[str | None, str | None, bool | None]:
    messages = conv["conversation"] or []
    for pos, msg in enumerate(messages):
        if msg["role"] == "user":
            mods = conv["openai_moderation"]
            if mods is None or len(mods) != len(messages):
                return msg["content"], "malformed_moderation", None
            flagged = mods[pos]["flagged"] if mods[pos] is not None else None
            if msg["content"] is None or not msg["content"].strip():
                return None, "empty_content", flagged
            if flagged is None:
                return msg["content"], "malformed_moderation", None
            return msg["content"].strip(), None, flagged
    return None, "no_user_turn", None


def _mask_shape(text: str) -> str:
    tokens = []
    for tok in text.split():
        masked = any(ch.isupper() or unicodedata.category(ch).startswith("N") for ch in tok)
        tokens.append("*" if masked else tok)
    out: list[str] = []
    for tok in tokens:
        if tok == "*" and out and out[-1] == "*":
            continue
        out.append(tok)
    return " ".join(out).lower()


def _ascii_pattern(pattern: str) -> str:
    return (
        pattern.replace(r"\p{Lu}", "[A-Z]")
        .replace(r"\p{Ll}", "[a-z]")
        .replace(r"\p{{Lu}}", "[A-Z]")
        .replace(r"\p{{Ll}}", "[a-z]")
        .replace(r"\p{N}", r"\d")
    )


def cleanse(
    conversations: list[dict[str, Any]],
    reference: list[str],
    params: dict[str, Any],
    seed: int,
    pii_patterns: list[str],
) -> dict[str, Any]:
    dropped: list[tuple[str, str, str]] = []
    seen_ids: set[str] = set()
    rows = []
    for conv in conversations:
        cid = conv["conversation_id"]
        text, reason, flagged = _first_user_turn(conv)
        if reason is None and cid in seen_ids:
            reason = "duplicate_conversation_id"
        seen_ids.add(cid)
        if reason:
            dropped.append((cid, "extract_first_user_turn", reason))
            continue
        if conv["language"] != params["language"]:
            dropped.append((cid, "keep_language", "language_not_" + params["language"]))
            continue
        if flagged:
            dropped.append((cid, "drop_flagged_and_redacted", "moderation_flagged"))
            continue
        if conv["redacted"]:
            dropped.append((cid, "drop_flagged_and_redacted", "redacted"))
            continue
        rows.append((cid, text))
    seen: set[str] = set()
    unique = []
    for cid, text in rows:
        key = " ".join(text.split())
        if key in seen:
            dropped.append((cid, "exact_dedup", "exact_duplicate"))
        else:
            seen.add(key)
            unique.append((cid, text))
    n = params["ngram_size"]
    kept, _ = oracles.ngram_dedup([t for _, t in unique], n)
    near = [r for r, k in zip(unique, kept) if k]
    dropped += [(cid, "ngram_dedup", "shares_10gram") for (cid, _), k in zip(unique, kept) if not k]
    kept, matched = oracles.ngram_dedup(reference + [t for _, t in near], n)
    contaminated = [0 <= m < len(reference) for m in matched[len(reference) :]]
    clean = [r for r, c in zip(near, contaminated) if not c]
    dropped += [(cid, "decontamination", "eval_contamination") for (cid, _), c in zip(near, contaminated) if c]
    templates = [(t["name"], re.compile(t["pattern"])) for t in params["templates"]]
    survivors = []
    for cid, text in clean:
        hit = next((name for name, rx in templates if rx.search(text)), None)
        if hit:
            dropped.append((cid, "template_floods", "template:" + hit))
        else:
            survivors.append((cid, text))
    det = params["flood_detector"]
    shapes = [_mask_shape(t) for _, t in survivors]
    counts: dict[str, int] = {}
    for s in shapes:
        counts[s] = counts.get(s, 0) + 1
    threshold = max(det["min_count"], int(det["min_share"] * len(survivors)))
    floods = {
        s for s, c in counts.items() if c >= threshold and sum(w != "*" for w in s.split()) >= det["min_fixed_words"]
    }
    final = []
    for (cid, text), s in zip(survivors, shapes):
        if s in floods:
            dropped.append((cid, "template_floods", "detected"))
        else:
            final.append((cid, text))
    random.Random(seed).shuffle(final)
    n_train = int(round(params["split"]["train"] * len(final)))
    n_val = int(round(params["split"]["val"] * len(final)))
    train = final[:n_train]
    compiled = [re.compile(_ascii_pattern(p)) for p in pii_patterns]
    pii_hits = sum(any(rx.search(t) for rx in compiled) for _, t in train)
    assert len(final) + len(dropped) == len(conversations)
    return {
        "train": train,
        "val": final[n_train : n_train + n_val],
        "test": final[n_train + n_val :],
        "dropped": dropped,
        "pii_any": pii_hits,
    }
