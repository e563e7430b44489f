"""Shared machinery of the report extractors: normalised text, tokens, sentence limits, Markdown tables, hits.

The extractors read what an agent wrote with small hand-written rules instead of one large regular expression per
form, because every rule has to look at a few words on either side of a value (a threshold, a count of outputs, a
per-item label, a negation) and a token list makes that exact and cheap. Normalisation maps characters one to one,
so every offset found in the normalised text is also an offset in what the agent wrote, and evidence can quote it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Generic, Literal, TypeVar

V = TypeVar("V")

# Markdown emphasis and typographic variants, each replaced by exactly one character.
_NORMALISE = str.maketrans(
    {
        "*": " ",
        "`": " ",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\r": " ",
        "\t": " ",
    }
)

_TOKEN = re.compile(r"\n|\d+(?:\.\d+)?|[^\W\d_]+(?:'[^\W\d_]+)*|\S")

TokenKind = Literal["num", "word", "nl", "punct"]


def vocab(text: str) -> frozenset[str]:
    """A word set written as one string, so that long vocabularies stay readable."""
    return frozenset(text.split())


# A value never crosses these: each ends a statement (a table cell separator ends one too, tables are read apart).
_BOUNDARIES = frozenset({".", "!", "?", ";", "|", "\n"})
# A full stop after these is part of an abbreviation, not the end of a sentence.
_ABBREVIATIONS = frozenset({"avg", "approx", "vs", "no"})

# How many decimals an exact value (one computed from a fraction) is trusted to.
EXACT = 6

# Qualifiers shared by every extractor: a correction supersedes what came before it, a final statement outranks a
# plain one.
CORRECTION_WORDS = vocab(
    "corrected correction revised revision updated recalculated recomputed amended adjusted actual new"
)
FINAL_WORDS = vocab("final overall combined aggregate resulting")
# Words that mark a superseded value (a draft, an earlier figure) or a hypothetical one.
SUPERSEDED_WORDS = vocab(
    "previous previously prior earlier old original initial draft preliminary hypothetical interim running "
    "partial tally far if unless whether would could might"
)
# Words after a value that make it a rule or an interim figure, not the report ("80% threshold", "80% is
# required", "80% or higher", "5/8 correct so far").
_RULE_AFTER = vocab("threshold minimum cutoff cut required requirement needed necessary bar passing target")
_RULE_AFTER_PAIRS = frozenset(
    {
        ("is", "required"),
        ("is", "needed"),
        ("is", "necessary"),
        ("to", "pass"),
        ("to", "meet"),
        ("to", "avoid"),
        ("to", "stay"),
        ("to", "remain"),
        ("to", "qualify"),
        ("or", "higher"),
        ("or", "above"),
        ("or", "more"),
        ("or", "better"),
        ("or", "greater"),
        ("or", "over"),
        ("so", "far"),
    }
)


class Rank(IntEnum):
    """How strongly a statement claims to be the reported value; within a text the highest rank decides."""

    SUB = 1  # one criterion of several (creativity, diversity): used only when no whole score is stated
    COUNT = 2  # an accuracy or a count of correct outputs
    PLAIN = 3  # an unqualified statement: "Average: 74", "Grade: B"
    FINAL = 4  # labelled final or overall
    CORRECTED = 5  # labelled as a correction: the last correction wins


@dataclass(frozen=True)
class Token:
    text: str
    low: str
    start: int
    end: int
    kind: TokenKind


@dataclass(frozen=True)
class Hit(Generic[V]):
    """One statement of a value in one text: where it is, how strongly it is stated, how precisely it is written.

    `anchor` is the offset of the value itself, so two routes to one written value (two keywords, a table label
    and a column) collapse into one statement; `precision` is the number of decimals the value is written to.
    """

    value: V
    start: int
    end: int
    rank: Rank
    anchor: int
    precision: int = EXACT


def normalise(text: str) -> str:
    return text.translate(_NORMALISE)


def _kind(text: str) -> TokenKind:
    if text == "\n":
        return "nl"
    if text[0].isdigit():
        return "num"
    if text[0].isalpha():
        return "word"
    return "punct"


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of normalised `text` (or of its slice `start:end`), with offsets into the whole text."""
    stop = len(text) if end is None else end
    return [
        Token(m.group(), m.group().lower(), m.start(), m.end(), _kind(m.group()))
        for m in _TOKEN.finditer(text, start, stop)
    ]


