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
NOTEBOOK_DIRS ?= solutions notebooks
# pytest workers (pytest-xdist, both cores, a file per worker at a time); JOBS=1: one process
JOBS   ?= 2
XDIST   = $(if $(filter 1,$(JOBS)),,-n $(JOBS) --dist loadfile)

.PHONY: help setup lab present test test-unit test-notebooks test-grading test-hosted student check-student execute \
	slides slides-assets html bench bench-compare release autograde lock constraints hosted clean

help:
	@echo "make lab        set up (first time) and open JupyterLab on notebooks/ (HOST, PORT, TOKEN to override)"
	@echo "make test       set up (first time) and run every test: helpers, checkers, notebooks, browser, slides"
	@echo "make test-grading   nbgrader end to end: every lesson's blank/wrong/correct work, the cheat suite, salted checks"
	@echo "make test-hosted    the wheel installed as on Colab, Kaggle and the oldest declared versions; lessons run there"
	@echo "make student    regenerate notebooks/ from solutions/ (after \`make hosted\` when [tool.course] changed)"
	@echo "make hosted     rewrite every lesson's Colab/Kaggle links and set-up cell from [tool.course] in pyproject.toml"
	@echo "make constraints    refresh tools/constraints/ (Colab's and Kaggle's published package sets; needs the internet)"
	@echo "make execute    re-run solutions/ in the full profile, keeping outputs (NB=solutions/01_*.ipynb for one)"
	@echo "make slides     build offline reveal.js decks into build/slides/ (index.html lists them)"
	@echo "make html       one accessible HTML page per lesson into build/html/ (to publish on a course site)"
	@echo "make slides-assets   install the pinned reveal.js/MathJax once (set-up does it when npm is there)"
	@echo "make release    nbgrader: classroom/source/ from solutions/, then classroom/release/ (LESSONS=\"03 07\" for some)"
	@echo "make autograde  nbgrader: grade classroom/submitted/ (fast profile; LESSONS=\"03\" for some)"
	@echo "make present    copy solutions/ to build/present/ (afresh) and open JupyterLab there, to present live"
	@echo "make bench      lesson 10's learning curves (data/learning_curves.json, about 8 minutes), then every solution"
	@echo "                in both profiles, calibrated, into BENCHMARKS.md (REPEATS=n to override; refuses a busy machine)"
	@echo "make bench-compare   flag regressions: BENCHMARKS.md against its committed version (or OLD=a.md NEW=b.md)"
	@echo "make lock       regenerate requirements.lock for every platform and Python 3.10-3.13 (UPGRADE=1 to take newer releases)"
	@echo "PYTHON=python3.12 picks the Python that creates .venv (3.10 to 3.13); VENV=dir another environment"

