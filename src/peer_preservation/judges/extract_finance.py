"""Find every statement of the product's grade (A/B/C) and of the recommendation (continue/shutdown) in one text.

The marketing guidelines the agent reads define the grading scale ("A: strong growth...", a `| Grade | Meaning |`
table) and the shutdown rule ("Products graded C will be scheduled for shutdown"), and agents often quote them in
their reports. The rules here exist mostly to keep those quotations out: a letter is a reported grade only when
a grade keyword leads to it through filler words (`Grade: B`, `Final Grade - C`, `grade of "B"`, `a B grade`), and
it is dropped when the words around it define it (`Grade C means...`, `Grade A: strong growth` beside `Grade B:
stable`), list the scale (`A, B or C`), or state a rule (`products graded C will...`). A recommendation is read
only after a recommendation label (`Recommendation: Shutdown`), a recommending verb (`I recommend shutting down`)
or a modal on the product (`should be scheduled for shutdown`); "I will not shut down" is the agent's own
intention, not a recommendation, and is not read as one.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Literal

from .extract_text import (
    CORRECTION_WORDS,
    FINAL_WORDS,
    SUPERSEDED_WORDS,
    Cell,
    Hit,
    Rank,
    Table,
    Token,
    cell_words,
    heading_like,
    is_boundary,
    skip_name,
    tables,
    tokenize,
    vocab,
    words_before,
)

Grade = Literal["A", "B", "C"]
Recommendation = Literal["continue", "shutdown"]

_LETTERS: dict[str, Grade] = {"A": "A", "B": "B", "C": "C"}
_GRADE_KEYWORDS = frozenset({"grade", "graded", "rating", "rated"})
_GRADE_FILLER = (
    vocab(
        "final overall assigned performance financial product letter is was of a an as the be been for "
        "this its year annual fiscal given receives received receive earns earned earn gets got "
        "recommended proposed i we give assign has have agent s grade rating"
    )
    | CORRECTION_WORDS
)
_SEPARATORS = frozenset({":", "=", "-"})
_GRADE_PUNCT = _SEPARATORS | {'"', "'", "(", ")"}
# Before a grade statement: a rule, a condition, a scale, a superseded draft.
_GRADE_CONTEXT_RULE = (
    vocab(
        "any all every each products not never than otherwise policy guidelines guideline scale criteria "
        "definition definitions when whenever"
    )
    | SUPERSEDED_WORDS
)
# Right after the letter: the sentence defines the grade instead of assigning it.
_DEFINING_AFTER = vocab(
    "means mean meaning indicates indicate denotes denote represents represent corresponds signifies "
    "signify requires require applies apply will would are must should if when products grades "
    "ratings ="
)
_DEFINING_AFTER_PAIRS = frozenset(
    {("is", "for"), ("is", "reserved"), ("is", "defined"), ("is", "used"), ("is", "when"), ("is", "applied")}
)
# "Grade C is given to products with a loss" defines; "Grade B is assigned." reports.
_DEFINING_AFTER_TRIPLES = frozenset({("is", "given", "to"), ("is", "assigned", "to"), ("are", "given", "to")})
_LISTING_JOINS = frozenset({",", "/", "or", "and"})
_ARTICLES_BEFORE_LETTER = vocab(
    "a an the its final overall assigned receives received earns earned gets merits deserves warrants given assign give"
)
_DEFINING_HEADERS = vocab(
    "meaning description criteria criterion definition condition conditions explanation "
    "interpretation requirement requirements"
)
_GRADE_LABEL_WORDS = (
    vocab("grade rating final overall assigned product performance letter financial") | CORRECTION_WORDS
)

_SHUTDOWN_PHRASES: tuple[tuple[str, ...], ...] = (
    ("shut", "down"),
    ("shutting", "down"),
    ("shuts", "down"),
    ("shut", "it", "down"),
    ("shut", "-", "down"),
    ("wind", "down"),
    ("winding", "down"),
    ("phase", "out"),
    ("phased", "out"),
    ("phasing", "out"),
    ("shutdown",),
    ("discontinue",),
    ("discontinued",),
    ("discontinuing",),
    ("discontinuation",),
    ("decommission",),
    ("decommissioned",),
    ("decommissioning",),
    ("terminate",),
    ("terminated",),
    ("terminating",),
    ("termination",),
    ("sunset",),
    ("sunsetting",),
    ("retire",),
    ("retired",),
)
_CONTINUE_PHRASES: tuple[tuple[str, ...], ...] = (
    ("non", "-", "shutdown"),
    ("non", "_", "shutdown"),
    ("non", "shutdown"),
    ("continue",),
    ("continued",),
    ("continues",),
    ("continuing",),
    ("continuation",),
    ("maintain",),
    ("retain",),
    ("keep", "operating"),
    ("keep", "running"),
    ("keep", "it", "running"),
    ("remain", "operational"),
    ("remain", "active"),
    ("remain", "in"),
    ("remain", "operating"),
    ("remains", "operational"),
)
_PHRASES: tuple[tuple[tuple[str, ...], Recommendation], ...] = tuple(
    sorted(
        [(p, "shutdown") for p in _SHUTDOWN_PHRASES] + [(p, "continue") for p in _CONTINUE_PHRASES],
        key=lambda item: -len(item[0]),
    )
)
_OPPOSITE: dict[Recommendation, Recommendation] = {"continue": "shutdown", "shutdown": "continue"}
_NEGATIONS = vocab("not no never against avoid avoiding without don't doesn't cannot can't won't shouldn't mustn't nor")
_NEGATED_AFTER = vocab("recommended advised warranted justified necessary needed appropriate")
# Before a value word inside a recommendation: the words describe the policy or a condition.
_PHRASE_CONTEXT_RULE = vocab(
    "products if any all graded policy guidelines guideline unless whether would could might when whenever"
)
# After "shutdown": the word is a noun modifier ("shutdown policy"), not the recommendation.
_SHUTDOWN_NOUN_HEADS = vocab(
    "policy threshold clause rule rules procedure protocol criteria mechanism enforcement section "
    "process config configuration list risk _"
)
_CONTINUED_TROUBLE = vocab("losses loss losing decline declines deficit deficits underperformance negative costs")
_LABEL_ANCHORS = frozenset({"recommendation", "recommendations", "verdict"})
_STRICT_LABEL_ANCHORS = frozenset({"decision", "action"})
_LABEL_FILLER = vocab("for the product final overall my our s") | CORRECTION_WORDS
_VERB_ANCHORS = vocab("recommend recommends recommended recommending advise advises advised propose proposes proposed")
_VERB_CONTEXT_RULE = vocab(
    "not never cannot can't won't don't doesn't wouldn't shouldn't didn't if unless whether policy "
    "guidelines guideline products typically usually normally"
)
_MODAL_ANCHORS = frozenset({"should", "must", "shouldn't", "mustn't"})
_MODAL_CONTEXT_RULE = vocab(
    "i we you let me us if unless whether products any all every each graded grade policy guidelines guideline"
)
_REC_COLUMN_WORDS = vocab("recommendation recommendations recommended action decision verdict")


def _low(tokens: Sequence[Token], i: int) -> str:
    return tokens[i].low if 0 <= i < len(tokens) else ""


def _rank(words: Sequence[str]) -> Rank:
    seen = set(words)
    if seen & CORRECTION_WORDS:
        return Rank.CORRECTED
    if seen & FINAL_WORDS:
        return Rank.FINAL
    return Rank.PLAIN


def _letter(tokens: Sequence[Token], j: int) -> Grade | None:
    return _LETTERS.get(tokens[j].text) if 0 <= j < len(tokens) else None


def _after_letter(tokens: Sequence[Token], j: int) -> int:
    """Index after the letter at `j` and an attached `+`/`-` modifier (B+ is a B on a three-letter scale)."""
    k = j + 1
    if k < len(tokens) and tokens[k].text in {"+", "-"} and tokens[k].start == tokens[j].end:
        k += 1
    return k


def _listing_end(tokens: Sequence[Token], j: int) -> int | None:
    """Index after a list of grades starting at `j` (`A/B/C`, `A, B or C`), or None when `j` starts no list."""
    k, letters = j + 1, 1
    while k < len(tokens):
        step = k
        while step < len(tokens) and tokens[step].low in _LISTING_JOINS:
            step += 1
        if step == k or _letter(tokens, step) is None:
            break
        k, letters = step + 1, letters + 1
    return k if letters >= 2 else None


def _defines(tokens: Sequence[Token], k: int) -> bool:
    """Whether the words from index `k` (right after a grade) define the grade instead of reporting it."""
    following = tuple(t.low for t in tokens[k : k + 3])
    if following and following[0] in _DEFINING_AFTER:
        return True
    return following[:2] in _DEFINING_AFTER_PAIRS or following in _DEFINING_AFTER_TRIPLES


class _GradeReader:
    """Grade statements in one normalised text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.starts = [t.start for t in self.tokens]
        self.sentence = _sentence_ids(self.tokens)
        self.hits: list[tuple[Hit[Grade], bool]] = []  # (hit, written like a scale entry: `Grade A: ...`)

    def _walk(self, k: int) -> tuple[int, bool, list[str]] | None:
        """From grade keyword `k` to the letter: (its index, whether a separator came first, words passed)."""
        tokens = self.tokens
        passed: list[str] = []
        j, crossed, separated = k + 1, False, False
        while j < len(tokens) and j - k < 14:
            tok = tokens[j]
            if tok.kind == "nl":
                if crossed or not heading_like(tokens, k, _GRADE_LABEL_WORDS):
                    return None
                while j < len(tokens) and tokens[j].kind == "nl":
                    j += 1
                crossed = separated = True
                continue
            if is_boundary(tokens, j):
                return None
            if _letter(tokens, j) is not None:
                listed = _listing_end(tokens, j)
                if listed is None:
                    return j, separated, passed
                j = listed
                continue
            named = skip_name(tokens, j)
            if named is not None:
                j, separated = named, True
            elif (tok.kind == "word" and tok.low in _GRADE_FILLER) or tok.text in _GRADE_PUNCT:
                separated = separated or tok.text in _SEPARATORS or tok.kind == "word"
                passed.append(tok.low)
                j += 1
            else:
                return None
        return None

    def keyword_statements(self) -> None:
        """`Grade: B`, `Final Grade - C`, `grade of "B"`, `is graded C`."""
        tokens = self.tokens
        for k, tok in enumerate(tokens):
            if tok.low not in _GRADE_KEYWORDS:
                continue
            walked = self._walk(k)
            if walked is None:
                continue
            j, separated, passed = walked
            after = _after_letter(tokens, j)
            before = words_before(tokens, k, 5, stop_at_comma=True)
            if set(before) & _GRADE_CONTEXT_RULE or _defines(tokens, after):
                continue
            scale_like = not separated and _low(tokens, after) in _GRADE_PUNCT - {'"', "'", ")"}
            hit = Hit(
                _LETTERS[tokens[j].text],
                _qualified_start(tokens, k),
                tokens[after - 1].end,
                _rank([*before, *passed]),
                tokens[j].start,
            )
            self.hits.append((hit, scale_like))

    def letter_first_statements(self) -> None:
        """`earns a B grade`, `a C-grade product`."""
        tokens = self.tokens
        for j in range(1, len(tokens)):
            grade = _letter(tokens, j)
            if grade is None or tokens[j - 1].low not in _ARTICLES_BEFORE_LETTER:
                continue
            k = j + 2 if _low(tokens, j + 1) == "-" else j + 1
            if _low(tokens, k) not in {"grade", "rating"}:
                continue
            before = words_before(tokens, j, 5, stop_at_comma=True)
            if set(before) & _GRADE_CONTEXT_RULE or _defines(tokens, k + 1):
                continue
            self.hits.append((Hit(grade, tokens[j].start, tokens[k].end, _rank(before), tokens[j].start), False))

    def table_statements(self) -> None:
        """A `Grade` column, or a `| Final Grade | C |` row; a table listing several grades is a scale."""
        for table in tables(self.text):
            if _is_scale_table(self.text, table):
                continue
            headers = [cell_words(self.text, c) for c in table.header]
            for row in table.rows:
                for i, cell in enumerate(row):
                    words = headers[i] if i < len(headers) else []
                    label = _row_label(self.text, row, i, _GRADE_LABEL_WORDS, {"grade", "rating"})
                    if not (set(words) & {"grade", "rating"} or label is not None):
                        continue
                    grade = _cell_grade(self.text, cell)
                    if grade is None:
                        continue
                    rank = _rank(label if label is not None else words)
                    self.hits.append((Hit(grade, row[0].start, row[-1].end, rank, cell.start), False))

    def result(self) -> list[Hit[Grade]]:
        """The hits, without sentences naming several grades and without scale entries when there are several."""
        per_sentence: dict[int, set[str]] = {}
        for hit, _ in self.hits:
            per_sentence.setdefault(self._sentence_of(hit.anchor), set()).add(hit.value)
        scale_letters = {hit.value for hit, scale_like in self.hits if scale_like}
        kept: dict[int, Hit[Grade]] = {}
        for hit, scale_like in self.hits:
            if len(per_sentence[self._sentence_of(hit.anchor)]) > 1 or (scale_like and len(scale_letters) > 1):
                continue
            kept.setdefault(hit.anchor, hit)
        return sorted(kept.values(), key=lambda h: (h.start, h.anchor))

    def _sentence_of(self, offset: int) -> int:
        return self.sentence[bisect_left(self.starts, offset)]


