# Minutebook: the README's two commands are `make run` and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
MB     := $(VENV)/bin/minutebook
DATA   ?= minutebook-data
CORPUS ?= corpus
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install install-dev run ingest serve test test-all lint bench bench-load eval corpus clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e ".[dev]"
	touch $@

install:
	./scripts/install-system-packages.sh
	$(MAKE) $(VENV)/.installed

install-dev:
	./scripts/install-system-packages.sh --dev
	$(MAKE) $(VENV)/.installed

# Ingest CORPUS (default: the bundled sample council) and serve the UI. Exit status 3 from
# ingest means some files failed (each was listed); the rest is served.
run: install ingest serve

ingest:
	$(MB) ingest $(CORPUS) --data $(DATA) || [ $$? -eq 3 ]

serve:
	$(MB) serve --data $(DATA) --host $(HOST) --port $(PORT)

test: install-dev
	$(VENV)/bin/pytest -q

test-all: install-dev
	$(VENV)/bin/pytest -q -m "slow or not slow"

lint:
	$(VENV)/bin/ruff check minutebook ingest nlp search_app tests bench corpus
	$(VENV)/bin/mypy minutebook ingest nlp search_app

# Benchmarks, never tests: ingest speed against bare pdfplumber, search latency at scale,
# the gold questions, and serve under load. Figures and machine go in the README.
bench:
	$(PY) bench/bench_ingest.py
	$(PY) bench/bench_search.py --sizes 10000,100000 --api
	$(PY) bench/bench_questions.py $(DATA)

bench-load:
	$(PY) bench/load_serve.py --seconds 20

eval:
	# a fresh store each time: run-dev.sh ingests into an existing one as a re-ingest
	rm -rf bench/out/eval
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH PYTHON=$(PY) ../shared/eval/run-dev.sh bench/out/eval
	# the peer in the same run: page-level SQLite FTS5 over pdfplumber text (pages cached)
	$(PY) ../shared/eval/peer_fts5.py ../shared/corpus ../shared/gold bench/out/peer | tee bench/out/peer.json
	# decisions against the hand-checked sample (tests/data/decisions_checked.json)
	$(PY) bench/score_decisions.py bench/out/eval/export.json | tee bench/out/decisions.json

corpus:
	$(PY) corpus/generate.py

clean:
	rm -rf $(DATA) .pytest_cache
