"""Turn the Markdown results of ``benchmarks/`` into reStructuredText.

``make bench`` writes its tables as Markdown (``benchmarks/results/*.md``),
which the README shows as they are. The docs build calls
:func:`write_includes` so that the comparison page shows the same, latest
tables: pipe tables become ``list-table`` directives and inline code gets
reStructuredText's double backquotes.
"""

import re
from pathlib import Path

INLINE_CODE = re.compile(r"(?<!`)`([^`]+)`(?!`)")
# A word ending in "_" (``cv_results_``) is a hyperlink reference in rst.
TRAILING_UNDERSCORE = re.compile(r"(\w)_(?=\W|$)")


def _inline(text):
    parts = INLINE_CODE.split(text.strip())
    # Even parts are prose, odd parts the contents of inline code.
    return "".join(
        f"``{part}``" if i % 2 else TRAILING_UNDERSCORE.sub(r"\1\\_", part)
        for i, part in enumerate(parts)
    )


def _cells(line):
    return [_inline(cell) for cell in line.strip().strip("|").split("|")]


def _list_table(rows):
    header = rows[0]
    # Drop the |---|:--:| separator row.
    body = [row for row in rows[1:] if not set("".join(row)) <= {"-", ":"}]
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for row in [header, *body]:
        lines.append(f"   * - {row[0] or ' '}")
        lines.extend(f"     - {cell or ' '}" for cell in row[1:])
    return lines + [""]


def markdown_to_rst(markdown):
    """Convert paragraphs and pipe tables of ``markdown`` to reStructuredText.

    Examples
    --------
    >>> markdown = "Run `make bench`.\\n\\n| a | b |\\n|---|---|\\n| 1 | 2 |"
    >>> print(markdown_to_rst(markdown))
    Run ``make bench``.
    <BLANKLINE>
    .. list-table::
       :header-rows: 1
    <BLANKLINE>
       * - a
         - b
       * - 1
         - 2
    <BLANKLINE>
    >>> print(markdown_to_rst("same cv_results_ as `n_jobs=1`"))
    same cv_results\\_ as ``n_jobs=1``
    <BLANKLINE>
    """
    out, table = [], []
    for line in markdown.splitlines():
        if line.lstrip().startswith("|"):
            table.append(_cells(line))
            continue
        if table:
            out.extend(_list_table(table))
            table = []
        out.append(_inline(line))
    if table:
        out.extend(_list_table(table))
    return "\n".join(out).rstrip() + "\n"


def write_includes(results_dir, target_dir):
    """Write ``<name>.rst`` in ``target_dir`` for every ``<name>.md`` result."""
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    for markdown in sorted(Path(results_dir).glob("*.md")):
        rst = target_dir / f"{markdown.stem}.rst"
        rst.write_text(markdown_to_rst(markdown.read_text()))
