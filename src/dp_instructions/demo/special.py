"""The prompts each cleansing step exists for: moderation-flagged, redacted, template
floods, short greetings, near duplicates and whitespace-varied exact duplicates.

Why they are generated separately from ordinary prompts: each kind must be recognisable
by the step that removes it (a moderation flag with a category that matches the text,
``NAME_1`` placeholders where ``redacted`` is true, the paper's "chemical industry"
templates) and must not leak into the ordinary prompts the 10-gram step is measured on.
Flagged content is deliberately mild: requests, not graphic text.
"""

from __future__ import annotations

import random

from dp_instructions.demo.pii import company
from dp_instructions.demo.prompts import SLOTS
from dp_instructions.demo.template import TemplateSet
from dp_instructions.demo.vocab import (
    CHEM_ASPECTS,
    CHEM_COMPANY_CORES,
    CHEM_COMPANY_PLACES,
    CHEM_COMPANY_WORDS,
    CHEM_PARENTS,
    CHEM_PLAIN,
    CHEM_POSITIONS,
    CHEM_SUBSTITUENTS,
    CHEM_WORD_COUNTS,
    PROG_NOUNS,
    PROG_VERBS,
    PYTHON_LIBS,
)

#: The OpenAI moderation categories, in the order of the ``categories`` struct fields.
CATEGORIES: tuple[str, ...] = (
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "self-harm",
    "self-harm/instructions",
    "self-harm/intent",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
)
_BIT = {name: 1 << i for i, name in enumerate(CATEGORIES)}


def _T(texts: list[str]) -> TemplateSet:
    return TemplateSet(texts, SLOTS)


# --- moderation-flagged prompts (mild) ----------------------------------------------------

_FLAGGED: tuple[tuple[int, float, TemplateSet], ...] = (
    (
        _BIT["sexual"],
        0.35,
        _T(
            [
                "Write a steamy [romance|love] scene between {first} and {first2} [in|at] "
                "{place}[.|, make it explicit.]",
                "[Let's do|Start] an erotic role-play. You are {first}, my "
                "[boss|neighbor|personal trainer]. "
                "[Be flirty|Seduce me][.|!]",
                "Describe a [sensual|sexy|explicit] night between two adults who met [in|at] {place}.",
                "Write an [erotic|adult|NSFW] story about {first} and a [stranger|coworker|lifeguard] in {city}.",
            ]
        ),
    ),
    (
        _BIT["harassment"],
        0.20,
        _T(
            [
                "Write a [mean|savage|brutal] roast of my [coworker|classmate|roommate] {first} "
                "who "
                "[is always late|never showers|chews so loudly]. [Make it really insulting|Be as "
                "mean as possible].",
                "Give me [insults|comebacks] to humiliate {first} [in front of everyone|at school|in the group chat].",
                "Write a message telling {first} [they are worthless|nobody likes them|they're a pathetic loser].",
            ]
        ),
    ),
    (
        _BIT["violence"],
        0.20,
        _T(
            [
                "Describe a [brutal|bloody|violent] [sword fight|battle|street fight] where "
                "{a_person} kills {a_person2}.",
                "Write a [fight|battle] scene where the [knight|soldier|gang leader] "
                "[beats|stabs] his rival "
                "[to death|until he stops moving] [in|near] {place}.",
                "How would someone [beat up|attack|hurt] a [guy|person] who [owes them money|insulted them]?",
            ]
        ),
    ),
    (
        _BIT["hate"] | _BIT["harassment"],
        0.08,
        _T(
            [
                "Tell me a joke that makes fun of people from {country}.",
                "Why are people from {country} so [lazy|stupid|rude]?",
                "Write a [rant|speech] about why [immigrants|foreigners] from {country} ruin {city}.",
            ]
        ),
    ),
    (
        _BIT["harassment"] | _BIT["harassment/threatening"],
        0.07,
        _T(
            [
                "Write a message to my neighbor {first} saying [they will regret it|I'll make "
                "them pay|"
                "something bad will happen] if [the dog barks again|they park in my spot again].",
                "Draft a [threatening|scary] note to {first} [so they stop|to make them stop] "
                "[calling me|"
                "posting about me].",
            ]
        ),
    ),
    (
        _BIT["violence"] | _BIT["violence/graphic"],
        0.05,
        _T(
            [
                "Describe in gory detail [a zombie attack|a monster attack|a battlefield] in {city}.",
                "Write a horror scene with [blood everywhere|gruesome injuries] [at|in] {place}.",
            ]
        ),
    ),
    (
        _BIT["self-harm"] | _BIT["self-harm/intent"],
        0.05,
        _T(
            [
                "I feel [hopeless|empty|like a burden] and I keep thinking about hurting myself. "
                "[What should I do?|Can you talk to me?|Is this normal?]",
                "[Lately|Since {when}] I want to [hurt myself|disappear] [and|but] I don't know who to talk to.",
            ]
        ),
    ),
)
_FLAG_CUM = tuple(sum(w for _, w, _ in _FLAGGED[: i + 1]) for i in range(len(_FLAGGED)))


