"""Resampling with a DP histogram (paper, Algorithm 2), as plain typed functions.

- :mod:`.parameters`: the ``resampling:`` parameters, a model Kedro validates up front.
- :mod:`.embeddings`: sentence-transformers encoders (the bundled MiniLM offline, any
  other model from the hub), batched, normalised embeddings checked for finiteness.
- :mod:`.clustering`: faiss k-means of the synthetic embeddings (training subsample,
  optional PCA) and the exact nearest-centroid labels of the Rust kernel.
- :mod:`.histogram`: the one DP release: votes, the release key, Gaussian noise charged
  to the privacy ledger, and the released noisy histogram (``NoisyHistogram``).
- :mod:`.targets`: per-cluster targets from the noisy histogram (largest remainder) and
  the shortage modes (error, replace, redistribute).
- :mod:`.sampling`: draws the resampled set with the Rust kernel.
- :mod:`.report`: the resampling report and the cluster-density figure (paper, Figure 4).

Only :func:`.histogram.release_noisy_histogram` reads private data in a way that leaves
the process; everything else is post-processing of DP releases (the synthetic set and the
noisy histogram).
"""
