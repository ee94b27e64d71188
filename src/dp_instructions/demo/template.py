"""A tiny, fast template language for the demo corpus.

Why not ``str.format`` plus ``random.choice`` in every builder: the corpus needs hundreds
of phrasings with nested alternatives, generated at tens of thousands of prompts per
second on one core. Templates are parsed once at import into nested tuples, so rendering
is a flat loop with one ``random()`` call per choice.

Syntax::

    [a|b|]      one alternative, uniformly (an empty one makes the group optional);
                alternatives nest and may hold slots
    {name}      a slot: a callable ``(rnd) -> str`` or a pool of strings from ``slots``
    {=name}     a context value, looked up in the ``ctx`` mapping passed to ``render``

Everything else is literal text (``|`` and ``]`` too, outside a group); ``tidy``
collapses the double spaces and the space before punctuation that empty alternatives
leave behind.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from typing import Union

Slot = Callable[[random.Random], str]


class _Ctx:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


# A compiled template: a tuple of parts. A part is literal text, a ``tuple`` of strings to
# draw one from (a pool, or a group of plain-text alternatives), a slot callable, a
# context lookup, or a ``list`` of alternatives that are themselves compiled templates.
Part = Union[str, tuple, Slot, _Ctx, list]  # noqa: UP007 (a runtime alias of typing objects)
Compiled = tuple


def pick(pool: Sequence[str]) -> Slot:
    """A slot drawing uniformly from ``pool``."""
    n = len(pool)
    if n == 0:
        raise ValueError("cannot pick from an empty pool")
    items = tuple(pool)
    return lambda rnd: items[int(rnd.random() * n)]


def compile_template(text: str, slots: Mapping[str, Slot | Sequence[str]]) -> Compiled:
    """Parse ``text`` once; unknown slot names and unbalanced brackets raise ``ValueError``."""
    parts, end = _parse(text, 0, slots, top=True)
    if end != len(text):  # pragma: no cover - _parse consumes all at top level
        raise ValueError(f"unparsed tail in template {text!r}")
    return parts


def _resolve(name: str, slots: Mapping[str, Slot | Sequence[str]], text: str) -> Part:
    if name.startswith("="):
        return _Ctx(name[1:])
    if name not in slots:
        raise ValueError(f"unknown slot {{{name}}} in template {text!r}")
    value = slots[name]
    if callable(value):
        return value
    if not value:
        raise ValueError(f"slot {{{name}}} is an empty pool")
    return tuple(value)


def _parse(text: str, i: int, slots: Mapping[str, Slot | Sequence[str]], top: bool) -> tuple[Compiled, int]:
    """Parse until ``|`` or ``]`` (inside a group) or the end (top level)."""
    parts: list[Part] = []
    buf: list[str] = []
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "{":
            j = text.index("}", i)
            if buf:
                parts.append("".join(buf))
                buf = []
            parts.append(_resolve(text[i + 1 : j], slots, text))
            i = j + 1
        elif ch == "[":
            if buf:
                parts.append("".join(buf))
                buf = []
            alts: list[Compiled] = []
            i += 1
            while True:
                alt, i = _parse(text, i, slots, top=False)
                alts.append(alt)
                if i >= n:
                    raise ValueError(f"unclosed [ in template {text!r}")
                if text[i] == "]":
                    i += 1
                    break
                i += 1  # skip "|"
            if all(len(a) == 0 or (len(a) == 1 and type(a[0]) is str) for a in alts):
                parts.append(tuple(a[0] if a else "" for a in alts))  # plain text: draw directly
            else:
                parts.append(alts)
        elif ch in "|]" and not top:
            break
        else:
            buf.append(ch)
            i += 1
    if buf:
        parts.append("".join(buf))
    return tuple(parts), i


def render(parts: Compiled, rnd: random.Random, ctx: Mapping[str, str] | None = None) -> str:
    """Render a compiled template (untidied: see :func:`tidy`)."""
    out: list[str] = []
    _render_into(parts, rnd.random, rnd, ctx, out)
    return "".join(out)


def _render_into(parts: Compiled, r, rnd, ctx, out: list[str]) -> None:
    for p in parts:
        t = type(p)
        if t is str:
            out.append(p)
        elif t is tuple:
            out.append(p[int(r() * len(p))])
        elif t is list:
            _render_into(p[int(r() * len(p))], r, rnd, ctx, out)
        elif t is _Ctx:
            out.append(ctx[p.name])  # type: ignore[index]
        else:
            out.append(p(rnd))


def article(word: str) -> str:
    """``a word`` or ``an word`` by the first letter (good enough for the demo pools)."""
    return f"an {word}" if word[:1].lower() in "aeiou" else f"a {word}"


def tidy(text: str) -> str:
    """Collapse double spaces, drop spaces before punctuation, capitalise the start."""
    while "  " in text:
        text = text.replace("  ", " ")
    if " ," in text or " ." in text or " ?" in text or " :" in text or " !" in text:
        text = text.replace(" ,", ",").replace(" .", ".").replace(" ?", "?").replace(" :", ":").replace(" !", "!")
    if ".." in text and "..." not in text:
        text = text.replace("..", ".")
    text = text.strip()
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text


class TemplateSet:
    """Several compiled templates drawn uniformly; rendered and tidied in one call."""

    __slots__ = ("_items", "_n")

    def __init__(self, texts: Sequence[str], slots: Mapping[str, Slot | Sequence[str]]) -> None:
        self._items = tuple(compile_template(t, slots) for t in texts)
        self._n = len(self._items)

    def __call__(self, rnd: random.Random, ctx: Mapping[str, str] | None = None) -> str:
        return tidy(render(self._items[int(rnd.random() * self._n)], rnd, ctx))

    def raw(self, rnd: random.Random, ctx: Mapping[str, str] | None = None) -> str:
        """Render without tidying (keeps case and spacing for mid-sentence use)."""
        return render(self._items[int(rnd.random() * self._n)], rnd, ctx)


def word_pool(block: str) -> tuple[str, ...]:
    """A pool of words or phrases from a ``|``- or newline-separated block (the demo corpora's
    word lists); a repeated entry is refused, since it would silently skew the mix."""
    items = [s.strip() for line in block.strip().splitlines() for s in line.split("|")]
    out = tuple(s for s in items if s)
    if len(set(out)) != len(out):
        dupes = sorted({s for s in out if out.count(s) > 1})
        raise ValueError(f"duplicate pool entries: {dupes}")
    return out