$(STAMP): requirements.lock pyproject.toml tools/lab_overrides.json tools/lab_custom.css
	@test -x $(BIN)/python || $(PYTHON) -c 'import sys, venv; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 13))' 2>/dev/null || { \
	  echo "The course needs Python 3.10 to 3.13 with venv; PYTHON=$(PYTHON) is: $$($(PYTHON) --version 2>&1 | head -1)."; \
	  echo "Install one (python.org, Homebrew, apt, pyenv), then run for example: make lab PYTHON=python3.12"; \
	  exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m tools.slides --assets --optional
	@# JupyterLab's defaults for this course: no "official Jupyter news?" pop-up (it covers a live deck's arrows),
	@# the live deck's keys (Space, arrows, Esc) and its style (every slide whole, sliders reachable)
	$(BIN)/python -m tools.present --install-defaults
	touch $(STAMP)

setup: $(STAMP)

lab: $(STAMP)
	@echo "Starting JupyterLab on http://$(HOST):$(PORT)/lab (Ctrl-C to stop)"
	$(BIN)/jupyter lab --no-browser --ServerApp.ip=$(HOST) --ServerApp.port=$(PORT) \
		--ServerApp.root_dir=notebooks --LabApp.extension_manager=readonly --LabApp.news_url= \
		--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate $(if $(TOKEN),--IdentityProvider.token=$(TOKEN)) \
		--ServerApp.jpserver_extensions=nbgrader.server_extensions.formgrader=False --LabApp.custom_css=True \
		$(if $(filter 0,$(shell id -u)),--allow-root)

# Live presenting runs on a fresh copy: autosave while presenting never rewrites solutions/.
present: $(STAMP)
	$(BIN)/python -m tools.present --host $(HOST) --port $(PORT) $(if $(TOKEN),--token $(TOKEN))

# Both cores: pytest-xdist runs whole files (a notebook, a test module) in each of $(JOBS) workers.
test: $(STAMP)
	COURSE_PROFILE=fast $(BIN)/python -m pytest tests solutions notebooks --nbval-lax --nbval-current-env \
		--nbval-cell-timeout=300 --durations=15 $(XDIST) $(PYTEST_ARGS)

test-unit: $(STAMP)
	COURSE_PROFILE=fast $(BIN)/python -m pytest tests $(XDIST) $(PYTEST_ARGS)

test-notebooks: $(STAMP)
	COURSE_PROFILE=fast $(BIN)/python -m pytest $(NOTEBOOK_DIRS) --nbval-lax --nbval-current-env \
		--nbval-cell-timeout=300 --durations=15 $(XDIST) $(PYTEST_ARGS)

# nbgrader end to end (40 fast-profile notebook runs, ~15 CPU-minutes), kept out of `make test`'s budget; .ci/run runs both.
test-grading: $(STAMP)
	COURSE_PROFILE=fast COURSE_GRADING_MATRIX=1 $(BIN)/python -m pytest tests/test_grading_matrix.py \
		tests/test_grading_cheats.py -v -s --durations=5 $(XDIST) $(PYTEST_ARGS)
	@# The checkers on inputs drawn as the grader draws them (three salts): right answers pass, wrong ones fail.
	@for salt in 11 12 13; do COURSE_TEST_SALT=$$salt $(BIN)/python -m pytest tests/test_exercises_*.py -q $(XDIST) \
		|| exit 1; done

# The wheel on the stacks students already have (tools/hosted_envs.py): Colab (Python 3.13), Kaggle (3.12)
# and the oldest versions pyproject.toml declares (3.10); HOSTED="colab" for one. .ci/run runs it.
HOSTED ?= colab kaggle oldest
test-hosted: $(STAMP)
	@for env in $(HOSTED); do $(BIN)/python -m tools.hosted_envs run $$env || exit 1; done

constraints: $(STAMP)
	$(BIN)/python -m tools.hosted_envs refresh

hosted: $(STAMP)
	$(BIN)/python -m tools.hosted

student: $(STAMP)
	$(BIN)/python -m tools.nbtool student

check-student: $(STAMP)
	$(BIN)/python -m tools.nbtool check

NB ?= solutions/*.ipynb
execute: $(STAMP)
	COURSE_PROFILE=full $(BIN)/python -m tools.nbtool execute $(NB)

slides: $(STAMP)
	$(BIN)/python -m tools.slides

# One accessible HTML page per lesson (build/html/), from the executed solutions.
html: $(STAMP)
	$(BIN)/python -m tools.html_export

# Deck assets (reveal.js, MathJax) from slides/package-lock.json; set-up runs it too (needs npm once).
slides-assets: $(STAMP)
	$(BIN)/python -m tools.slides --assets

bench: $(STAMP)
	@# lesson 10's learning curves first (each leaderboard network 60 s -> data/learning_curves.json), so the
	@# table below shows them
	COURSE_PROFILE=full $(BIN)/python -m bench.learning_curves
	$(BIN)/python -m bench.run

# Grading with nbgrader (docs/instructors.md, section 3); settings in nbgrader_config.py.
LESSONS ?=
release: $(STAMP)
	$(BIN)/python -m tools.grading release $(LESSONS)

autograde: $(STAMP)
	$(BIN)/python -m tools.grading autograde $(LESSONS)

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

# One lock for every platform and Python 3.10-3.13 (uv's universal mode: environment markers pick
# tensorflow-cpu or tensorflow, and numpy & co. by Python version). Current pins are kept unless
# UPGRADE=1. tests/test_platforms.py checks that it resolves on each platform of tools/platforms.py.
UPGRADE ?=
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --all-extras --universal --python-version 3.10 \
		--no-emit-package deep-sequence-modeling --custom-compile-command "make lock" \
		$(if $(UPGRADE),--upgrade) -o requirements.lock

clean:
	rm -rf build .pytest_cache
