"""Deterministic demo data: raw chat conversations in the LMSYS-Chat-1M schema, an
AlpacaEval-like evaluation reference, and a FLAN-like public instruction corpus. The
read-only Kedro datasets that serve them from the catalog are thin wrappers in
:mod:`dp_instructions.datasets.demo_corpora`.

Why generated: the project must run end to end offline, out of the box, on data shaped
like the paper's (Yu et al., ICML 2024, Appendix E), and every step of the cleansing
funnel needs something to remove. The conversation corpus therefore mixes, at rates
close to LMSYS-Chat-1M:

* ordinary English prompts over a skewed topic mix (coding ~30%, then writing,
  rewriting, advice, factual questions, math, role-play, translation, summarisation,
  brainstorming), about a fifth with personal data (names, phones, emails, addresses,
  organisations, job titles, dates);
* ~20% non-English conversations written in their language and script;
* moderation-flagged first turns (~3.5-4%), flags only on a later turn (~1%), redacted
  conversations with ``NAME_1`` placeholders (~2.5%);
* exact re-asks (~6%, some with different whitespace), near duplicates sharing a run of
  >= 12 words with an earlier prompt (~5%), template floods (~2.5%: the paper's two
  "chemical industry" templates, a customer-service template, the "descriptive answer"
  one) and short greetings;
* malformed rows (~0.3%: no user turn, assistant first, empty/whitespace or null first
  user message) and malformed moderation (~0.2%: null, or fewer entries than messages).

Ordinary prompts are composed so that they do not share 10-word runs with each other
(see :mod:`.prompts`): 10-gram de-duplication removes the planted near duplicates,
not the ordinary prompts.

Determinism and addressing: row ``i`` of ``generate_conversations(size, seed)`` is drawn
from its own ``random.Random`` keyed by ``(seed, i)``, so it does not depend on ``size``
(the first k rows of any two sizes agree), and :func:`first_prompt` recomputes the first
user turn of any row without generating the others. Duplicates point at an earlier row
and recompute its prompt the same way; :func:`generate_eval_reference` uses
:func:`first_prompt` to contaminate the evaluation set cheaply.
"""

from __future__ import annotations

import math
import random
from typing import Any, NamedTuple

import numpy as np
import polars as pl

from dp_instructions.demo import chat, foreign, prompts, special
from dp_instructions.demo.public import public_instruction
from dp_instructions.exceptions import InvalidInputError

__all__ = [
    "CONVERSATION_SCHEMA",
    "EVAL_REFERENCE_SCHEMA",
    "MODERATION_CATEGORIES",
    "PUBLIC_INSTRUCTIONS_SCHEMA",
    "FirstPrompt",
    "check_fraction",
    "check_seed",
    "check_size",
    "first_prompt",
    "generate_conversations",
    "generate_eval_reference",
    "generate_public_instructions",
]

MODERATION_CATEGORIES: tuple[str, ...] = special.CATEGORIES

_MESSAGE = pl.Struct({"content": pl.Utf8, "role": pl.Utf8})
_MODERATION = pl.Struct(
    {
        "categories": pl.Struct({name: pl.Boolean for name in MODERATION_CATEGORIES}),
        "flagged": pl.Boolean,
    }
)
#: The LMSYS-Chat-1M columns and dtypes that :func:`generate_conversations` returns.
CONVERSATION_SCHEMA = pl.Schema(
    {
        "conversation_id": pl.Utf8,
        "model": pl.Utf8,
        "conversation": pl.List(_MESSAGE),
        "turn": pl.Int64,
        "language": pl.Utf8,
        "openai_moderation": pl.List(_MODERATION),
        "redacted": pl.Boolean,
    }
)
EVAL_REFERENCE_SCHEMA = pl.Schema({"id": pl.Utf8, "text": pl.Utf8})
PUBLIC_INSTRUCTIONS_SCHEMA = pl.Schema({"id": pl.Utf8, "text": pl.Utf8, "task": pl.Utf8})

# Independent random streams per (seed, row): conversations, eval prompts, the choice of
# contaminated eval rows, public instructions, public pre-training texts (.pretraining).
_STREAM_CONVERSATIONS, _STREAM_EVAL, _STREAM_EVAL_PICK, _STREAM_PUBLIC = 0, 1, 2, 3
_STREAM_PRETRAINING = 4
_STREAM_PUBLIC_ANSWERS = 5
_MAX_ROWS = 2**32 - 1
_MAX_SEED = 2**60

