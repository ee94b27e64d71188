"""The public question-and-answer corpus: help-seeking questions of the public pre-training
corpus' kind (:mod:`.pretraining`, drawn from their own random stream), each with a
templated answer. The embedded public teacher learns to answer from it.

Why templated answers: the embedded demo has no network and no pre-trained chat model, and
nothing private may teach the teacher. The answers restate what was asked (the request's
main sentence, the pasted draft or passage) and follow it with generic advice of the
question's genre: steps, checks, ideas, a closing offer. A model trained on them answers on
topic and in the right shape, but its advice is generic and often wrong in detail; the
alignment report says so. Real deployments configure a real teacher (``--env openai``).

Public by construction, like the pre-training corpus: the questions come from its
generators, the answer templates share no text with the private demo conversations, and
nothing in either holds personal data.
"""

from __future__ import annotations

import random
import re

import polars as pl

from dp_instructions.demo import pretraining
from dp_instructions.demo.corpus import _STREAM_PUBLIC_ANSWERS, _rng, check_seed, check_size
from dp_instructions.demo.template import TemplateSet

__all__ = ["PUBLIC_QA_SCHEMA", "answer_for", "generate_public_qa_corpus"]

PUBLIC_QA_SCHEMA = pl.Schema({"id": pl.Utf8, "question": pl.Utf8, "answer": pl.Utf8, "genre": pl.Utf8})

_MAX_TOPIC_WORDS = 14
_MAX_PASTE_WORDS = 40
_SENTENCE = re.compile(r"[^.?!\n]+[.?!]?")
_FILLER = re.compile(
    r"^(?:ok(?:ay)? so|so|hi|hey|hello|please|pls|quick question|homework help|beginner[^,]* here|"
    r"can you|could you|would you|can someone|help me|i need to know|i want to know|tell me)[,:]?\s+",
    re.IGNORECASE,
)
_PASTE = re.compile(
    r"^(.{0,120}?(?:this|text|draft|passage|paragraph|message|below|version)[^:\n]{0,40}[:?])\s*(.+)$", re.S
)


def _words(text: str, limit: int) -> str:
    words = text.split()
    return " ".join(words[:limit]) + (" ..." if len(words) > limit else "")


def _topic(question: str) -> str:
    """The request's main sentence, lower-cased and trimmed: the part an answer restates."""
    sentences = [s.strip() for s in _SENTENCE.findall(question) if len(s.split()) >= 3]
    if not sentences:
        return _words(question.strip().rstrip("?.!"), _MAX_TOPIC_WORDS).lower()
    # The longest sentence: short ones are mostly tails ("Any ideas?", "Where do I even start?").
    main = max(reversed(sentences), key=lambda s: len(s.split())).rstrip("?.! ")
    for _ in range(3):
        main = _FILLER.sub("", main)
    if main[1:2].islower() or (main[1:2] == " " and main[:1] != "I"):
        main = main[:1].lower() + main[1:]
    return _words(main, _MAX_TOPIC_WORDS)


def _pasted(question: str) -> str | None:
    """Text pasted after "this:" (a draft to rewrite, a passage to sum up), when there is one."""
    match = _PASTE.match(question.strip())
    if match is None:
        return None
    body = match.group(2).strip()
    return body if len(body.split()) >= 4 else None


_S: dict = {}

_OPEN = TemplateSet(
    [
        "[Sure|Good question|Happy to help|Of course|Okay|Great question]. [You asked about|About|On] "
        '"{=topic}": [here is what I would do.|here is a simple way to think about it.|here is the short version.|'
        "a few things help.]",
        '[Sure|Okay|Good one]: "{=topic}". [Here is how I would approach it.|Let me break it down.|The answer depends '
        "a little on your situation, but here is the usual advice.]",
        '"{=topic}" [is a common question|comes up a lot|is a good thing to ask]. [Here is what usually works.|Here '
        "are the basics.|Short answer first, then the details.]",
    ],
    _S,
)

_CLOSE = TemplateSet(
    [
        "[If you tell me more about your situation, I can be more specific.|Let me know if you want more detail on "
        "any step.|Hope that helps!|If anything is unclear, ask and I will explain it another way.|Good luck, and "
        "feel free to follow up.]",
    ],
    _S,
)

