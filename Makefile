# Vendor Console: the two Quick start commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
# Debian packages. To open a window at all, Qt's xcb platform plugin needs these libraries (a stock
# image misses libxcb-icccm4 and libxcb-keysyms1, feasibility.md G6) and fonts to render text.
APT_RUN_PKGS := libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-randr0 \
            libxcb-render-util0 libxcb-shape0 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 fonts-dejavu-core
# The headless suite adds a virtual X server for the real-window test and a real Secret Service
# (gnome-keyring in a private D-Bus session) for the keyring tests.
APT_PKGS := $(APT_RUN_PKGS) xvfb xauth gnome-keyring dbus-bin dbus-daemon
# Building the bundle: PyInstaller strips binaries and the spec reads their links (binutils); the
# bundle tests validate the desktop entry (desktop-file-utils).
APT_DIST_PKGS := $(APT_PKGS) binutils desktop-file-utils
PYTEST_ARGS ?=
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
DIST_TAR := dist/vendor-console-$(VERSION)-linux-$(shell uname -m).tar.gz

.PHONY: run test lint typecheck pytest bench screenshots apt-deps clean smoke dist test-dist

$(VENV)/.stamp-run: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml $(VENV)/.stamp-run
	$(PIP) install -q -e '.[test]'
	touch $@

$(VENV)/.stamp-dist: pyproject.toml $(VENV)/.stamp-test
	$(PIP) install -q -e '.[dist]'
	touch $@

run: $(VENV)/.stamp-run
	@$(MAKE) --no-print-directory apt-deps APT_PKGS="$(APT_RUN_PKGS)"
	$(PY) -m console --demo

smoke: $(VENV)/.stamp-run
	QT_QPA_PLATFORM=offscreen $(PY) -m console --smoke-test

# Installs only what is missing, and only on Debian-like systems (elsewhere it does nothing).
apt-deps:
	@command -v dpkg >/dev/null || exit 0; \
	missing=$$(for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

lint: $(VENV)/.stamp-test
	$(VENV)/bin/ruff check console tests bench

typecheck: $(VENV)/.stamp-test
	$(VENV)/bin/mypy --strict console/

# The suite runs with a private D-Bus session and an unlocked gnome-keyring (real SecretService,
# feasibility.md G7) under a virtual X server; widget tests use the offscreen platform, the
# real-window test starts the app on the Xvfb display.
pytest: $(VENV)/.stamp-test
	HOME_FOR_TESTS=$$(mktemp -d) && \
	HOME=$$HOME_FOR_TESTS dbus-run-session -- sh -c \
	  'echo -n vc-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; \
	   exec xvfb-run -a -s "-screen 0 1400x900x24 -nolisten tcp" $(PY) -m pytest $(PYTEST_ARGS)'

test: apt-deps lint typecheck pytest

bench: dist
	QT_QPA_PLATFORM=offscreen $(PY) bench/run_all.py
	@echo "== mirror.py" && $(PY) bench/mirror.py
	@echo "== mirror_sync.py" && $(PY) bench/mirror_sync.py
	@echo "== copy_window.py" && $(PY) bench/copy_window.py

# The README's picture: the real window on a virtual X display, on the demo workspace, with an empty
# config home so no saved account shows up.
XVFB := xvfb-run -a -s "-screen 0 1400x900x24 -nolisten tcp"
screenshots: apt-deps $(VENV)/.stamp-run
	VENDOR_CONSOLE_HOME=$$(mktemp -d) QT_QPA_PLATFORM=xcb $(XVFB) \
	  $(PY) -m console --demo --screenshot resources/screenshots/main-window.png
	VENDOR_CONSOLE_HOME=$$(mktemp -d) QT_QPA_PLATFORM=xcb $(XVFB) \
	  $(PY) -m console --demo --open "Bright Smiles (demo)/appointments" \
	  --screenshot resources/screenshots/setster-appointments.png
	QT_QPA_PLATFORM=xcb $(XVFB) $(PY) tests/e2e/scenes.py launch27-form resources/screenshots/launch27-booking-form.png
	QT_QPA_PLATFORM=xcb $(XVFB) $(PY) tests/e2e/scenes.py setsmart-409 resources/screenshots/setsmart-reservation-409.png
	QT_QPA_PLATFORM=xcb $(XVFB) $(PY) tests/e2e/scenes.py lookup resources/screenshots/lookup.png
	QT_QPA_PLATFORM=xcb $(XVFB) $(PY) tests/e2e/copy_scenes.py resources/screenshots/local-copy-list.png
	QT_QPA_PLATFORM=xcb $(XVFB) $(PY) tests/e2e/copy_scenes.py card resources/screenshots/customer-card.png
	for view in "Coastal Stays (demo)/properties:setsmart-properties" "Nordic Tel (demo)/queues:setera-queues"; do \
	  VENDOR_CONSOLE_HOME=$$(mktemp -d) QT_QPA_PLATFORM=xcb $(XVFB) $(PY) -m console --demo \
	    --open "$${view%%:*}" --screenshot "resources/screenshots/$${view##*:}.png" || exit 1; \
	done

# The installer (README "Build the installer"): dist/vendor-console/ (PyInstaller onedir) and a
# tarball with it and install.sh.
dist: $(VENV)/.stamp-dist
	@$(MAKE) --no-print-directory apt-deps APT_PKGS="$(APT_DIST_PKGS)"
	rm -rf dist/vendor-console $(DIST_TAR)
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
	  packaging/vendor-console.spec
	tar -czf $(DIST_TAR) -C dist vendor-console -C $(CURDIR)/packaging/linux install.sh
	@echo "built dist/vendor-console/ and $(DIST_TAR)"

# Builds the bundle, then tests it as a user gets it: smoke test offscreen with the real keychain and
# without one, install.sh into a temporary HOME, the desktop entry, single instance, a screenshot.
test-dist: dist
	HOME_FOR_TESTS=$$(mktemp -d) && \
	HOME=$$HOME_FOR_TESTS VENDOR_CONSOLE_DIST=$(CURDIR)/dist VENDOR_CONSOLE_DIST_TAR=$(CURDIR)/$(DIST_TAR) \
	  dbus-run-session -- sh -c \
	  'echo -n vc-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; \
	   exec xvfb-run -a -s "-screen 0 1400x900x24 -nolisten tcp" $(PY) -m pytest tests/packaging -p no:cacheprovider $(PYTEST_ARGS)'

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache tests/artifacts