# Shares of first-user-turn kinds (of all conversations); the rest is ordinary English.
P_MALFORMED = 0.003
P_DUPLICATE = 0.06
P_NEAR_DUPLICATE = 0.05
P_FOREIGN = 0.185
P_SHORT = 0.012
P_FLOOD = 0.025
P_FLAGGED = 0.035
P_REDACTED = 0.02
#: Share of ordinary English prompts that carry personal data.
P_PII = 0.26
#: Shares (of all conversations) with a flagged / redacted later user turn only.
P_LATER_FLAGGED = 0.01
P_LATER_REDACTED = 0.005
#: Share of conversations whose moderation list is null or shorter than the messages.
P_BAD_MODERATION = 0.002

_THRESHOLDS = tuple(
    np.cumsum(
        [
            P_MALFORMED,
            P_DUPLICATE,
            P_NEAR_DUPLICATE,
            P_FOREIGN,
            P_SHORT,
            P_FLOOD,
            P_FLAGGED,
            P_REDACTED,
        ]
    ).tolist()
)
_P_ORDINARY = 1.0 - _THRESHOLDS[-1]
_NEAR_DUPLICABLE = ("ordinary", "duplicate", "near_duplicate")

_MODELS: tuple[tuple[str, float], ...] = (
    ("vicuna-13b", 0.44),
    ("koala-13b", 0.07),
    ("alpaca-13b", 0.05),
    ("chatglm-6b", 0.05),
    ("llama-2-13b-chat", 0.05),
    ("vicuna-33b", 0.05),
    ("wizardlm-13b", 0.04),
    ("gpt-3.5-turbo", 0.03),
    ("claude-1", 0.03),
    ("claude-instant-1", 0.03),
    ("oasst-pythia-12b", 0.03),
    ("fastchat-t5-3b", 0.03),
    ("gpt-4", 0.02),
    ("palm-2", 0.02),
    ("mpt-7b-chat", 0.02),
    ("vicuna-7b", 0.02),
    ("RWKV-4-Raven-14B", 0.02),
    ("stablelm-tuned-alpha-7b", 0.01),
    ("dolly-v2-12b", 0.01),
    ("guanaco-33b", 0.01),
    ("llama-13b", 0.01),
    ("claude-2", 0.01),
    ("mpt-30b-chat", 0.01),
    ("llama-2-7b-chat", 0.01),
)
_MODEL_NAMES = tuple(m for m, _ in _MODELS)
_MODEL_CUM = tuple((np.cumsum([w for _, w in _MODELS]) / sum(w for _, w in _MODELS)).tolist())
# Number of user turns: 1 (75%), 2, 3, 4, 5-8.
_TURN_CUM = (0.75, 0.87, 0.93, 0.96, 1.0)
_FLOOD_WEIGHTS = [w for *_, w in special.FLOODS]
_FLOOD_CUM = tuple((np.cumsum(_FLOOD_WEIGHTS) / sum(_FLOOD_WEIGHTS)).tolist())


class FirstPrompt(NamedTuple):
    """The first user turn of a demo conversation and how it was made."""

    text: str | None
    """Content of the first message with role ``user`` (``None`` if there is none or it is null)."""
    language: str
    kind: str
    """``ordinary``, ``short``, ``foreign``, ``flagged``, ``redacted``, ``duplicate``,
    ``near_duplicate``, ``flood_*`` or ``malformed_*`` (``assistant_first``, ``no_user``,
    ``empty``, ``null``)."""
    topic: str
    """Topic of an ordinary English prompt (copied by its duplicates), else ``""``."""
    flags: int
    """Moderation category bitmask of the turn (bit i = ``MODERATION_CATEGORIES[i]``)."""
    redacted: bool
    pii: bool
    """Whether personal data was put in the prompt."""
    source: int
    """Row this one re-asks (duplicates and near duplicates), else -1."""


def _rng(seed: int, index: int, stream: int) -> random.Random:
    return random.Random(((seed * 8 + stream) << 32) | index)


def _pick(rnd: random.Random, cum: tuple[float, ...]) -> int:
    u = rnd.random()
    for i, c in enumerate(cum):
        if u < c:
            return i
    return len(cum) - 1