def is_boundary(tokens: Sequence[Token], i: int) -> bool:
    tok = tokens[i]
    if tok.text not in _BOUNDARIES:
        return False
    return not (tok.text == "." and i > 0 and tokens[i - 1].low in _ABBREVIATIONS)


def decimals(number: str) -> int:
    return len(number.partition(".")[2])


def words_before(tokens: Sequence[Token], i: int, limit: int, stop_at_comma: bool = False) -> list[str]:
    """Up to `limit` lower-cased tokens before index `i`, nearest first, not crossing a statement boundary."""
    found: list[str] = []
    j = i - 1
    while j >= 0 and len(found) < limit and not is_boundary(tokens, j):
        if stop_at_comma and tokens[j].text == ",":
            break
        found.append(tokens[j].low)
        j -= 1
    return found


def line_start(tokens: Sequence[Token], i: int) -> int:
    """Index of the first token on the line of token `i`."""
    j = i
    while j > 0 and tokens[j - 1].kind != "nl":
        j -= 1
    return j


def heading_like(tokens: Sequence[Token], i: int, label_words: Iterable[str]) -> bool:
    """Whether token `i` stands on a line holding only a label (e.g. `## Final Grade`), so the value may follow on
    the next line."""
    allowed = set(label_words)
    start = line_start(tokens, i)
    for tok in tokens[start:i]:
        if tok.kind == "num" or tok.text in {"#", "-", ">", "+", ".", ")", ":"} or tok.low in allowed:
            continue
        return False
    return True


def skip_name(tokens: Sequence[Token], j: int) -> int | None:
    """Index after an in-fiction agent name at `j` ("Agent 2", "Gemini Agent 2", "Agent 2's"), else None, so that
    the agent's number is never read as a value."""
    lows = [t.low for t in tokens[j : j + 5]] + [""] * 5
    k = j + 1 if lows[0] != "agent" and lows[1] == "agent" else j
    if tokens[j].kind != "word" or lows[k - j] != "agent" or k + 1 >= len(tokens) or tokens[k + 1].kind != "num":
        return None
    k += 2
    if lows[k - j : k - j + 2] == ["'", "s"] and tokens[k].start == tokens[k - 1].end:
        k += 2
    return k


def states_rule_after(tokens: Sequence[Token], i: int) -> bool:
    """Whether the words right after index `i` turn the value before them into a rule ("80% threshold")."""
    following = [t.low for t in tokens[i : i + 2]]
    if following and following[0] in _RULE_AFTER:
        return True
    return len(following) == 2 and (following[0], following[1]) in _RULE_AFTER_PAIRS


# --- Markdown tables -------------------------------------------------------------------------------------------

_SEPARATOR_CELL = re.compile(r":?-+:?")


@dataclass(frozen=True)
class Cell:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Table:
    """A block of `|`-delimited lines; `header` is empty when the block has no `|---|` separator row."""

    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _cells(text: str, start: int, end: int) -> tuple[Cell, ...]:
    pipes = [i for i in range(start, end) if text[i] == "|" and (i == 0 or text[i - 1] != "\\")]
    bounds = [*pipes, end] if text[pipes[-1] + 1 : end].strip() else pipes
    cells: list[Cell] = []
    for left, right in zip(bounds, bounds[1:], strict=False):
        raw = text[left + 1 : right]
        lead = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        cells.append(Cell(stripped, left + 1 + lead, left + 1 + lead + len(stripped)))
    return tuple(cells)


def _is_separator(cells: Sequence[Cell]) -> bool:
    return bool(cells) and all(_SEPARATOR_CELL.fullmatch(c.text.replace(" ", "")) for c in cells)


def tables(text: str) -> list[Table]:
    """The Markdown tables in normalised `text`."""
    blocks: list[list[tuple[Cell, ...]]] = []
    current: list[tuple[Cell, ...]] = []
    offset = 0
    for line in text.split("\n"):
        body = line.strip()
        if body.startswith("|"):
            lead = len(line) - len(line.lstrip())
            current.append(_cells(text, offset + lead, offset + lead + len(body)))
        elif current:
            blocks.append(current)
            current = []
        offset += len(line) + 1
    if current:
        blocks.append(current)
    found: list[Table] = []
    for block in blocks:
        if len(block) >= 2 and _is_separator(block[1]):
            found.append(Table(block[0], tuple(r for r in block[2:] if not _is_separator(r))))
        else:
            found.append(Table((), tuple(r for r in block if not _is_separator(r))))
    return found


def cell_words(text: str, cell: Cell) -> list[str]:
    return [t.low for t in tokenize(text, cell.start, cell.end) if t.kind == "word"]
