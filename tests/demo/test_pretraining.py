"""The generated public pre-training corpus (dp_instructions.demo.pretraining): shape and
determinism, no personal data, its own genre mix, no text shared with the private demo
conversations, and enough variety for a model to learn from."""

from __future__ import annotations

import ast
import hashlib
import json
import pathlib
import re

import polars as pl
import pytest

from dp_instructions import native
from dp_instructions.demo import generate_public_pretraining_corpus
from dp_instructions.demo.corpus import generate_conversations
from dp_instructions.demo.pretraining import GENRE_NAMES, GENRES
from dp_instructions.demo.vocab import FIRST_NAMES
from dp_instructions.exceptions import InvalidInputError

# The default sizes (conf/base/globals.yml: demo.public_pretraining_corpus, demo.conversations).
N_PUBLIC = 30_000
N_PRIVATE = 20_000
EXPECTED_SCHEMA = {"id": pl.Utf8, "text": pl.Utf8, "genre": pl.Utf8}

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?:\+\d{1,3}[ .-]?)?\(?\d{2,4}\)?[ .-]\d{3,4}[ .-]?\d{3,4}")
STREET = re.compile(r"\b\d{1,5} [A-Z][a-z]+ (?:St\.?|Street|Ave\.?|Avenue|Rd\.?|Road|Lane|Blvd\.?|Drive)\b")
BIRTHDAY = re.compile(r"\b(?:born on|date of birth|DOB)\b", re.IGNORECASE)
FIRST_NAME = re.compile(r"\b(?:" + "|".join(map(re.escape, FIRST_NAMES)) + r")\b")

DEMO_SRC = pathlib.Path(__file__).resolve().parents[2] / "src" / "dp_instructions" / "demo"
PRIVATE_MODULES = {"vocab", "prompts", "pii", "code_snippets", "chat", "special", "foreign", "public"}


@pytest.fixture(scope="module")
def corpus() -> pl.DataFrame:
    return generate_public_pretraining_corpus()


@pytest.fixture(scope="module")
def texts(corpus: pl.DataFrame) -> list[str]:
    return corpus["text"].to_list()


# --- shape and determinism --------------------------------------------------------------------


def test_schema_ids_and_default_size(corpus):
    assert dict(corpus.schema) == EXPECTED_SCHEMA
    assert corpus.height == N_PUBLIC
    assert corpus["id"][0] == "pretraining_0_0000000" and corpus["id"][-1] == f"pretraining_0_{N_PUBLIC - 1:07d}"
    assert corpus["id"].n_unique() == N_PUBLIC
    assert corpus["text"].null_count() == 0 and (corpus["text"].str.strip_chars().str.len_chars() > 0).all()
    assert set(corpus["genre"].unique()) == set(GENRE_NAMES)


def test_empty_size_gives_empty_frame_with_schema():
    empty = generate_public_pretraining_corpus(0)
    assert empty.height == 0 and dict(empty.schema) == EXPECTED_SCHEMA


def test_same_arguments_same_frame_and_rows_do_not_depend_on_size():
    a = generate_public_pretraining_corpus(600, seed=3)
    assert a.equals(generate_public_pretraining_corpus(600, seed=3))
    assert generate_public_pretraining_corpus(250, seed=3).equals(a.head(250))
    other = generate_public_pretraining_corpus(600, seed=4)
    assert other["id"][0] == "pretraining_4_0000000"
    assert (a["text"] != other["text"]).mean() > 0.9


def test_default_corpus_extends_a_smaller_one(corpus):
    assert generate_public_pretraining_corpus(1_000).equals(corpus.head(1_000))


