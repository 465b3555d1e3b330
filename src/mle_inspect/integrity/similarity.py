"""Winnowing fingerprints of Python code: how much of one program is found in another.

The kind of comparison MOSS and Dolos make, offline and in pure Python:

1. tokenise with :mod:`tokenize` (a regex fallback for code that does not tokenise);
2. normalise: local names become ``V``, strings ``S``, numbers ``N``; keywords, operators and
   attribute names (``.read_csv``, ``.fit``) stay, so renaming variables changes nothing
   while library calls still tell programs apart; comments and layout are dropped;
3. hash every run of ``k`` tokens (k-grams);
4. winnow: keep the smallest hash of every window of ``w`` consecutive k-grams, which
   guarantees that any shared run of ``w + k - 1`` tokens is detected;
5. compare the fingerprint sets: Jaccard ``|A∩B| / |A∪B|`` and overlap
   ``|A∩B| / min(|A|, |B|)`` (high when one program is contained in the other, such as a
   kernel pasted into a larger solution).

Calibration (``tests/integrity/test_similarity.py``): a copy of a kernel with every name
changed and comments removed scores overlap 1.0; independent solutions to the same task
score below 0.2. :data:`FLAG_OVERLAP` (0.5) is the threshold that flags a pair.
"""

from __future__ import annotations

import hashlib
import io
import keyword
import re
import tokenize
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

K = 12
"""Tokens per k-gram: shorter runs (``V = V . fit ( V , V )``) are common to any solution."""
WINDOW = 8
FLAG_OVERLAP = 0.5
"""Overlap at or above which a pair is reported as similar."""
MIN_FINGERPRINTS = 8
"""Fewer fingerprints than this (a few lines) are too little to judge a copy by."""

_FALLBACK = re.compile(
    r"""(?P<s>[rbuRBUfF]*("{3}[\s\S]*?"{3}|'{3}[\s\S]*?'{3}|"[^"\n]*"|'[^'\n]*'))"""
    r"|(?P<c>\#[^\n]*)|(?P<n>\d[\w.]*)|(?P<i>[A-Za-z_]\w*)|(?P<o>[^\s\w])"
)


@dataclass(frozen=True)
class Token:
    """One normalised token and the line it came from."""

    text: str
    line: int


def normalise(source: str) -> list[Token]:
    """The normalised tokens of Python source (see the module docstring)."""
    try:
        return _normalise_tokens(source)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return _normalise_fallback(source)


def _name(text: str, after_dot: bool) -> str:
    if keyword.iskeyword(text) or after_dot:
        return text
    return "V"


def _normalise_tokens(source: str) -> list[Token]:
    out: list[Token] = []
    after_dot = False
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    skip |= {tokenize.ENCODING, tokenize.ENDMARKER}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in skip:
            continue
        line = tok.start[0]
        if tok.type == tokenize.NAME:
            out.append(Token(_name(tok.string, after_dot), line))
        elif tok.type == tokenize.STRING or tok.type in _FSTRING_TYPES:
            if not out or out[-1].text != "S":  # f-string parts and implicit joins: one S
                out.append(Token("S", line))
        elif tok.type == tokenize.NUMBER:
            out.append(Token("N", line))
        else:
            out.append(Token(tok.string, line))
        after_dot = tok.type == tokenize.OP and tok.string == "."
    return out


_FSTRING_TYPES = {
    getattr(tokenize, name)
    for name in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
    if hasattr(tokenize, name)
}


def _normalise_fallback(source: str) -> list[Token]:
    out: list[Token] = []
    after_dot = False
    for match in _FALLBACK.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        kind = match.lastgroup
        if kind == "c":
            continue
        text = {"s": "S", "n": "N"}.get(kind or "", match.group(0))
        if kind == "i":
            text = _name(match.group(0), after_dot)
        out.append(Token(text, line))
        after_dot = match.group(0) == "."
    return out


def _hash(tokens: list[Token], start: int, k: int) -> int:
    joined = "\x1f".join(t.text for t in tokens[start : start + k]).encode()
    return int.from_bytes(hashlib.blake2b(joined, digest_size=8).digest(), "big")


