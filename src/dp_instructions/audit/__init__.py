"""The audit trail: what each run read, wrote and spent, and the walk back from a release.

- :mod:`.content_hash`: SHA-256 of a dataset's files (a file, or a directory's files);
- :mod:`.manifest`: the run manifest (``RunManifestHooks`` writes one per ``kedro run``:
  versioned, public), and reading every manifest back;
- :mod:`.lineage`: ``kedro privacy audit``: from a ``dp_release`` dataset's version back to
  the ledger releases, the private datasets' fingerprints and the raw inputs behind it.
"""
