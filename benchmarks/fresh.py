"""Run a benchmark scenario in a fresh Python process and read its result.

First-run costs (TensorFlow's start-up, tracing, worker imports) only show
in a new process, so the benchmark scripts re-run themselves with
``--scenario`` and print one JSON line, which this helper reads back.
"""

import json
import subprocess
import sys


def run_child(script, **options):
    """Run ``script`` with ``--name value`` options; return its last JSON line."""
    command = [sys.executable, str(script)]
    for name, value in options.items():
        command += [f"--{name.replace('_', '-')}", str(value)]
    output = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])