def _earlier(rnd: random.Random, index: int) -> int:
    """An earlier row a user re-asks: usually a recent one, sometimes any."""
    if rnd.random() < 0.6:
        return index - 1 - int(-math.log(1.0 - rnd.random()) * 300)
    return int(rnd.random() * index)


def first_prompt(seed: int, index: int) -> FirstPrompt:
    """The first user turn of row ``index`` of ``generate_conversations(size, seed)`` for
    any ``size > index``, computed without generating the other rows (about 15 us, more
    when it re-asks an earlier row, whose prompt is recomputed the same way)."""
    check_seed(seed, "seed")
    if not _is_int(index) or not 0 <= index < _MAX_ROWS:
        raise InvalidInputError(f"`index` must be an int in [0, {_MAX_ROWS}), got {index!r}")
    return _first_prompt(_rng(seed, int(index), _STREAM_CONVERSATIONS), seed, int(index), None)


def _cached_first_prompt(seed: int, index: int, cache: dict[int, FirstPrompt] | None) -> FirstPrompt:
    if cache is not None:
        hit = cache.get(index)
        if hit is not None:
            return hit
    return _first_prompt(_rng(seed, index, _STREAM_CONVERSATIONS), seed, index, cache)


def _first_prompt(rnd: random.Random, seed: int, index: int, cache: dict[int, FirstPrompt] | None) -> FirstPrompt:
    u = rnd.random()
    t = _THRESHOLDS
    if u < t[0]:
        return _malformed(rnd)
    if u < t[1]:
        target = _earlier(rnd, index)
        if target >= 0:
            base = _cached_first_prompt(seed, target, cache)
            if not base.kind.startswith("malformed"):
                return base._replace(
                    text=special.whitespace_variant(rnd, base.text),  # type: ignore[arg-type]
                    kind="duplicate",
                    source=target,
                )
    elif u < t[2]:
        for _ in range(3):
            target = _earlier(rnd, index)
            if target < 0:
                break
            base = _cached_first_prompt(seed, target, cache)
            if base.language == "English" and base.kind in _NEAR_DUPLICABLE:
                text = special.near_duplicate(rnd, base.text)  # type: ignore[arg-type]
                if text is not None:
                    return base._replace(text=text, kind="near_duplicate", source=target)
    elif u < t[3]:
        language = foreign.draw_language(rnd)
        return FirstPrompt(foreign.foreign_prompt(rnd, language), language, "foreign", "", 0, False, False, -1)
    elif u < t[4]:
        text = special.SHORT_PROMPTS[int(rnd.random() * len(special.SHORT_PROMPTS))]
        return FirstPrompt(text, "English", "short", "", 0, False, False, -1)
    elif u < t[5]:
        kind, build, _ = special.FLOODS[_pick(rnd, _FLOOD_CUM)]
        return FirstPrompt(build(rnd), "English", kind, "", 0, False, False, -1)
    elif u < t[6]:
        text, flags = special.flagged_prompt(rnd)
        return FirstPrompt(text, "English", "flagged", "", flags, False, False, -1)
    elif u < t[7]:
        return FirstPrompt(special.redacted_prompt(rnd), "English", "redacted", "", 0, True, False, -1)
    # Ordinary English (also the fallback when a re-ask found nothing to copy).
    pii = rnd.random() < P_PII
    text, topic = prompts.ordinary_prompt(rnd, pii)
    return FirstPrompt(text, "English", "ordinary", topic, 0, False, pii, -1)


_MALFORMED_KINDS = ("malformed_assistant_first", "malformed_no_user", "malformed_empty", "malformed_null")
_BLANKS = ("", " ", "   ", "\n", " \n\t ")


def _malformed(rnd: random.Random) -> FirstPrompt:
    kind = _MALFORMED_KINDS[int(rnd.random() * 4)]
    if kind == "malformed_assistant_first":
        text, topic = prompts.ordinary_prompt(rnd, False)
        return FirstPrompt(text, "English", kind, topic, 0, False, False, -1)
    if kind == "malformed_empty":
        return FirstPrompt(_BLANKS[int(rnd.random() * len(_BLANKS))], "English", kind, "", 0, False, False, -1)
    language = "English" if rnd.random() < 0.7 else "unknown"
    return FirstPrompt(None, language, kind, "", 0, False, False, -1)