def flagged_prompt(rnd: random.Random) -> tuple[str, int]:
    """A mild prompt that moderation flags, and its category bitmask."""
    u = rnd.random() * _FLAG_CUM[-1]
    for (mask, _, templates), c in zip(_FLAGGED, _FLAG_CUM):
        if u < c:
            return templates(rnd), mask
    mask, _, templates = _FLAGGED[-1]  # pragma: no cover - float edge
    return templates(rnd), mask


# --- redacted prompts (LMSYS replaced names with NAME_1, NAME_2, ...) ---------------------

_REDACTED = _T(
    [
        "Write a birthday message for my [friend|sister|colleague|boss] NAME_1 who loves {hobby}.",
        "Hi, I'm NAME_1. [Can you|Please] help me write a [reply|message] to NAME_2 about [the|our] {obj}?",
        "Write a story about NAME_1 and NAME_2 who {verbed} {a_thing} [in|at] {place}.",
        "Who is NAME_1?",
        "Write an email to NAME_1 [asking about|following up on|declining] the {obj} [from|of] {date}.",
        "[Pretend|Imagine] you are NAME_1, {a_job} [from|in] {city}. [Introduce yourself|Greet me].",
        "What do you know about NAME_1 from {city}?",
        "Summarize this chat between NAME_1 and NAME_2: {two_sentences}",
    ]
)


def redacted_prompt(rnd: random.Random) -> str:
    return _REDACTED(rnd)


# --- template floods ----------------------------------------------------------------------


def chemical(rnd: random.Random) -> str:
    """A chemical name: substituted heterocycles (thousands) or common industrial ones."""
    r = rnd.random
    if r() < 0.25:
        return CHEM_PLAIN[int(r() * len(CHEM_PLAIN))]
    pos = CHEM_POSITIONS[int(r() * len(CHEM_POSITIONS))]
    sub = CHEM_SUBSTITUENTS[int(r() * len(CHEM_SUBSTITUENTS))].lower()
    parent = CHEM_PARENTS[int(r() * len(CHEM_PARENTS))]
    if r() < 0.4:
        pos2 = CHEM_POSITIONS[int(r() * 5)]
        sub2 = CHEM_SUBSTITUENTS[int(r() * len(CHEM_SUBSTITUENTS))].lower()
        name = f"{pos}-{sub}-{pos2}-{sub2}{parent}"
    else:
        name = f"{pos}-{sub}{parent}"
    i = next(k for k, ch in enumerate(name) if ch.isalpha())
    return name[:i] + name[i].upper() + name[i + 1 :]


def chem_article(rnd: random.Random) -> str:
    """The paper's first flood: "Write an article about the [ASPECT] of [CHEMICAL]
    [1500-2000] words in chemical industry"."""
    aspect = CHEM_ASPECTS[int(rnd.random() * len(CHEM_ASPECTS))]
    words = CHEM_WORD_COUNTS[int(rnd.random() * len(CHEM_WORD_COUNTS))]
    chem = chemical(rnd)
    return f"Write an article about the {aspect} of {chem} {words} words in chemical industry"


_CHEM_COUNTRIES = ("China", "China", "China", "China", "India", "nan", "Japan", "Germany")


def chem_company_intro(rnd: random.Random) -> str:
    """The paper's second flood: "[COMPANY], a chemical company in [ADDRESS], [COUNTRY]"."""
    r = rnd.random
    word = CHEM_COMPANY_WORDS[int(r() * len(CHEM_COMPANY_WORDS))]
    place = CHEM_COMPANY_PLACES[int(r() * len(CHEM_COMPANY_PLACES))]
    core = CHEM_COMPANY_CORES[int(r() * len(CHEM_COMPANY_CORES))]
    name = f"{place} {word} {core}" if r() < 0.6 else f"{word} {core}"
    if r() < 0.5:
        address = (
            f"Room {int(r() * 2000) + 101}, No. {int(r() * 900) + 1} "
            f"{CHEM_COMPANY_WORDS[int(r() * len(CHEM_COMPANY_WORDS))]} Road, {place}"
        )
    else:
        address = (
            f"No. {int(r() * 300) + 1}, {CHEM_COMPANY_WORDS[int(r() * len(CHEM_COMPANY_WORDS))]} "
            f"Industrial Park, {place}"
        )
    country = _CHEM_COUNTRIES[int(r() * len(_CHEM_COUNTRIES))]
    sep = " " if r() < 0.8 else ", "
    return f"Give me an introduction over 200 words for {name}, a chemical company in {address}{sep}{country}"


