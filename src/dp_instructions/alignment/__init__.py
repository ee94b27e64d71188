"""Alignment on DP synthetic instructions (paper 4.3-4.4): annotation by a teacher,
supervised fine-tuning, RLHF and win rates. Everything here reads only ``dp_release`` and
``public`` data: annotators and the teacher never see a private instruction."""
