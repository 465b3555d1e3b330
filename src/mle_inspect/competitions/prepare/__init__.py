"""Prepare functions of the MLE-bench competitions, named by ``specs/prepare.toml``.

Each has the signature ``prepare(raw, public, private)`` and reproduces MLE-bench's split
exactly (function, test size, seed, row and column order, CSV formatting), so the prepared
files match its MD5s. Modules group competitions by data kind: ``tabular`` (tables and
text), ``images``, ``audio`` (audio clips and arrays).
"""