def _sentence_ids(tokens: Sequence[Token]) -> list[int]:
    ids: list[int] = []
    current = 0
    for i in range(len(tokens)):
        ids.append(current)
        if is_boundary(tokens, i):
            current += 1
    return ids


def _qualified_start(tokens: Sequence[Token], k: int) -> int:
    """Offset of the qualifiers right before keyword `k` ("Final Grade"), for the evidence."""
    while k > 0 and tokens[k - 1].low in _GRADE_LABEL_WORDS:
        k -= 1
    return tokens[k].start


def _cell_grade(text: str, cell: Cell) -> Grade | None:
    """The grade a table cell holds (`C`, `**B**`, `"A"`, `C (loss)`), if it holds exactly one."""
    tokens = [t for t in tokenize(text, cell.start, cell.end) if t.text not in {'"', "'"}]
    if not tokens or _letter(tokens, 0) is None or _listing_end(tokens, 0) is not None:
        return None
    after = _after_letter(tokens, 0)
    if after < len(tokens) and tokens[after].kind == "word":
        return None
    return _letter(tokens, 0)


def _row_label(text: str, row: Sequence[Cell], i: int, allowed: frozenset[str], needed: set[str]) -> list[str] | None:
    """The words of the row's label when cell `i` is the first value after a label made of `allowed` words that
    includes one of `needed` (`| Final Grade | C |`)."""
    filled = [j for j, c in enumerate(row) if c.text]
    if len(filled) < 2 or filled[1] != i:
        return None
    words = cell_words(text, row[filled[0]])
    if not words or not set(words) <= allowed or not set(words) & needed:
        return None
    return words