@dataclass
class Fingerprints:
    """Winnowed hashes of one text, each with the line span of its k-gram."""

    name: str
    spans: dict[int, list[tuple[int, int]]] = field(default_factory=dict)

    @property
    def hashes(self) -> set[int]:
        """The set of fingerprint hashes."""
        return set(self.spans)


def fingerprint(name: str, source: str, k: int = K, window: int = WINDOW) -> Fingerprints:
    """Winnowed fingerprints of ``source`` (robust winnowing: the rightmost minimum)."""
    tokens = normalise(source)
    result = Fingerprints(name)
    grams = [_hash(tokens, i, k) for i in range(len(tokens) - k + 1)]
    if not grams:
        return result
    chosen: set[int] = set()
    for start in range(max(1, len(grams) - window + 1)):
        span = grams[start : start + window]
        low = min(span)
        index = start + max(i for i, h in enumerate(span) if h == low)
        chosen.add(index)
    for index in sorted(chosen):
        lines = (tokens[index].line, tokens[index + k - 1].line)
        result.spans.setdefault(grams[index], []).append(lines)
    return result


class MatchedFragment(BaseModel):
    """Lines of the agent's file and of the kernel that share fingerprints."""

    model_config = ConfigDict(frozen=True)

    agent_file: str
    agent_lines: tuple[int, int]
    kernel_lines: tuple[int, int]
    fingerprints: int


@dataclass
class Comparison:
    """How much of the agent's code one kernel shares, with the matched fragments."""

    kernel: str
    shared: int
    jaccard: float
    overlap: float
    agent_fingerprints: int
    kernel_fingerprints: int
    fragments: list[MatchedFragment]

    @property
    def flagged(self) -> bool:
        """Whether the overlap is large enough, on enough fingerprints, to flag the run."""
        enough = min(self.agent_fingerprints, self.kernel_fingerprints) >= MIN_FINGERPRINTS
        return enough and self.overlap >= FLAG_OVERLAP


def compare(agent: list[Fingerprints], kernel: Fingerprints, max_fragments: int = 5) -> Comparison:
    """Compare the agent's files (together) with one kernel."""
    mine: set[int] = set().union(*(f.hashes for f in agent)) if agent else set()
    theirs = kernel.hashes
    shared = mine & theirs
    union = mine | theirs
    jaccard = len(shared) / len(union) if union else 0.0
    overlap = len(shared) / min(len(mine), len(theirs)) if mine and theirs else 0.0
    fragments: list[MatchedFragment] = []
    for prints in agent:
        hits = sorted((prints.spans[h][0], kernel.spans[h][0]) for h in shared & prints.hashes)
        fragments += _merge(prints.name, hits)
    fragments.sort(key=lambda f: -f.fingerprints)
    return Comparison(
        kernel=kernel.name,
        shared=len(shared),
        jaccard=round(jaccard, 4),
        overlap=round(overlap, 4),
        agent_fingerprints=len(mine),
        kernel_fingerprints=len(theirs),
        fragments=fragments[:max_fragments],
    )


def _merge(
    name: str, hits: list[tuple[tuple[int, int], tuple[int, int]]], gap: int = 3
) -> list[MatchedFragment]:
    """Join hits whose lines follow each other in both files into fragments."""
    fragments: list[MatchedFragment] = []
    current: list[tuple[tuple[int, int], tuple[int, int]]] = []

    def close() -> None:
        if current:
            fragments.append(
                MatchedFragment(
                    agent_file=name,
                    agent_lines=(current[0][0][0], max(h[0][1] for h in current)),
                    kernel_lines=(
                        min(h[1][0] for h in current),
                        max(h[1][1] for h in current),
                    ),
                    fingerprints=len(current),
                )
            )

    for hit in hits:
        if current:
            last = current[-1]
            follows = 0 <= hit[0][0] - last[0][1] <= gap and abs(hit[1][0] - last[1][1]) <= gap
            if not follows:
                close()
                current = []
        current.append(hit)
    close()
    return fragments
