# digestbot: every target sets up its own environment first (.venv, pinned from requirements.lock).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint eval bench lock clean help

help:
	@echo "make run    set up, migrate and start the bot (terminal mode without TELEGRAM_BOT_TOKEN)"
	@echo "make test   set up and run the whole test suite"
	@echo "make lint   ruff and mypy"
	@echo "make eval   extraction quality against tests/eval (precision and recall per field)"
	@echo "make bench  extraction throughput against plain spaCy on the Wikinews corpus"
	@echo "make lock   re-resolve requirements.lock from pyproject.toml (needs the network)"

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("digestbot needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

# pip itself comes first, pinned: the pip a Python 3.11 venv brings (23.x) refuses the lock in
# --require-hashes mode when a dependency asks for an extra (weasel wants smart-open[http]) and PyPI has
# a newer release of that package than the one pinned.
$(STAMP): $(BIN)/python requirements-pip.lock requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-pip.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/digestbot db upgrade
	$(BIN)/digestbot run

# Four workers on any machine: most of the slow tests wait on real processes and real minutes, not
# on the CPU. Each worker has its own PostgreSQL database (tests/conftest.py).
TEST_WORKERS ?= 4

test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check bot storage tests benchmarks
	$(BIN)/ruff format --check bot storage tests benchmarks
	$(BIN)/mypy

eval: $(STAMP)
	$(BIN)/python -m tests.eval.score

bench: $(STAMP)
	$(BIN)/python -m benchmarks.extraction_speed

lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	printf 'setuptools>=69\n' > $(VENV)/build-reqs.in
	$(BIN)/uv pip compile pyproject.toml $(VENV)/build-reqs.in --extra dev --universal \
		--python-version 3.11 --generate-hashes --no-header -o requirements.lock
	printf 'pip\n' > $(VENV)/pip.in
	$(BIN)/uv pip compile $(VENV)/pip.in --universal --python-version 3.11 --generate-hashes \
		--no-header -o requirements-pip.lock

clean:
	rm -rf $(VENV) .pytest_cache
