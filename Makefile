# Status reports on the health policy goals. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP_RUN  := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test
# Bytecode of the project's own modules, brought up to date before a run: where Python is told not
# to write it (PYTHONDONTWRITEBYTECODE), every run and every reader would compile them again.
COMPILE    := $(PY) -m compileall -q pipeline

.DEFAULT_GOAL := help
.PHONY: help report test check lint format bench golden samples clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-8s %s\n", $$1, $$2}'

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	@touch $@

$(STAMP_TEST): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@ $(STAMP_RUN)

report: $(STAMP_RUN) ## read input_pdfs/ and write the reports and tables to output/
	@$(COMPILE)
	$(PY) -m pipeline report --input input_pdfs --output output

test: $(STAMP_TEST) ## run the test suite (what CI runs)
	@$(COMPILE)
	$(PY) -m pytest

check: $(STAMP_TEST) ## the quick lane of the tests: no OCR, no fault injection, no slow matrices, no LibreOffice
	@$(COMPILE)
	$(PY) -m pytest -q -m "not slow and not ocr and not faults and not libreoffice"

lint: $(STAMP_TEST) ## ruff lint and format check
	$(PY) -m ruff check pipeline schemas tests
	$(PY) -m ruff format --check pipeline schemas tests

format: $(STAMP_TEST) ## format the code with ruff
	$(PY) -m ruff format pipeline schemas tests
	$(PY) -m ruff check --fix pipeline schemas tests

bench: $(STAMP_TEST) ## speed and memory benchmark (extract vs raw pdfplumber; incremental runs; seconds per scanned page)
	@$(COMPILE)
	$(PY) -m tests.bench

golden: $(STAMP_TEST) ## regenerate the golden text files of the report tests
	PIPELINE_UPDATE_GOLDEN=1 $(PY) -m pytest tests -k golden
	@echo "goldens rewritten: review 'git diff tests/golden' before committing"

samples: $(STAMP_TEST) ## regenerate the sample notat PDFs in input_pdfs/ from the transcribed data
	$(PY) -m tests.fixtures.samples input_pdfs

clean: ## remove the virtualenv, caches and generated output
	rm -rf $(VENV) .cache .pytest_cache .ruff_cache *.egg-info
	find output -mindepth 1 ! -name README.md -exec rm -rf {} +
