# Deep Sequence Modeling: `make lab` to learn, `make test` to check everything.
# Both create the environment first when it is missing (.venv from requirements.lock).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8888
TOKEN  ?=
PYTEST_ARGS ?=

.PHONY: help setup lab present test test-unit test-notebooks student check-student execute slides bench bench-compare lock clean

help:
	@echo "make lab        set up (first time) and open JupyterLab on notebooks/ (HOST, PORT, TOKEN to override)"
	@echo "make test       set up (first time) and run every test: helpers, checkers, notebooks, browser, slides"
	@echo "make student    regenerate notebooks/ from solutions/"
	@echo "make execute    re-run solutions/ in the full profile, keeping outputs (NB=solutions/01_*.ipynb for one)"
	@echo "make slides     build offline reveal.js decks into build/slides/"
	@echo "make present    copy solutions/ to build/present/ (afresh) and open JupyterLab there, to present live"
	@echo "make bench      run every solution in both profiles and write BENCHMARKS.md (REPEATS=n to override)"
	@echo "make bench-compare   flag regressions: BENCHMARKS.md against its committed version (or OLD=a.md NEW=b.md)"

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

lab: $(STAMP)
	@echo "Starting JupyterLab on http://$(HOST):$(PORT)/lab (Ctrl-C to stop)"
	$(BIN)/jupyter lab --no-browser --ServerApp.ip=$(HOST) --ServerApp.port=$(PORT) \
		--ServerApp.root_dir=notebooks $(if $(TOKEN),--IdentityProvider.token=$(TOKEN)) \
		$(if $(filter 0,$(shell id -u)),--allow-root)

# Live presenting runs on a fresh copy: autosave while presenting never rewrites solutions/.
present: $(STAMP)
	$(BIN)/python -m tools.present --host $(HOST) --port $(PORT) $(if $(TOKEN),--token $(TOKEN))

test: $(STAMP)
	COURSE_PROFILE=fast $(BIN)/python -m pytest tests solutions notebooks --nbval-lax --nbval-current-env \
		--nbval-cell-timeout=300 --durations=15 $(PYTEST_ARGS)

test-unit: $(STAMP)
	COURSE_PROFILE=fast $(BIN)/python -m pytest tests $(PYTEST_ARGS)

test-notebooks: $(STAMP)
	COURSE_PROFILE=fast $(BIN)/python -m pytest solutions notebooks --nbval-lax --nbval-current-env \
		--nbval-cell-timeout=300 --durations=15 $(PYTEST_ARGS)

student: $(STAMP)
	$(BIN)/python -m tools.nbtool student

check-student: $(STAMP)
	$(BIN)/python -m tools.nbtool check

NB ?= solutions/*.ipynb
execute: $(STAMP)
	COURSE_PROFILE=full $(BIN)/python -m tools.nbtool execute $(NB)

slides: $(STAMP)
	$(BIN)/python -m tools.slides

bench: $(STAMP)
	$(BIN)/python -m bench.run

# Without OLD: compare BENCHMARKS.md with its last committed version.
OLD ?=
NEW ?= BENCHMARKS.md
bench-compare: $(STAMP)
ifeq ($(OLD),)
	@mkdir -p build
	git show HEAD:BENCHMARKS.md > build/BENCHMARKS.committed.md
	$(BIN)/python -m bench.compare build/BENCHMARKS.committed.md $(NEW)
else
	$(BIN)/python -m bench.compare $(OLD) $(NEW)
endif

lock:
	rm -rf /tmp/dsm-lock && $(PYTHON) -m venv /tmp/dsm-lock
	/tmp/dsm-lock/bin/pip install --quiet ".[test]"
	( echo "# Pinned lock used by make and CI (Python 3.11, Linux x86_64). Regenerate with \`make lock\`."; \
	  /tmp/dsm-lock/bin/pip freeze --exclude-editable | grep -v -i '^deep-sequence-modeling' ) > requirements.lock

clean:
	rm -rf build .pytest_cache