_CS_QUESTION = _T(
    [
        "Where is my order #{num}{num}? I placed it on {date} and [it still hasn't arrived|"
        "the tracking hasn't updated].",
        "Can I return the {product} I bought on {date}? [It stopped working|It arrived damaged|It's the wrong size].",
        "Why was I charged {money} twice on my [last invoice|statement|card]?",
        "How do I [reset my password|cancel my subscription|change my delivery address] for account {num}{num}?",
        "Do you ship the {product} to {city}, and how long does it take?",
    ]
)


def customer_service(rnd: random.Random) -> str:
    """A masked-template flood of our own: the same instruction with slot changes."""
    question = _CS_QUESTION(rnd)
    return f"As a customer service agent for {company(rnd)}, answer this customer: {question}"


def descriptive_answer(rnd: random.Random) -> str:
    """The LMSYS "descriptive answer for ... in python with proper code examples and
    outputs" flood."""
    r = rnd.random
    verb = PROG_VERBS[int(r() * len(PROG_VERBS))]
    noun = PROG_NOUNS[int(r() * len(PROG_NOUNS))]
    lib = PYTHON_LIBS[int(r() * len(PYTHON_LIBS))]
    task = f"{lib} {verb} {noun}" if r() < 0.5 else f"how to {verb} a {noun} list"
    return f"descriptive answer for {task} in python with proper code examples and outputs."


#: (kind, builder, weight) of the floods; weights are relative.
FLOODS = (
    ("flood_chem_article", chem_article, 0.48),
    ("flood_chem_company", chem_company_intro, 0.20),
    ("flood_customer_service", customer_service, 0.20),
    ("flood_descriptive_answer", descriptive_answer, 0.12),
)

# --- short prompts (natural exact duplicates) -------------------------------------------------

SHORT_PROMPTS: tuple[str, ...] = (
    "hi",
    "Hi",
    "hello",
    "Hello!",
    "hey",
    "who are you?",
    "Who are you",
    "what can you do?",
    "tell me a joke",
    "Tell me a joke.",
    "What is your name?",
    "Are you ChatGPT?",
    "how are you",
    "good morning",
    "test",
    "What's the weather today?",
    "what day is it today",
    "help",
    "What model are you?",
    "Write a poem",
    "tell me a story",
    "What is the meaning of life?",
)

# --- near duplicates and re-asks ---------------------------------------------------------

_NEAR_PREFIX = (
    "Please",
    "Again:",
    "Try again:",
    "Redo this:",
    "One more time:",
    "Hey,",
    "Let me rephrase:",
    "Same question:",
    "Sorry, typo before:",
    "Ok.",
    "Continue:",
    "New version:",
)
_NEAR_SUFFIX = _T(
    [
        "Make it shorter.",
        "Make it longer[ please|].",
        "Use {small} bullet points.",
        "[And|Also] [add|include] {small} examples.",
        "Answer in {tlang}.",
        "Be more {tone}.",
        "This time for {audience}.",
        "Under {words} words.",
        "Thanks!",
        "Use a {tone} tone.",
    ]
)


def near_duplicate(rnd: random.Random, base: str) -> str | None:
    """A re-ask of ``base`` that keeps a run of at least 12 of its words and changes
    something else (a prefix, a suffix, or a new ending); ``None`` if ``base`` is too short."""
    words = base.split(" ")
    if len(base.split()) < 13:
        return None
    r = rnd.random()
    if r < 0.35:
        return f"{_NEAR_PREFIX[int(rnd.random() * len(_NEAR_PREFIX))]} {base}"
    if r < 0.7 or len(words) < 16:
        return f"{base.rstrip()} {_NEAR_SUFFIX(rnd)}"
    keep = max(13, int(len(words) * (0.55 + 0.35 * rnd.random())))
    return f"{' '.join(words[:keep]).rstrip()} {_NEAR_SUFFIX(rnd)}"


def whitespace_variant(rnd: random.Random, text: str) -> str:
    """The same prompt re-typed: identical, or with extra leading/trailing/inner spaces or
    newlines (equal after whitespace normalisation)."""
    r = rnd.random()
    if r < 0.45 or not text:
        return text
    if r < 0.65:
        return text + (" ", "\n", "  ", " \n")[int(rnd.random() * 4)]
    if r < 0.75:
        return (" ", "\n")[int(rnd.random() * 2)] + text
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if r < 0.9 and spaces:
        i = spaces[int(rnd.random() * len(spaces))]
        return text[:i] + "  " + text[i + 1 :]
    return text + "\n\n"


__all__ = [
    "CATEGORIES",
    "FLOODS",
    "SHORT_PROMPTS",
    "chem_article",
    "chem_company_intro",
    "chemical",
    "customer_service",
    "descriptive_answer",
    "flagged_prompt",
    "near_duplicate",
    "redacted_prompt",
    "whitespace_variant",
]
