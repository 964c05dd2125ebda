"""Proofs under failure: scripts that run the real server on a real database and break it.

- ``proofs.crash``: SIGKILL the whole gunicorn process group while partners submit, restart
  it, and check every acknowledged referral is in the database exactly once and whole.
- ``proofs.duplicates``: the same submission sent by many clients at the same instant is
  stored once; the same key with a different body is refused.

``proofs.common`` holds the throwaway database, the gunicorn server, the HTTP client and the
database checks they share (``benchmarks/intake.py`` uses the first three). Run them with
``scripts/proofs``; see ``docs/proofs.md``.
"""