# Generic steps per kind of help; an answer lists three of its kind's steps.
_STEPS: dict[str, tuple[str, ...]] = {
    "tech": (
        "Reproduce the problem with the smallest example you can.",
        "Read the full error message: the first line usually names the cause.",
        "Check the versions you are running and update what is out of date.",
        "Search the exact error text together with the tool's name.",
        "Undo your last change and see whether the problem goes away.",
        "Restart the device or program after each change, so you know which one helped.",
        "Write down what you tried, so you do not repeat it.",
        "Look at the official documentation for the command you are using.",
    ),
    "explain": (
        "The key idea is cause and effect: one thing changes, and another follows from it.",
        "A simple picture helps: think of it as a small everyday example you already know.",
        "Most explanations get complicated because of jargon; the core idea is short.",
        "It happens in steps, and each step only depends on the one before it.",
        "There are exceptions, but the general rule holds most of the time.",
        "If you want to check it yourself, a small experiment at home shows the effect.",
    ),
    "writing": (
        "Open with one clear sentence that says why you are writing.",
        "Keep each paragraph to one point.",
        "Use a friendly but plain tone, and cut words that do not add anything.",
        "End with what you would like the reader to do next.",
        "Read it aloud once before sending: awkward sentences stand out.",
        "Keep it short enough to read in a minute.",
    ),
    "ideas": (
        "Start with something simple and cheap, then build on what people enjoy.",
        "A theme makes choices easier: pick one and let it guide the rest.",
        "Something handmade or personal usually means more than something expensive.",
        "Mix one safe choice with one surprising one.",
        "Ask one or two people for their favourites before you decide.",
        "Write every idea down first and judge them later.",
    ),
    "math": (
        "Write down what is given and what you need to find.",
        "Do one operation at a time and keep every line of working.",
        "Simplify before you calculate: it avoids arithmetic mistakes.",
        "Check the result by putting it back into the original problem.",
        "Watch the signs and the units at every step.",
        "If you are stuck, try a simpler version with smaller numbers first.",
    ),
    "home": (
        "Gather what you need before you start, so you do not stop half-way.",
        "Start small and test on a spot where mistakes do not show.",
        "Go slowly and follow the instructions that came with the product.",
        "Clean up as you go; it makes the last step much easier.",
        "Safety first: gloves, fresh air, and power off where it applies.",
        "Give it time: most things work better after a day or two.",
    ),
    "life": (
        "Be clear about your goal and your budget before you compare options.",
        "Start with a small step you can keep up, then build on it.",
        "Compare two or three options side by side on the things that matter to you.",
        "Ask someone who has done it for their honest experience.",
        "Plan for the unexpected: leave some time and money spare.",
        "Keep notes of what worked, so the next time is easier.",
    ),
}

_KIND = {
    "coding": "tech",
    "tech_support": "tech",
    "explanation": "explain",
    "study_homework": "math",
    "math_exercises": "math",
    "writing_email": "writing",
    "creative_writing": "writing",
    "roleplay": "writing",
    "brainstorming": "ideas",
    "diy_howto": "home",
    "cooking": "home",
    "gardening": "home",
    "pets": "home",
}

_REWRITE = TemplateSet(
    [
        "[Here is a cleaner version|Here is a revised version|Here you go]:\n\n{=pasted}\n\n[I kept your meaning and "
        "tightened the wording.|I fixed the spelling and kept the tone.|The meaning is the same, just easier to read.]",
    ],
    _S,
)
_SUMMARY = TemplateSet(
    [
        "[In short|The gist|Short version]: {=first}[| That is the main point.| The rest is detail.]",
        "[Here is the main point|The key takeaway]: {=first}",
    ],
    _S,
)
_TRANSLATE = TemplateSet(
    [
        '[For "{=topic}"|About "{=topic}"]: [keep it simple and polite.|a short, polite phrase works best.] [A '
        "phrasebook or a native speaker can confirm the exact words.|Say it slowly; people appreciate the effort.]",
    ],
    _S,
)


def _steps(rnd: random.Random, kind: str) -> str:
    pool = list(_STEPS[kind])
    rnd.shuffle(pool)
    return "\n".join(f"{i}. {step}" for i, step in enumerate(pool[: 2 + int(rnd.random() < 0.3)], start=1))


def answer_for(question: str, genre: str, rnd: random.Random) -> str:
    """A templated answer to ``question`` of ``genre`` (one of :data:`.pretraining.GENRE_NAMES`):
    the request itself, before a forum post's greeting or sign-off is added around it."""
    ctx = {"topic": _topic(question)}
    pasted = _pasted(question)
    if genre == "proofreading_rewriting" and pasted:
        return _REWRITE(rnd, {"pasted": _words(pasted, _MAX_PASTE_WORDS)})
    if genre == "summary" and pasted:
        first = _SENTENCE.findall(pasted)
        return _SUMMARY(rnd, {"first": _words(first[0].strip() if first else pasted, _MAX_TOPIC_WORDS + 6)})
    if genre == "translation":
        return _TRANSLATE(rnd, ctx)
    kind = _KIND.get(genre, "life")
    answer = f"{_OPEN(rnd, ctx)}\n{_steps(rnd, kind)}"
    return f"{answer}\n{_CLOSE(rnd)}" if rnd.random() < 0.5 else answer


def generate_public_qa_corpus(size: int = 2_000, seed: int = 0) -> pl.DataFrame:
    """``size`` public (question, answer) pairs (columns ``id``, ``question``, ``answer``,
    ``genre``). Deterministic in ``(size, seed)``; row ``i`` has its own random stream, so
    the first k rows of any two sizes agree."""
    check_size(size, "size", allow_zero=True)
    check_seed(seed, "seed")
    rows: dict[str, list[str]] = {"id": [], "question": [], "answer": [], "genre": []}
    for i in range(size):
        rnd = _rng(seed, i, _STREAM_PUBLIC_ANSWERS)
        request, genre = pretraining.pretraining_request(rnd)
        answer = answer_for(request, genre, rnd)
        rows["id"].append(f"public_qa_{seed}_{i:07d}")
        rows["question"].append(pretraining.decorate(rnd, request))
        rows["answer"].append(answer)
        rows["genre"].append(genre)
    return pl.DataFrame(rows, schema=PUBLIC_QA_SCHEMA)