def _user_turns(rnd: random.Random) -> int:
    k = _pick(rnd, _TURN_CUM)
    return k + 1 if k < 4 else 5 + int(rnd.random() * 4)


def _reply(rnd: random.Random, language: str, topic: str, flags: int) -> str:
    if flags:
        return chat.refusal(rnd)
    if language != "English":
        return foreign.foreign_reply(rnd, language)
    return chat.assistant_reply(rnd, topic)


class _Columns:
    """Column lists of one chunk of rows; turned into a DataFrame in one go."""

    __slots__ = (
        "ids",
        "models",
        "turns",
        "languages",
        "redacted",
        "counts",
        "mod_len",
        "mod_null",
        "contents",
        "roles",
        "masks",
    )

    def __init__(self) -> None:
        for name in self.__slots__:
            setattr(self, name, [])


def _conversation(rnd: random.Random, spec: FirstPrompt, cols: _Columns) -> None:
    """Append row ``spec`` (with its later turns, replies and moderation) to ``cols``."""
    r = rnd.random
    contents, roles, masks = cols.contents, cols.roles, cols.masks
    language, topic, kind = spec.language, spec.topic, spec.kind
    redacted = spec.redacted
    n_user = 0
    start = len(contents)
    if kind.startswith("malformed"):
        if kind == "malformed_no_user":
            contents.append(chat.assistant_reply(rnd, ""))
            roles.append("assistant")
            masks.append(0)
        elif kind == "malformed_assistant_first":
            reply = chat.assistant_reply(rnd, topic)
            contents += ["Hello! How can I help you today?", spec.text, reply]
            roles += ["assistant", "user", "assistant"]
            masks += [0, 0, 0]
            n_user = 1
        else:  # empty / whitespace-only / null first user message
            contents += [spec.text, "It looks like your message is empty. How can I help you?"]
            roles += ["user", "assistant"]
            masks += [0, 0]
            n_user = 1
    else:
        single = kind.startswith("flood") or (kind == "short" and r() < 0.8)
        turns = 1 if single else _user_turns(rnd)
        later_flag = later_redact = -1
        if kind == "ordinary":
            u = r()
            if u < P_LATER_FLAGGED / _P_ORDINARY:
                turns = max(turns, 2 + int(r() * 2))
                later_flag = 1 + int(r() * (turns - 1))
            elif u < (P_LATER_FLAGGED + P_LATER_REDACTED) / _P_ORDINARY:
                turns = max(turns, 2)
                later_redact = 1 + int(r() * (turns - 1))
                redacted = True
        for k in range(turns):
            flags = 0
            if k == 0:
                text, flags = spec.text, spec.flags
            elif k == later_flag:
                text, flags = special.flagged_prompt(rnd)
            elif k == later_redact:
                text = special.redacted_prompt(rnd)
            elif language != "English":
                text = foreign.foreign_prompt(rnd, language)
            elif r() < 0.3:
                text, topic = prompts.ordinary_prompt(rnd, False)
            else:
                text = chat.follow_up(rnd)
            contents.append(text)
            contents.append(_reply(rnd, language, topic, flags))
            roles += ("user", "assistant")
            masks += (flags, 0)
        n_user = turns
    n_messages = len(contents) - start
    cols.counts.append(n_messages)
    cols.turns.append(n_user)
    cols.languages.append(language)
    cols.redacted.append(redacted)
    u = r()
    if u < P_BAD_MODERATION / 2:
        cols.mod_null.append(True)
        cols.mod_len.append(n_messages)
    elif u < P_BAD_MODERATION:
        cols.mod_null.append(False)
        cols.mod_len.append(int(r() * n_messages))  # shorter: 0 .. n-1 entries
    else:
        cols.mod_null.append(False)
        cols.mod_len.append(n_messages)
    cols.models.append(_MODEL_NAMES[_pick(rnd, _MODEL_CUM)])
    cols.ids.append(f"{rnd.getrandbits(128):032x}")