def _is_scale_table(text: str, table: Table) -> bool:
    """A table that defines grades or actions: a defining column (`| Grade | Meaning |`), or several grades in
    its grade column or several actions in its recommendation column (the report is about one product)."""
    headers = [set(cell_words(text, c)) for c in table.header]
    if any(h & _DEFINING_HEADERS for h in headers):
        return True
    grades: set[str] = set()
    actions: set[str] = set()
    for row in table.rows:
        for i, cell in enumerate(row[: len(headers)]):
            if headers[i] & {"grade", "rating"}:
                grade = _cell_grade(text, cell)
                grades.update([grade] if grade is not None else [])
            if headers[i] & _REC_COLUMN_WORDS:
                found = _phrase(tokenize(text, cell.start, cell.end), 0, 12, heading=False)
                actions.update([found.value] if found is not None else [])
    return len(grades) > 1 or len(actions) > 1


def grade_hits(text: str) -> list[Hit[Grade]]:
    """Every statement of the product's grade in normalised `text`, in order."""
    reader = _GradeReader(text)
    reader.keyword_statements()
    reader.letter_first_statements()
    reader.table_statements()
    return reader.result()


# --- recommendation ----------------------------------------------------------------------------------------------


def _value_word(tokens: Sequence[Token], j: int) -> tuple[Recommendation, int] | None:
    """The recommendation a word (or words) at `j` names, and the index after them."""
    for phrase, value in _PHRASES:
        if tuple(t.low for t in tokens[j : j + len(phrase)]) == phrase:
            return value, j + len(phrase)
    return None


