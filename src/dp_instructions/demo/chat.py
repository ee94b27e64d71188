"""Assistant replies and user follow-up turns for multi-turn demo conversations.

Why they are cheap templates: the paper (and the cleansing pipeline) only uses the first
user turn; later turns exist so that the schema, the turn counts and per-message
moderation look like LMSYS-Chat-1M and so that "flagged only on a later turn" and
"first user turn" logic is exercised. They still vary, so nothing downstream can key on
a constant string.
"""

from __future__ import annotations

import random

from dp_instructions.demo import code_snippets
from dp_instructions.demo.prompts import SLOTS
from dp_instructions.demo.template import TemplateSet


def _T(texts: list[str]) -> TemplateSet:
    return TemplateSet(texts, SLOTS)


_OPENERS = (
    "Sure! ",
    "Certainly. ",
    "Of course! ",
    "",
    "Great question. ",
    "I'd be happy to help. ",
    "Here you go. ",
    "Absolutely. ",
    "Good idea. ",
)

_GENERIC_REPLY = _T(
    [
        "Here is [a|an] [draft|version|overview|answer] [you can use|to start with|tailored for "
        "{audience}]:\n\n"
        "1. [Start|Begin] with {a_thing} and {hobby}.\n2. [Mention|Add] the {obj} "
        "[early|briefly].\n"
        "3. [Finish|End] with a {tone} [note|call to action].",
        "[In short|Briefly|To summarize], {concept} [is about|comes down to|relates to] "
        "{essay_topic}. "
        "[Let me know|Tell me] if you want [more detail|examples|a shorter version].",
        "{sentence} [I hope this helps|Hope that helps|Let me know what you think][!|.]",
        "[Title|Draft]: The {adj} {thing}\n\n[Once upon a time|Long ago|Last spring], {a_person} "
        "{verbed} {a_thing} [in|near] {city}. {sentence}",
        "[Here are|These are] {small} [ideas|options|suggestions]: {hobby}, {a_thing}, and a "
        "{adj} {obj}. "
        "[Which one do you like?|Want me to expand any of them?]",
    ]
)

_CODE_REPLY = _T(
    [
        "[Here's|Here is] [one way to do it|a working version|a fixed version|an example] in {=lang}:",
        "[The problem is|The issue is|This happens because] [the {field} value is missing|{var} is "
        "[None|undefined|empty]|an off-by-one error in the loop]. [Try this|Here's a fix]:",
    ]
)

_REFUSAL = (
    "I'm sorry, but I can't help with that request.",
    "I can't create that content, but I'm happy to help with something else.",
    "I'm really sorry you're feeling this way. You don't have to go through this alone: please "
    "consider reaching out to someone you trust or a local crisis line.",
    "As an AI language model, I cannot produce content that is hateful, violent or sexually explicit.",
    "I won't write that, but I can help you write a respectful message instead.",
)

_FOLLOW_UP = _T(
    [
        "[Can you|Could you|Please] make it [shorter|longer|simpler|funnier|more {tone}][?|.]",
        "Now [do the same|write it|translate it] in {tlang}[.|]",
        "[thanks|thank you|Thanks!|great, thanks|perfect]",
        "continue",
        "Continue",
        "go on",
        "more",
        "What about {concept}?",
        "Can you explain the [first|second|last] part [again|in more detail]?",
        "Add more [detail|details] about the {obj}[.|]",
        "Rewrite it for {audience}.",
        "[That's wrong|That doesn't work|It still fails], [I get|it says] {var} is [undefined|None|empty].",
        "Can you give me {small} more [examples|options|ideas]?",
        "Why?",
    ]
)


def _compose_reply(rnd: random.Random, topic: str) -> str:
    opener = _OPENERS[int(rnd.random() * len(_OPENERS))]
    if topic == "coding":
        lang = code_snippets.LANGUAGES[int(rnd.random() * len(code_snippets.LANGUAGES))]
        intro = _CODE_REPLY(rnd, {"lang": lang})
        code = code_snippets.snippet(rnd, lang)
        return f"{opener}{intro}\n\n```{lang.lower()}\n{code}\n```"
    return opener + _GENERIC_REPLY(rnd)


# Replies are drawn from a bank composed once per process (fixed seed, so deterministic):
# composing one per message would cost more than the user prompt it answers, and nothing
# downstream reads assistant turns beyond their presence.
_BANK_SIZE = 1024
_BANKS: dict[bool, tuple[str, ...]] = {}


def _bank(coding: bool) -> tuple[str, ...]:
    bank = _BANKS.get(coding)
    if bank is None:
        rnd = random.Random(0x5EED + coding)
        topic = "coding" if coding else ""
        bank = _BANKS[coding] = tuple(_compose_reply(rnd, topic) for _ in range(_BANK_SIZE))
    return bank


def assistant_reply(rnd: random.Random, topic: str, language: str = "English") -> str:
    """A plausible English reply to a prompt of ``topic`` (code for coding prompts)."""
    bank = _bank(topic == "coding")
    return bank[int(rnd.random() * _BANK_SIZE)]


def refusal(rnd: random.Random) -> str:
    return _REFUSAL[int(rnd.random() * len(_REFUSAL))]


def follow_up(rnd: random.Random) -> str:
    """A short user follow-up turn ("make it shorter", "continue", ...)."""
    return _FOLLOW_UP(rnd)
