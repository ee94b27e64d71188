"""Cleansing of raw chat logs into instruction splits (paper, Appendix E).

Every step takes the surviving instructions and returns ``(kept, dropped)``; ``dropped``
has the columns of :data:`DROPPED_SCHEMA`, so that every input conversation ends up in
exactly one split or one dropped row with the step and the reason.
"""