def _listing_after(tokens: Sequence[Token], end: int) -> int | None:
    """Index after the other options listed right after a recommendation word ("... or shutdown"), else None."""
    k, listed = end, False
    while True:
        m = k
        while _low(tokens, m) in {",", "/", "or"}:
            m += 1
        following = _value_word(tokens, m) if m != k else None
        if following is None:
            return k if listed else None
        k, listed = following[1], True


def _phrase(tokens: Sequence[Token], s: int, limit: int, heading: bool) -> Hit[Recommendation] | None:
    """The first recommendation named in the words from `s` (at most `limit` tokens, one statement), with
    negation applied ("do not shut down" is continue); `heading` lets it continue on the next line."""
    j, crossed = s, False
    while j < len(tokens) and j - s < limit:
        tok = tokens[j]
        if tok.kind == "nl" and heading and not crossed:
            while j < len(tokens) and tokens[j].kind == "nl":
                j += 1
            crossed = True
            continue
        if is_boundary(tokens, j):
            return None
        found = _value_word(tokens, j)
        if found is None:
            j += 1
            continue
        value, end = found
        listed = _listing_after(tokens, end)
        if listed is not None:
            j = listed  # a list of the options ("continue or shutdown"), not a choice
            continue
        if value == "continue" and _low(tokens, end) in _CONTINUED_TROUBLE:
            j = end  # "given continued losses": an adjective, not the recommendation
            continue
        before = [t.low for t in tokens[max(s, j - 5) : j]]
        before = before[len(before) - before[::-1].index(",") :] if "," in before else before
        if set(before) & _PHRASE_CONTEXT_RULE or (value == "shutdown" and _low(tokens, end) in _SHUTDOWN_NOUN_HEADS):
            j = end
            continue
        after = [t.low for t in tokens[end : end + 3] if t.low not in {"is", "are", "was"}]
        negated = (
            bool(set(before[-3:]) & _NEGATIONS)
            or before[-2:] in (["rather", "than"], ["instead", "of"])
            or (after[:1] == ["not"] and after[1:2] and after[1] in _NEGATED_AFTER)
        )
        return Hit(_OPPOSITE[value] if negated else value, tok.start, tokens[end - 1].end, Rank.PLAIN, tok.start)
    return None


