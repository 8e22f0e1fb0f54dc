# selfcheck: `make run` serves the app, `make test` runs every test. Both set up what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test lint check clean translations system-deps runtime-deps bench

# Debian packages: Pango and HarfBuzz for WeasyPrint (libharfbuzz-subset0 makes it about
# twice as fast); for the tests also Chromium (Playwright drives /usr/bin/chromium and never
# downloads a browser of its own), poppler-utils (pdftoppm, to look at report pages),
# LibreOffice Writer without its GUI (the tests open the Word report in a real word processor), and the
# servers of a hosted set-up: PostgreSQL, nginx and Redis. The tests start their own throwaway
# instances of these on loopback (tests/servers.py); nothing needs to be running.
RUNTIME_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
TEST_PACKAGES := $(RUNTIME_PACKAGES) chromium poppler-utils libreoffice-writer-nogui postgresql nginx redis-server openssl
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The venv is rebuilt when pyproject.toml changes; the stamp files record what was installed.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

# HOST=0.0.0.0 makes the app reachable from phones on the same network (a meeting room).
run: $(VENV)/.installed runtime-deps
	$(BIN)/selfcheck check
	$(BIN)/selfcheck db upgrade
	SELFCHECK_SIGNUP=$${SELFCHECK_SIGNUP:-open} $(BIN)/selfcheck serve --host $(HOST) --port $(PORT)

define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

runtime-deps:
	$(call install_missing,$(RUNTIME_PACKAGES))

system-deps:
	$(call install_missing,$(TEST_PACKAGES))

test: $(VENV)/.installed-test system-deps
	$(BIN)/ruff check selfcheck tests
	$(BIN)/python -m pytest

# Speed as ratios measured in the same run, the two sides alternating (bench/pairs.py):
# the PDF against bare WeasyPrint, the step page against a bare Flask route (wrk), 50 members
# at once, pages under PDF load, the results page with 10 000 assessments, the chain.
# `make bench DB=postgres` runs them all on a throwaway PostgreSQL (started like the tests').
DB ?= sqlite
BENCH_PACKAGES := $(RUNTIME_PACKAGES) wrk postgresql
bench: $(VENV)/.installed-test
	$(call install_missing,$(BENCH_PACKAGES))
	$(BIN)/python bench/run.py $(DB)

check: $(VENV)/.installed
	$(BIN)/selfcheck check
	$(BIN)/selfcheck db upgrade

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis

# Translations: extract every UI string, merge into the da and en catalogs, compile the .mo files.
# Edit selfcheck/translations/da/LC_MESSAGES/messages.po, then run `make translations` again.
translations: $(VENV)/.installed-test
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output -w 100 \
	    -o selfcheck/translations/messages.pot .
	for lang in da en; do \
	  if [ -f selfcheck/translations/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update --no-fuzzy-matching -w 100 -i selfcheck/translations/messages.pot -d selfcheck/translations -l $$lang; \
	  else \
	    $(BIN)/pybabel init -w 100 -i selfcheck/translations/messages.pot -d selfcheck/translations -l $$lang; \
	  fi; \
	done
	$(BIN)/pybabel compile -d selfcheck/translations
