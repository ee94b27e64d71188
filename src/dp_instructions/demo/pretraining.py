"""The public pre-training corpus: broad text of the kind people write when they ask for
help (forum questions, requests to an assistant, how-tos, code questions, ...).

Why it exists: the embedded demo's small GPT-2 learns English from public text before
DP fine-tuning. Pre-trained only on the FLAN-like classic-NLP corpus
(:mod:`.public`), it has never seen a request to an assistant, and DP fine-tuning on a
few thousand private prompts cannot teach it that from scratch. The paper's LLaMA had
seen the web; this corpus plays the web's part.

Why it is public by construction: it has its own generators (:mod:`.pretraining_tech`,
:mod:`.pretraining_life`, :mod:`.pretraining_home`, :mod:`.pretraining_tasks`), its own word
lists (:mod:`.pretraining_vocab`, :mod:`.pretraining_tasks_vocab`) and its own topic mix
(:data:`GENRES`; the private corpus is ~30% coding, this one ~10%), and it
carries no personal data at all (no person names, phone numbers, emails, addresses or
employers; only roles such as "my manager"). A test checks that it shares no word 10-gram
with any message of the private demo conversations at the default sizes.

Besides questions about a topic, it holds each *kind* of request people make of an
assistant (:mod:`.pretraining_tasks`): stories, poems and toasts, role-play set-ups, a pasted
draft to proofread or rewrite, everyday phrases to translate, a pasted passage to sum up,
brainstorming lists and math exercises, so that the base model has seen them before DP
fine-tuning, each at 4-5% of the mix and written its own way.

Registers vary like real posts: forum greetings and sign-offs, a line of background, an
"edit:" afterthought, all-lowercase or unpunctuated casual text, "u"/"pls" shorthand.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from itertools import accumulate

import polars as pl

from dp_instructions.demo import pretraining_home as home
from dp_instructions.demo import pretraining_life as life
from dp_instructions.demo import pretraining_tasks as tasks
from dp_instructions.demo import pretraining_tech as tech
from dp_instructions.demo.corpus import _STREAM_PRETRAINING, _rng, check_seed, check_size
from dp_instructions.demo.template import TemplateSet

__all__ = [
    "GENRES",
    "GENRE_NAMES",
    "PUBLIC_PRETRAINING_SCHEMA",
    "decorate",
    "generate_public_pretraining_corpus",
    "pretraining_request",
    "pretraining_text",
]

Builder = Callable[[random.Random], str]

#: (genre, builder, weight): the public corpus' own topic mix. Coding, tech support,
#: explanations and emails take a third; each kind of task request 4-5% (a third in all);
#: everyday life and home topics the rest.
GENRES: tuple[tuple[str, Builder, float], ...] = (
    ("coding", tech.coding, 0.10),
    ("tech_support", tech.tech_support, 0.07),
    ("explanation", life.explanation, 0.10),
    ("writing_email", life.writing, 0.07),
    ("creative_writing", tasks.creative, 0.05),
    ("roleplay", tasks.roleplay, 0.04),
    ("proofreading_rewriting", tasks.rewriting, 0.05),
    ("translation", tasks.translation, 0.04),
    ("summary", tasks.summary, 0.04),
    ("brainstorming", tasks.brainstorm, 0.05),
    ("math_exercises", tasks.math, 0.05),
    ("diy_howto", home.diy, 0.04),
    ("cooking", home.cooking, 0.04),
    ("travel", life.travel, 0.03),
    ("money", home.money, 0.03),
    ("health_fitness", life.fitness, 0.03),
    ("study_homework", life.study, 0.04),
    ("language_learning", life.language_learning, 0.02),
    ("careers", life.careers, 0.03),
    ("gardening", home.gardening, 0.02),
    ("pets", home.pets, 0.02),
    ("hobbies_games", life.hobbies, 0.02),
    ("shopping", home.shopping, 0.02),
)
GENRE_NAMES: tuple[str, ...] = tuple(g[0] for g in GENRES)
_TOTAL = sum(g[2] for g in GENRES)
_CUM = tuple(c / _TOTAL for c in accumulate(g[2] for g in GENRES))

PUBLIC_PRETRAINING_SCHEMA = pl.Schema({"id": pl.Utf8, "text": pl.Utf8, "genre": pl.Utf8})

_REG_SLOTS: dict = {"n": lambda rnd: str(2 + int(rnd.random() * 10))}

_GREETING = TemplateSet(
    [
        "[Hi all,|Hello everyone!|Hey folks,|Hi there.|Hey,|Hello,|Morning all.]",
        "[Long time lurker, first post.|First post here, be gentle.|Not sure this is the right place, but]",
        "[Hoping someone can help.|Need some advice.|Bit of a weird one.|Okay so]",
    ],
    _REG_SLOTS,
)
_BACKGROUND = TemplateSet(
    [
        "[Some background:|For context,|Context:] I've [looked everywhere|searched online|read a few guides] "
        "[and|but] [the answers contradict each other|nothing matches my situation|I'm more confused now].",
        "[I've been putting this off for|This has bugged me for] [weeks|months|ages|{n} days].",
        "[I'm not an expert|Total amateur here|I know very little about this], so [keep it simple|go easy "
        "on me|explain like I'm new].",
    ],
    _REG_SLOTS,
)
_SIGNOFF = TemplateSet(
    [
        "[Thanks in advance!|Thanks!|Any help appreciated.|TIA.|Cheers.|Thank you so much.|Appreciate it!]",
        "[Edit: typo.|Edit: forgot to say this is my first time.|EDIT: thanks for the replies so far!]",
        "[Sorry for the long post.|Sorry if this has been asked before.|Sorry, English is not my first language.]",
    ],
    _REG_SLOTS,
)

_TAIL = TemplateSet(
    [
        "[Asking for a friend.|Short answer is fine.|I keep hearing mixed things.|Everyone I ask says something "
        "different.|Be honest.|No judgement please.|Genuinely curious.|Sources welcome.|Sorry if this is basic.|"
        "Trying to settle an argument.|I've always wondered.|Keep it simple please.]",
    ],
    _REG_SLOTS,
)

_SHORTHAND = ((" you ", " u "), (" please", " pls"), (" because ", " cuz "), (" thanks", " thx"))


def _casual(rnd: random.Random, text: str) -> str:
    r = rnd.random()
    if r < 0.09:
        text = text.lower()
        if rnd.random() < 0.5:
            text = text.rstrip(".?!")
        if rnd.random() < 0.4:
            for a, b in _SHORTHAND:
                text = text.replace(a, b)
    elif r < 0.15:
        text = text.rstrip(".")
    return text


def _join(intro: str, text: str) -> str:
    """``intro text``; the text continues the sentence after an intro ending in a comma,
    "but" or "so" (so it starts lower case unless it starts with "I" or an acronym)."""
    if intro.endswith((",", " but", " so")) and text[:1].isupper() and not text[1:2].isupper():
        if not (text.startswith("I ") or text.startswith("I'")):
            text = text[0].lower() + text[1:]
    return f"{intro} {text}"


def pretraining_text(rnd: random.Random) -> tuple[str, str]:
    """One text of the public pre-training corpus and its genre."""
    text, genre = pretraining_request(rnd)
    return decorate(rnd, text), genre


def pretraining_request(rnd: random.Random) -> tuple[str, str]:
    """The request itself (no greeting, background or sign-off) and its genre."""
    u = rnd.random()
    k = 0
    while k < len(_CUM) - 1 and u >= _CUM[k]:
        k += 1
    genre, build, _ = GENRES[k]
    return build(rnd), genre


def decorate(rnd: random.Random, text: str) -> str:
    """``text`` in a forum post's register: sometimes a greeting or a line of background
    before it, a tail or a sign-off after it, casual spelling."""
    r = rnd.random()
    if r < 0.10:
        text = _join(_GREETING(rnd), text)
    elif r < 0.15:
        text = _join(_BACKGROUND(rnd), text)
    elif r < 0.18:
        text = _join(_GREETING(rnd), _join(_BACKGROUND(rnd), text))
    if "\n" not in text and len(text) < 90 and rnd.random() < 0.2:
        text = f"{life.closed(text)} {_TAIL(rnd)}"
    if rnd.random() < 0.12:
        text = f"{life.closed(text)} {_SIGNOFF(rnd)}" if "\n" not in text else f"{text}\n\n{_SIGNOFF(rnd)}"
    if "```" not in text:
        text = _casual(rnd, text)
    return text


def generate_public_pretraining_corpus(size: int = 30_000, seed: int = 0) -> pl.DataFrame:
    """``size`` public pre-training texts (columns ``id``, ``text``, ``genre``).

    Deterministic in ``(size, seed)``; row ``i`` is drawn from its own random stream, so
    it does not depend on ``size`` (the first k rows of any two sizes agree).
    """
    check_size(size, "size", allow_zero=True)
    check_seed(seed, "seed")
    texts: list[str] = []
    genres: list[str] = []
    for i in range(size):
        text, genre = pretraining_text(_rng(seed, i, _STREAM_PRETRAINING))
        texts.append(text)
        genres.append(genre)
    ids = [f"pretraining_{seed}_{i:07d}" for i in range(size)]
    return pl.DataFrame({"id": ids, "text": texts, "genre": genres}, schema=PUBLIC_PRETRAINING_SCHEMA)
