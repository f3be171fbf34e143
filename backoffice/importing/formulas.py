"""When a spreadsheet would run a cell: one rule for imports (refuse) and exports (make inert).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@``, also after leading spaces
and after it folds full-width and other compatibility forms (NFKC: ``＝1+1`` is ``=1+1``); a tab
or carriage return in front is how such a cell hides. A plain number (``-5``, ``+3.50``) is shown
as that number: a value, not a formula. An export puts a quote in front of a cell that could run
(``'=1+1``), which every spreadsheet shows as text; an import refuses such a cell.
"""

import re
import sys
import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@")
HIDING_STARTS = ("\t", "\r")
INERT_QUOTE = "'"
# Every character Python counts as white space: the export's SQL trims exactly the same ones.
WHITESPACE = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
PLAIN_NUMBER_SQL = "^[+-]?[0-9]+([.][0-9]+)?$"


def could_run(text):
    """Whether a spreadsheet could run ``text`` as a formula."""
    if not text:
        return False
    if text[0] in HIDING_STARTS:
        return True
    # Only the start matters: NFKC of the first few characters after the spaces is enough.
    start = unicodedata.normalize("NFKC", text.lstrip(WHITESPACE)[:8]).lstrip(WHITESPACE)
    return start[:1] in FORMULA_STARTS and not PLAIN_NUMBER.fullmatch(text.strip(" "))


def could_run_sql(value):
    """``could_run`` as a PostgreSQL condition on the text expression ``value`` (the same characters)."""
    spaces = "'" + WHITESPACE + "'"
    hiding = ", ".join({"\t": r"E'\t'", "\r": r"E'\r'"}[c] for c in HIDING_STARTS)
    starts = ", ".join(f"'{c}'" for c in FORMULA_STARTS)
    start = f"left(ltrim(normalize(left(ltrim({value}, {spaces}), 8), NFKC), {spaces}), 1)"
    return (
        f"(left({value}, 1) IN ({hiding})"
        f" OR ({start} IN ({starts}) AND NOT btrim({value}, ' ') ~ '{PLAIN_NUMBER_SQL}'))"
    )


def inert(text):
    """``text`` as an export writes it: a quote in front if a spreadsheet could run it."""
    return INERT_QUOTE + text if could_run(text) else text


def quoted_formula(text):
    """The text behind an export's inert quote (``'=1+1`` -> ``=1+1``), or None for any other cell."""
    if len(text) > 1 and text[0] == INERT_QUOTE and could_run(text[1:]):
        return text[1:]
    return None
