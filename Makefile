# Two commands on a fresh machine: `make demo` and `make test`. Each installs into .venv what it needs:
#   demo       the core install (renders bulletins from the command line) + the CJK font
#   lab        + [lab]      JupyterLab and jupytext, to edit the notebooks
#   test/setup + [lab,cluster,dev]  everything the tests exercise (Dask, pytest, hypothesis, playwright) + chromium
# Each set has its own stamp, so `make demo` then `make test` adds the extras, and editing pyproject.toml or
# constraints.txt reinstalls. `make wheelhouse` builds the offline bundle (scripts/build-wheelhouse.sh).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_INSTALL := $(BIN)/python -m pip install -q -c constraints.txt

.PHONY: setup demo test lab fonts browser wheelhouse clean git-filters office

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-core: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (bulletin)" >/dev/null
	touch $@

$(VENV)/.installed-lab: $(VENV)/.installed-core
	$(PIP_INSTALL) -e '.[lab]'
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-core
	$(PIP_INSTALL) -e '.[lab,cluster,dev]'
	touch $@ $(VENV)/.installed-lab

setup: $(VENV)/.installed-test fonts browser office git-filters

# Notebooks reach git stripped by themselves: .gitattributes sends *.ipynb through nbstripout (outputs and execution
# counts dropped; tags such as `parameters` and the cell ids kept), and `git diff` shows notebooks without outputs.
NBSTRIPOUT := $(abspath $(BIN))/nbstripout --keep-id
git-filters: $(VENV)/.installed-test
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git config filter.nbstripout.clean '$(NBSTRIPOUT)' && \
	  git config filter.nbstripout.smudge cat && \
	  git config filter.nbstripout.required true && \
	  git config diff.ipynb.textconv '$(NBSTRIPOUT) -t'; fi

fonts:
	@sh scripts/install-fonts.sh

# Debian's chromium for the browser tests (Playwright drives it; Playwright's own browser download is not used).
browser:
	@sh scripts/install-browser.sh

# LibreOffice headless, only for the test that opens a .docx in a real word processor (the PDF needs no system
# library: Typst comes as a wheel).
office:
	@sh scripts/install-office.sh --libreoffice

demo: $(VENV)/.installed-core fonts
	$(BIN)/bulletin demo

# Tests run in TEST_JOBS processes (pytest-xdist), each test file in one of them so its module fixtures are built once.
TEST_JOBS ?= 2

test: setup
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile

# The notebooks' default parameters read the demo district yunhe: write the demo first if it is missing.
lab: $(VENV)/.installed-lab fonts
	test -d data/yunhe || $(BIN)/bulletin demo
	$(BIN)/jupyter lab notebooks/

# Offline bundle for machines without internet: wheels (Linux and Windows x86-64), fonts, install scripts.
wheelhouse:
	sh scripts/build-wheelhouse.sh wheelhouse

clean:
	rm -rf $(VENV) outputs/* data/*
	touch outputs/.gitkeep data/.gitkeep
