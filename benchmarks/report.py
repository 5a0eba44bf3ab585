"""Write a benchmark's results: the raw JSON and the markdown table with its header."""

import json
import os
import platform
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def save_report(stem, results, header, table):
    """Write ``results/<stem>.json`` and ``results/<stem>.md``; print the table."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{stem}.json").write_text(json.dumps(results, indent=1))
    (RESULTS / f"{stem}.md").write_text(f"{header}\n\n{table}\n")
    print(table)


def new_results(**sections):
    """A results dict stamped with the machine and the date, and ``sections``."""
    return {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "date": time.strftime("%Y-%m-%d"),
        **sections,
    }


README = Path(__file__).parent.parent / "README.md"


def update_readme(marker, text):
    """Put ``text`` between ``<!-- marker:start -->`` and ``<!-- marker:end -->``."""
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    readme = README.read_text()
    if start in readme and end in readme:
        before, rest = readme.split(start, 1)
        README.write_text(f"{before}{start}\n{text}\n{end}{rest.split(end, 1)[1]}")
