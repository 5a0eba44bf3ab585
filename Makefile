# The two commands: `make demo` and `make test`. Both create and reuse .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
DOCS_INSTALLED := $(VENV)/.docs-installed
BENCH_INSTALLED := $(VENV)/.bench-installed

.PHONY: demo test lint bench docs clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,plot]"
	touch $(INSTALLED)

demo: $(INSTALLED)
	$(PY) examples/demo.py

test: $(INSTALLED)
	$(PY) -m pytest -n 2 --dist loadscope

$(BENCH_INSTALLED): $(INSTALLED)
	$(PY) -m pip install --quiet -e ".[bench]"
	touch $(BENCH_INSTALLED)

bench: $(BENCH_INSTALLED)
	$(PY) benchmarks/run.py
	$(PY) benchmarks/search.py
	$(PY) benchmarks/first_search.py
	$(PY) benchmarks/target_scaling.py
	$(PY) benchmarks/memory.py
	$(PY) benchmarks/quality.py

$(DOCS_INSTALLED): $(INSTALLED)
	$(PY) -m pip install --quiet -e ".[docs]"
	touch $(DOCS_INSTALLED)

# The site, into docs/_build/html; any warning fails the build.
docs: $(DOCS_INSTALLED)
	$(PY) -m sphinx -W --keep-going -E -b html docs docs/_build/html

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) demo_output docs/_build docs/generated docs/auto_examples docs/gen_modules docs/_generated docs/sg_execution_times.rst