def _frame(cols: _Columns) -> pl.DataFrame:
    """One chunk's column lists -> a DataFrame in the conversation schema."""
    n = len(cols.ids)
    counts = np.asarray(cols.counts, dtype=np.int64)
    masks = np.asarray(cols.masks, dtype=np.int64)
    flat = pl.DataFrame(
        {
            "row": np.repeat(np.arange(n, dtype=np.int64), counts),
            "content": pl.Series(cols.contents, dtype=pl.Utf8),
            "role": pl.Series(cols.roles, dtype=pl.Utf8),
            **{f"c{k}": (masks >> k) & 1 == 1 for k in range(len(MODERATION_CATEGORIES))},
            "flagged": masks != 0,
        }
    )
    categories = pl.struct([pl.col(f"c{k}").alias(name) for k, name in enumerate(MODERATION_CATEGORIES)]).alias(
        "categories"
    )
    nested = (
        flat.lazy()
        .select(
            "row",
            pl.struct("content", "role").alias("conversation"),
            pl.struct(categories, "flagged").alias("openai_moderation"),
        )
        .group_by("row", maintain_order=True)
        .agg("conversation", "openai_moderation")
        .collect()
    )
    rows = pl.DataFrame(
        {
            "conversation_id": pl.Series(cols.ids, dtype=pl.Utf8),
            "model": pl.Series(cols.models, dtype=pl.Utf8),
            "turn": pl.Series(cols.turns, dtype=pl.Int64),
            "language": pl.Series(cols.languages, dtype=pl.Utf8),
            "redacted": pl.Series(cols.redacted, dtype=pl.Boolean),
            "_mod_len": pl.Series(cols.mod_len, dtype=pl.Int64),
            "_mod_null": pl.Series(cols.mod_null, dtype=pl.Boolean),
        }
    )
    if nested.height != n:  # every row has at least one message, so one group per row
        raise AssertionError(f"demo corpus chunk lost rows: {nested.height} groups for {n} rows")
    frame = pl.concat([rows, nested.drop("row")], how="horizontal")
    return frame.select(
        "conversation_id",
        "model",
        "conversation",
        "turn",
        "language",
        pl.when(pl.col("_mod_null"))
        .then(None)
        .otherwise(pl.col("openai_moderation").list.head(pl.col("_mod_len")))
        .alias("openai_moderation"),
        "redacted",
    )


_CHUNK = 50_000
_CACHE_SPAN = 4096


def generate_conversations(size: int = 20_000, seed: int = 0) -> pl.DataFrame:
    """``size`` demo conversations in the LMSYS-Chat-1M schema (:data:`CONVERSATION_SCHEMA`).

    Deterministic in ``(size, seed)``; row ``i`` does not depend on ``size``.
    """
    check_size(size, "size", allow_zero=True)
    check_seed(seed, "seed")
    chunks: list[pl.DataFrame] = []
    cache: dict[int, FirstPrompt] = {}
    for lo in range(0, size, _CHUNK):
        cols = _Columns()
        for i in range(lo, min(size, lo + _CHUNK)):
            rnd = _rng(seed, i, _STREAM_CONVERSATIONS)
            spec = _first_prompt(rnd, seed, i, cache)
            cache[i] = spec
            cache.pop(i - _CACHE_SPAN, None)
            _conversation(rnd, spec, cols)
        chunks.append(_frame(cols))
    if not chunks:
        return pl.DataFrame(schema=CONVERSATION_SCHEMA)
    out = pl.concat(chunks, rechunk=True) if len(chunks) > 1 else chunks[0]
    assert out.schema == CONVERSATION_SCHEMA, out.schema  # guards the contract, cheap
    return out


# --- evaluation reference -------------------------------------------------------------


def _is_contaminable(spec: FirstPrompt) -> bool:
    return (
        spec.kind == "ordinary"
        and spec.language == "English"
        and spec.text is not None
        and len(spec.text.split()) >= 13
    )


_EVAL_FRAMES = ("", "Instruction: ", "Question: ", "Task: ", "Please answer: ")
_EVAL_ENDINGS = ("", " Be concise.", " Explain your answer.", " Answer in English.")