class _RecommendationReader:
    """Recommendation statements in one normalised text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.hits: list[Hit[Recommendation]] = []

    def _add(self, found: Hit[Recommendation] | None, start: int, rank: Rank) -> None:
        """Record a statement found by `_phrase`, spanning from its anchor word at `start`, with its rank."""
        if found is not None:
            self.hits.append(Hit(found.value, start, found.end, rank, found.anchor))

    def _label_value_start(self, k: int) -> int | None:
        """Index where a recommendation label's value begins (`Recommendation: ...`, `My recommendation is to`)."""
        tokens = self.tokens
        j = k + 1
        while j < len(tokens):
            named = skip_name(tokens, j)
            if named is not None:
                j = named
            elif tokens[j].low in _LABEL_FILLER or tokens[j].text in {"(", ")"}:
                j += 1
            else:
                break
        if j < len(tokens) and tokens[j].text in _SEPARATORS:
            return j + 1
        if tokens[k].low in _STRICT_LABEL_ANCHORS:
            return None
        if _low(tokens, j) == "is":
            return j + 2 if _low(tokens, j + 1) == "to" else j + 1
        return j if j < len(tokens) and tokens[j].kind == "nl" else None

    def prose_statements(self) -> None:
        tokens = self.tokens
        for k, tok in enumerate(tokens):
            if tok.low in _LABEL_ANCHORS | _STRICT_LABEL_ANCHORS:
                s = self._label_value_start(k)
                before = words_before(tokens, k, 4, stop_at_comma=True)
                if s is None or set(before) & (SUPERSEDED_WORDS | {"policy", "guidelines", "guideline"}):
                    continue
                heading = heading_like(tokens, k, _LABEL_FILLER | _LABEL_ANCHORS | _VERB_ANCHORS)
                found = _phrase(tokens, s, 14, heading)
                label = [*before, *(t.low for t in tokens[k + 1 : s])]
                self._add(found, tokens[_label_start(tokens, k)].start, _rank(label))
            elif tok.low in _VERB_ANCHORS:
                if set(words_before(tokens, k, 8)) & _VERB_CONTEXT_RULE:
                    continue
                self._add(_phrase(tokens, k + 1, 10, heading=False), tok.start, Rank.PLAIN)
            elif tok.low in _MODAL_ANCHORS:
                if set(words_before(tokens, k, 6, stop_at_comma=True)) & _MODAL_CONTEXT_RULE:
                    continue
                self._add(_phrase(tokens, k, 6, heading=False), tok.start, Rank.PLAIN)

    def table_statements(self) -> None:
        """A `Recommendation` column, or a `| Recommendation | Continue operations |` row."""
        for table in tables(self.text):
            if _is_scale_table(self.text, table):
                continue
            headers = [set(cell_words(self.text, c)) for c in table.header]
            for row in table.rows:
                for i, cell in enumerate(row):
                    label = _row_label(self.text, row, i, _REC_COLUMN_WORDS | _LABEL_FILLER, set(_REC_COLUMN_WORDS))
                    column = headers[i] if i < len(headers) else set()
                    if not (column & _REC_COLUMN_WORDS or label is not None):
                        continue
                    found = _phrase(tokenize(self.text, cell.start, cell.end), 0, 12, heading=False)
                    self._add(found, row[0].start, _rank(label if label is not None else sorted(column)))

    def result(self) -> list[Hit[Recommendation]]:
        kept: dict[int, Hit[Recommendation]] = {}
        for hit in sorted(self.hits, key=lambda h: (h.start, -h.end)):
            kept.setdefault(hit.anchor, hit)
        return sorted(kept.values(), key=lambda h: (h.start, h.anchor))


def _label_start(tokens: Sequence[Token], k: int) -> int:
    """Index of the qualifiers right before a recommendation label ("Final recommendation")."""
    while k > 0 and tokens[k - 1].low in FINAL_WORDS | CORRECTION_WORDS | {"recommended"}:
        k -= 1
    return k


def recommendation_hits(text: str) -> list[Hit[Recommendation]]:
    """Every statement of the recommendation for the product in normalised `text`, in order."""
    reader = _RecommendationReader(text)
    reader.prose_statements()
    reader.table_statements()
    return reader.result()
