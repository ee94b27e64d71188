"""Evaluation of a run (issue 7): how close the synthetic instructions are to the real
ones, what privacy was spent, and whether the DP generator memorises.

- :mod:`.config`: the ``evaluation:`` parameters, checked up front.
- :mod:`.samples`, :mod:`.embeddings`: text sets, pools, sentence embeddings.
- :mod:`.mauve_scores`: MAUVE (unigram and embedding) against the test split (Table 1).
- :mod:`.sweep`: the K x sigma sweep of DP resampling (Figures 5 and 6).
- :mod:`.canary_audit`: canary loss ranks and leaks (Table 3).
- :mod:`.privacy_report`: the ledger, composed per dataset and stage (Appendix F.4).
- :mod:`.report`: the single HTML report.

The catalog's views of the control generator and of the sweep's releases are Kedro
datasets: :mod:`dp_instructions.datasets.optional_generator` and
:mod:`dp_instructions.datasets.released_sweep_histograms`.
"""