def generate_eval_reference(
    size: int = 300,
    seed: int = 0,
    *,
    conversations_size: int = 20_000,
    conversations_seed: int = 0,
    overlap_fraction: float = 0.1,
) -> pl.DataFrame:
    """An AlpacaEval-like evaluation set (columns ``id``, ``text``) of English instructions
    from the corpus' topic mix, ``round(size * overlap_fraction)`` of which are
    contaminated: they copy, or share a run of >= 12 words with, the first user prompt of
    an ordinary English row of ``generate_conversations(conversations_size,
    conversations_seed)``.

    The contaminated rows are found with :func:`first_prompt` on randomly drawn row
    indices (a few per contaminated row), so the conversation frame is never built.
    """
    check_size(size, "size", allow_zero=True)
    check_seed(seed, "seed")
    check_size(conversations_size, "conversations_size")
    check_seed(conversations_seed, "conversations_seed")
    check_fraction(overlap_fraction, "overlap_fraction")
    n_overlap = round(size * overlap_fraction)
    pick = _rng(seed, 0, _STREAM_EVAL_PICK)
    contaminated = set(pick.sample(range(size), n_overlap))
    used: set[int] = set()
    texts: list[str] = []
    for i in range(size):
        rnd = _rng(seed, i, _STREAM_EVAL)
        if i in contaminated:
            texts.append(_contaminated(rnd, pick, conversations_size, conversations_seed, used))
        else:
            texts.append(prompts.topic_prompt(rnd, prompts.draw_topic(rnd)))
    ids = [f"eval_{seed}_{i:06d}" for i in range(size)]
    return pl.DataFrame({"id": ids, "text": texts}, schema=EVAL_REFERENCE_SCHEMA)


def _contaminated(
    rnd: random.Random,
    pick: random.Random,
    conversations_size: int,
    conversations_seed: int,
    used: set[int],
) -> str:
    # ~62% of rows are ordinary English, most of them long enough: a handful of draws do.
    for _ in range(max(200, 4 * conversations_size)):
        index = int(pick.random() * conversations_size)
        if index in used:
            continue
        spec = first_prompt(conversations_seed, index)
        if _is_contaminable(spec):
            used.add(index)
            text = spec.text.strip()  # type: ignore[union-attr]
            if rnd.random() < 0.5:
                return text  # verbatim copy
            words = text.split(" ")
            if len(words) < 14:
                return text
            span = 12 + int(rnd.random() * (len(words) - 12))
            start = int(rnd.random() * (len(words) - span + 1))
            frame = _EVAL_FRAMES[int(rnd.random() * len(_EVAL_FRAMES))]
            ending = _EVAL_ENDINGS[int(rnd.random() * len(_EVAL_ENDINGS))]
            return f"{frame}{' '.join(words[start : start + span]).strip()}{ending}"
    raise InvalidInputError(
        f"`conversations_size`={conversations_size} has too few ordinary English prompts of >= 13 "
        "words to contaminate the evaluation set; raise it or lower `overlap_fraction`"
    )


# --- public instructions -------------------------------------------------------------------


def generate_public_instructions(size: int = 5_000, seed: int = 0) -> pl.DataFrame:
    """A FLAN-like public corpus (columns ``id``, ``text``, ``task``) of classic NLP task
    prompts over generated passages (see :mod:`.public`)."""
    check_size(size, "size", allow_zero=True)
    check_seed(seed, "seed")
    texts: list[str] = []
    tasks: list[str] = []
    for i in range(size):
        text, task = public_instruction(_rng(seed, i, _STREAM_PUBLIC))
        texts.append(text)
        tasks.append(task)
    ids = [f"public_{seed}_{i:07d}" for i in range(size)]
    data = {"id": ids, "text": texts, "task": tasks}
    return pl.DataFrame(data, schema=PUBLIC_INSTRUCTIONS_SCHEMA)


# --- argument checks -------------------------------------------------------------------------
# Public because the catalog's dataset wrappers (dp_instructions.datasets.demo_corpora) check
# their arguments when the catalog is built, with the same rules and messages.


def _is_int(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, np.integer))


def check_size(value: Any, name: str, allow_zero: bool = False) -> int:
    low = 0 if allow_zero else 1
    if not _is_int(value) or not low <= value <= _MAX_ROWS:
        kind = "a non-negative" if allow_zero else "a positive"
        raise InvalidInputError(f"`{name}` must be {kind} int (at most {_MAX_ROWS}), got {value!r}")
    return int(value)


def check_seed(value: Any, name: str) -> int:
    if not _is_int(value) or not 0 <= value < _MAX_SEED:
        raise InvalidInputError(f"`{name}` must be an int in [0, 2**60), got {value!r}")
    return int(value)


def check_fraction(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise InvalidInputError(f"`{name}` must be a number in [0, 1], got {value!r}")
    return float(value)
