# Two commands on a fresh machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test test-fast lint conformance bench bench-peers clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The modules setup.py compiles with mypyc (where gcc and Python's headers are): the editable
# install builds a C extension beside each, which Python imports instead of the .py. So an edit
# to one of them reinstalls (compiles again): a stale extension would hide the edit.
COMPILED := $(shell sed -n 's/^    "\(transflow\..*\)",$$/\1/p' src/transflow/_modules.py \
	| sed 's|\.|/|g; s|^|src/|; s|$$|.py|')

# pip byte-compiles a package it installs, but not an editable install: compile src/ here,
# or where PYTHONDONTWRITEBYTECODE is set every command compiles each module again (~40 ms a
# start). A module edited later is simply compiled from source (Python checks the mtime).
# The same for the methods @dataclass writes (transflow/dataclass_code.py): a sixth of a
# command's start when compiled each time; a class edited later is compiled when made.
$(STAMP): pyproject.toml setup.py src/transflow/_modules.py $(COMPILED) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m compileall -q src >/dev/null
	$(BIN)/python -m transflow.dataclass_code >/dev/null
	touch $@

$(TEST_STAMP): pyproject.toml setup.py src/transflow/_modules.py $(COMPILED) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q src >/dev/null
	$(BIN)/python -m transflow.dataclass_code >/dev/null
	touch $@ $(STAMP)

demo: $(STAMP)
	$(BIN)/transflow run --strict
	@echo "Finished pairs:"; ls dist/en dist/nl

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q
	TRANSFLOW_PURE_PYTHON=1 $(BIN)/python -m pytest -q $(PURE_TESTS)
	$(BIN)/ruff check setup.py src tests benchmarks scripts
	$(BIN)/mypy

# Run again on the pure-Python modules (TRANSFLOW_PURE_PYTHON=1), when the whole suite ran on
# the compiled ones: the tests of each compiled module, and the pipeline end to end.
PURE_TESTS := tests/test_po_layout.py tests/test_po_linebreak.py tests/test_article_language.py \
	tests/test_markdown.py tests/test_markdown_render.py tests/test_front_matter.py \
	tests/test_checks.py tests/test_catalog.py tests/test_pipeline.py tests/test_compiled.py \
	tests/test_shortcodes.py tests/test_directives.py tests/test_stored_parse.py \
	tests/test_front_matter_libyaml.py

# The edit-test loop: no corpus, no GNU gettext (both run in `make test` and CI).
test-fast: $(TEST_STAMP)
	$(BIN)/python -m pytest -q -m "not corpus and not gettext"

lint: $(TEST_STAMP)
	$(BIN)/ruff check setup.py src tests benchmarks scripts
	$(BIN)/mypy

conformance: $(STAMP)
	$(BIN)/python scripts/conformance.py
	$(BIN)/python scripts/conformance_html.py
	$(BIN)/python scripts/residue.py
	$(BIN)/python scripts/residue.py --corpus tests/fixtures/residue_fresh
	$(BIN)/python scripts/residue.py --corpus tests/fixtures/residue_blind
	$(BIN)/python scripts/residue.py --corpus tests/data/inline
	$(BIN)/python scripts/residue.py --placeholders
	$(BIN)/python scripts/align_report.py
	$(BIN)/python scripts/translate_report.py

# The peers compared by bench_compare.py live in their own venv, never in the project's deps.
PEERS := benchmarks/.venv-peers

bench-peers:
	$(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/python -m pip install --quiet mdpo 'translate-toolkit[markdown]'

# transflow beside mdpo and translate-toolkit (when 'make bench-peers' installed them),
# N = 500 and 2,000; memory at 10,000: benchmarks/bench_compare.py -n 10000 --only transflow
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_pipeline.py
	$(BIN)/python benchmarks/bench_align.py
	$(BIN)/python benchmarks/bench_formats.py
	$(BIN)/python benchmarks/bench_linebreak.py
	$(BIN)/python benchmarks/bench_inline.py
	$(BIN)/python benchmarks/bench_instructions.py
	$(BIN)/python benchmarks/bench_compare.py -n 500 2000

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache
	find src -name '*.so' -delete