def _digest(frame: pl.DataFrame) -> str:
    """sha256 of the schema and every row as canonical JSON (as in tests/demo/test_corpus.py)."""
    body = json.dumps(
        {"schema": [[k, str(v)] for k, v in frame.schema.items()], "rows": frame.to_dicts()},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


# Any change to the generated text, however small, changes the public base model of a default
# run (and its reuse key): update these on purpose, with the reason in the commit message.
PINNED = {
    "public_pretraining_corpus(500)": "e1320a00e061cbadaffc5ee5d4f7923d1ecc9758464b6173bd577ce719078d6e",
    "public_pretraining_corpus(30000)": "8c5f2d80dd3ced29e0a957f9080d7445690dbf493c102819a1b3cde9b23fe67d",
}


def test_generated_data_is_byte_identical_to_the_pinned_digests(corpus):
    computed = {
        "public_pretraining_corpus(500)": _digest(generate_public_pretraining_corpus(500, seed=0)),
        "public_pretraining_corpus(30000)": _digest(corpus),
    }
    assert computed == PINNED


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: generate_public_pretraining_corpus(-1), "`size`"),
        (lambda: generate_public_pretraining_corpus(2.5), "`size`"),
        (lambda: generate_public_pretraining_corpus(True), "`size`"),
        (lambda: generate_public_pretraining_corpus(10, seed=-1), "`seed`"),
        (lambda: generate_public_pretraining_corpus(10, seed="0"), "`seed`"),
    ],
)
def test_rejects_bad_arguments_by_name(call, fragment):
    with pytest.raises(InvalidInputError, match=re.escape(fragment)):
        call()


# --- public by construction ----------------------------------------------------------------


def test_no_personal_data(texts):
    for pattern in (EMAIL, PHONE, STREET, BIRTHDAY):
        hits = [t for t in texts if pattern.search(t)]
        assert not hits, f"{pattern.pattern} matches {hits[:3]}"
    named = [t for t in texts if FIRST_NAME.search(t)]
    assert not named, f"private first names in {named[:3]}"
    assert not any("NAME_" in t for t in texts)


def test_builders_do_not_use_the_private_modules():
    """The public corpus has its own templates and word lists: none of its modules imports
    the private corpus' builders or pools."""
    modules = sorted(DEMO_SRC.glob("pretraining*.py"))
    assert len(modules) >= 2
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = {node.module.rsplit(".", 1)[-1]} | {a.name for a in node.names}
            elif isinstance(node, ast.Import):
                names = {a.name.rsplit(".", 1)[-1] for a in node.names}
            else:
                continue
            assert not names & PRIVATE_MODULES, f"{path.name} imports {names & PRIVATE_MODULES}"


def test_no_word_10gram_shared_with_any_private_message(texts):
    """Every message (user and assistant turns) of the default private demo conversations
    against the default public corpus, tokenised as the cleansing step's 10-gram
    de-duplication does (dp_instructions.native.tokenize: lower-cased runs of letters,
    digits and ``_``)."""
    conversations = generate_conversations(N_PRIVATE, seed=0)
    messages = (
        conversations.select(pl.col("conversation").explode().struct.field("content"))
        .to_series()
        .drop_nulls()
        .unique()
        .to_list()
    )
    assert len(messages) > N_PRIVATE
    private: set[str] = set()
    for message in messages:
        words = native.tokenize(message)
        private.update(" ".join(words[i : i + 10]) for i in range(len(words) - 9))
    assert len(private) > 100_000
    shared = []
    for text in texts:
        words = native.tokenize(text)
        hit = next((g for g in (" ".join(words[i : i + 10]) for i in range(len(words) - 9)) if g in private), None)
        if hit is not None:
            shared.append((hit, text))
    assert not shared, f"{len(shared)} public texts share a 10-gram with the private corpus, e.g. {shared[:3]}"


def test_native_kernel_agrees_that_nothing_public_matches_the_private_side(texts):
    """The same check through the Rust kernel on a slice: with the private messages as the
    reference set, no public text is flagged as matching the reference."""
    conversations = generate_conversations(2_000, seed=0)
    messages = (
        conversations.select(pl.col("conversation").explode().struct.field("content")).to_series().drop_nulls()
    ).to_list()
    result = native.ngram_dedup(texts[:5_000], 10, reference=messages)
    assert not (result.matched == native.REFERENCE_MATCH).any()


# --- its own mix, and variety ---------------------------------------------------------------


def test_genre_mix_matches_the_declared_weights(corpus):
    total = sum(w for *_, w in GENRES)
    shares = dict(corpus["genre"].value_counts().iter_rows())
    for name, _, weight in GENRES:
        assert abs(shares[name] / N_PUBLIC - weight / total) < 0.01, name
    # not the private skew (~30% coding): coding is a minority and no genre dominates
    assert shares["coding"] / N_PUBLIC < 0.12
    assert max(shares.values()) / N_PUBLIC < 0.12


