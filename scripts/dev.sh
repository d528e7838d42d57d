#!/usr/bin/env bash
# BranchLedger set-up: install everything, then run the app or the whole test suite.
#
#   bash scripts/dev.sh run     # install, then launch the desktop app (data in the user's data dir)
#   bash scripts/dev.sh test    # install, then lint, type-check and run every test
#   bash scripts/dev.sh test tests/cli -x   # … or just the tests named (one serial pytest run)
#
# OS packages come from Debian/Ubuntu apt (needs root or sudo); Python packages go into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-run}"
shift || true

APT_PACKAGES=(
  python3-venv
  # Qt 6 runtime (PySide6 wheels bring Qt itself, not these system libraries)
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0 libxcb-render-util0
  libxcb-image0 libxcb-xinerama0 libxcb-xkb1
  # PostgreSQL server binaries: the tests start a throwaway cluster of their own
  postgresql
  # Reading PDFs back (pdftotext/pdftoppm) and screenshots under a virtual display
  poppler-utils xvfb
  # Packaging: the .deb (dpkg-shlibdeps, desktop-file-validate), the Windows installer script (makensis)
  dpkg-dev desktop-file-utils nsis zstd
  # The Linux bundle's trimmed ICU data (icupkg; as and ld): packaging/trim_icu.py
  icu-devtools binutils
  # Head-office deployment files, run for real by tests/packaging/test_hq_deploy.py
  nginx logrotate
  # The head-office console's browser tests: headless Chromium driven by Playwright
  chromium chromium-driver
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root (or sudo) to install: ${APT_PACKAGES[*]}" >&2; return 1; fi
}

install_os_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> apt-get install ${missing[*]}"
  as_root apt-get update -qq
  # policy-rc.d keeps the postgresql package from starting a system-wide server during install.
  as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || { as_root rm -f /usr/sbin/policy-rc.d; return 1; }
  as_root rm -f /usr/sbin/policy-rc.d
}

install_python() {
  if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv"
    python3 -m venv .venv
  fi
  echo "==> pip install -e .[client,hq,test]"
  .venv/bin/python -m pip install -q --upgrade pip
  # Older checkouts used sqlcipher3-binary; it installs the same `sqlcipher3` module as sqlcipher3,
  # so it must go before sqlcipher3 is installed (removing it afterwards would delete the module).
  if .venv/bin/python -m pip show -q sqlcipher3-binary >/dev/null 2>&1; then
    .venv/bin/python -m pip uninstall -y -q sqlcipher3-binary
  fi
  .venv/bin/python -m pip install -q -e ".[client,hq,test]"
}

install_os_packages
install_python

case "$MODE" in
  run)
    exec .venv/bin/branch-ledger "$@"
    ;;
  test)
    export QT_QPA_PLATFORM=offscreen
    echo "==> ruff"
    .venv/bin/ruff check .
    echo "==> mypy"
    .venv/bin/mypy
    # pytest's 5 means "no tests collected": that is a failure of the suite, not a pass, so any
    # non-zero status of either run fails the command.
    selection=0
    for arg in "$@"; do case "$arg" in -*) ;; *) selection=1 ;; esac; done
    if [ "$selection" -eq 1 ]; then  # paths or node ids given: run just those, in one process
      echo "==> pytest $*"
      set +e
      .venv/bin/python -m pytest -q "$@"
      status=$?
      set -e
      exit $status
    fi
    # The whole suite in two runs (docs/testing.md, "Parallel workers"): everything but
    # tests/packaging on two xdist workers (a file's tests stay on one worker, so its module
    # fixtures are made once), then tests/packaging alone and serially — its bundle, .deb and
    # wheel builds share build folders and must never run side by side. Each writes a JUnit file.
    mkdir -p out/test-results
    set +e
    echo "==> pytest (all but tests/packaging, 2 workers)"
    .venv/bin/python -m pytest -q -n 2 --dist loadfile --ignore=tests/packaging \
      --junitxml=out/test-results/main.xml "$@"
    main_status=$?
    echo "==> pytest tests/packaging (serial)"
    .venv/bin/python -m pytest -q tests/packaging --junitxml=out/test-results/packaging.xml "$@"
    packaging_status=$?
    set -e
    echo "==> pytest: all but tests/packaging exit ${main_status}, tests/packaging exit ${packaging_status}" \
      "(JUnit: out/test-results/main.xml, packaging.xml)"
    if [ "$main_status" -ne 0 ] || [ "$packaging_status" -ne 0 ]; then exit 1; fi
    ;;
  *)
    echo "usage: bash scripts/dev.sh run|test" >&2
    exit 2
    ;;
esac
