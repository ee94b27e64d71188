"""The embedded demo corpora: deterministic, offline stand-ins for the paper's data.

- :mod:`.corpus`: the entry points, :func:`generate_conversations` (private chat logs in
  the LMSYS-Chat-1M schema), :func:`generate_eval_reference` (an AlpacaEval-like set,
  partly contaminated on purpose) and :func:`generate_public_instructions` (a FLAN-like
  public corpus);
- :mod:`.pretraining`: :func:`generate_public_pretraining_corpus`, the public text of people
  asking for help that the embedded generator is pre-trained on, with its own builders
  (:mod:`.pretraining_tech`, :mod:`.pretraining_life`) and word lists
  (:mod:`.pretraining_vocab`), disjoint from the private ones;
- :mod:`.prompts`, :mod:`.special`, :mod:`.foreign`, :mod:`.chat`, :mod:`.pii`,
  :mod:`.code_snippets`, :mod:`.public`: the builders of each kind of text;
- :mod:`.template` and :mod:`.vocab`: the template language and the word pools.

Why a package of its own: this is data generation, not I/O. The catalog serves it
through the thin Kedro dataset wrappers in :mod:`dp_instructions.datasets.demo_corpora`.
"""

from dp_instructions.demo.corpus import (
    CONVERSATION_SCHEMA,
    EVAL_REFERENCE_SCHEMA,
    PUBLIC_INSTRUCTIONS_SCHEMA,
    first_prompt,
    generate_conversations,
    generate_eval_reference,
    generate_public_instructions,
)
from dp_instructions.demo.pretraining import PUBLIC_PRETRAINING_SCHEMA, generate_public_pretraining_corpus

__all__ = [
    "CONVERSATION_SCHEMA",
    "EVAL_REFERENCE_SCHEMA",
    "PUBLIC_INSTRUCTIONS_SCHEMA",
    "PUBLIC_PRETRAINING_SCHEMA",
    "first_prompt",
    "generate_conversations",
    "generate_eval_reference",
    "generate_public_instructions",
    "generate_public_pretraining_corpus",
]