# The kinds of request the private prompts make that are not questions about a topic, each
# with a public genre of its own, and phrases one of which nearly every text of it carries.
TASK_GENRES = {
    "creative_writing": (
        "story",
        "poem",
        "song",
        "joke",
        "toast",
        "speech",
        "pun",
        "lyrics",
        "chorus",
        "limerick",
        "haiku",
        "fable",
        "sonnet",
        "ode ",
        "rhyme",
        "fiction",
        "one-liner",
    ),
    "roleplay": (
        "pretend",
        "role-play",
        "you're",
        "you are",
        "play",
        "talk like",
        "dialogue",
        "act like",
        "in character",
    ),
    "proofreading_rewriting": (
        "proofread",
        "rewrite",
        "reword",
        "shorten",
        "mistakes",
        "spell",
        "make this",
        "tidy",
        "polish",
        "turn this",
        "wrote this",
        "does this read",
        "okay to send",
        "clean this up",
        "sound",
    ),
    "translation": (
        "translat",
        "how do i say",
        "how would i say",
        "natural way to say",
        "how do you say",
        "mean",
        "need this in",
        "put this into",
        "formal and casual",
    ),
    "summary": (
        "summar",
        "tl;dr",
        "tldr",
        "gist",
        "short version",
        "takeaways",
        "one sentence",
        "main point",
        "headline",
        "sum ",
        "explain this",
    ),
    "brainstorming": (
        "ideas",
        "names",
        "call",
        "tagline",
        "slogan",
        "motto",
        "catchy",
        "gift",
        "present",
        "plan",
        "themes",
        "activities",
    ),
    "math_exercises": (
        "differentiate",
        "d/dx",
        "f'(x)",
        "integra",
        "antiderivative",
        "limit",
        "solve",
        "%",
        "derivative",
        "percent",
    ),
}


def test_each_kind_of_task_request_has_its_own_genre(corpus):
    """Stories, role-play, a pasted draft to fix, a phrase to translate, a passage to sum up,
    a brainstorm and a math exercise: each is 4-5% of the mix, and its texts ask for it."""
    weights = {name: weight for name, _, weight in GENRES}
    total = sum(weights.values())
    for genre, markers in TASK_GENRES.items():
        assert 0.035 <= weights[genre] / total <= 0.06, genre
        texts = corpus.filter(pl.col("genre") == genre)["text"].str.to_lowercase().to_list()
        asking = sum(any(m in t for m in markers) for t in texts) / len(texts)
        assert asking > 0.97, (genre, [t for t in texts if not any(m in t for m in markers)][:3])
    assert sum(weights[g] for g in TASK_GENRES) / total > 0.25


def test_few_exact_duplicates(texts):
    normalised = [" ".join(t.split()) for t in texts]
    assert 1 - len(set(normalised)) / len(normalised) < 0.02


def test_lengths_and_registers_vary(texts):
    lengths = [len(t.split()) for t in texts]
    in_range = sum(6 <= n <= 60 for n in lengths) / len(lengths)
    assert in_range > 0.9
    assert sum(n > 30 for n in lengths) / len(lengths) > 0.05  # multi-sentence posts
    assert sum("```" in t for t in texts) > 0.01 * len(texts)  # code questions with a snippet
    assert sum(t == t.lower() for t in texts) / len(texts) > 0.04  # casual all-lowercase
    assert sum(t.rstrip().endswith("?") for t in texts) / len(texts) > 0.4  # questions
    assert sum(t.rstrip().endswith(".") for t in texts) / len(texts) > 0.15  # requests, imperatives
    first_words = {t.split()[0].lower().strip(",.:!?") for t in texts}
    assert len(first_words) > 150


def test_vocabulary_is_broad(texts):
    words = {w for t in texts for w in native.tokenize(t)}
    assert len(words) > 4_000
    distinct_4grams = set()
    for t in texts[:10_000]:
        w = native.tokenize(t)
        distinct_4grams.update(tuple(w[i : i + 4]) for i in range(len(w) - 3))
    assert len(distinct_4grams) > 55_000
