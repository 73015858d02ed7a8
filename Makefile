PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test typecheck demo bench clean

# pytest-xdist: one worker a core, at most 4 (10 -> 5.5 min on 2 cores). loadgroup keeps
# tests/test_browser.py on one worker (its pages go to one folder); PYTEST_JOBS= runs serially.
PYTEST_JOBS ?= -n auto --maxprocesses 4 --dist loadgroup

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/ruff check solver cli.py tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q $(PYTEST_JOBS)

# The modules [tool.mypy] in pyproject.toml does not list as still having errors.
typecheck: $(STAMP)
	$(BIN)/mypy

demo: $(STAMP)
	$(BIN)/runcal plan sample_calendars/advanced_marathon.toml -o plan.ics --html plan.html
	$(BIN)/runcal check plan.ics --profile sample_calendars/advanced_marathon.toml
	@echo "The plan as a page: open $(CURDIR)/plan.html in a browser (it needs no network)."

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) plan.ics plan.html
