#!/usr/bin/env bash
# Build the one-folder PyInstaller bundle of the desktop app (packaging/branch-ledger.spec).
#
#   bash packaging/build-bundle.sh          # prints the bundle's folder on the last line
#
# The bundle is built in a venv of its own holding only the `client` and `bundle` extras, so no
# test tool and nothing of head office can end up inside it. A bundle is cached under
# $BRANCH_LEDGER_BUILD_CACHE (default ~/.cache/branch-ledger)/bundle/<hash>/ by the content of
# everything that goes into it (source, resources, spec, pyproject, Python version): a second run
# with nothing changed — also from another clone — costs a second. BRANCH_LEDGER_REBUILD=1 builds anyway.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
OUT="${BRANCH_LEDGER_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/branch-ledger}"
mkdir -p "$OUT"
PY="${PYTHON:-python3}"

INPUTS=(branch_ledger desktop_app domain printing resources sync/protocol sync/client sync/__init__.py
        packaging/branch-ledger.spec packaging/entry.py packaging/bundle_check.py
        packaging/trim_icu.py pyproject.toml)
hash_inputs() {
  # The content of every file that goes in (tracked or new, as it is in the working tree), so the
  # same tree gives the same key whether or not it is committed, in this clone or another.
  {
    "$PY" -c 'import platform, sys; print(sys.version, platform.machine())'
    git ls-files --cached --others --exclude-standard -- "${INPUTS[@]}" | sort -u \
      | while IFS= read -r f; do [ -f "$f" ] && printf '%s  %s\n' "$(sha256sum < "$f" | cut -c1-64)" "$f"; done
  } | sha256sum | cut -c1-16
}

KEY="$(hash_inputs)"
TARGET="$OUT/bundle/$KEY"
if [ -x "$TARGET/branch-ledger/branch-ledger" ] && [ "${BRANCH_LEDGER_REBUILD:-0}" != 1 ]; then
  echo "==> bundle up to date ($KEY)" >&2
  echo "$TARGET/branch-ledger"
  exit 0
fi

VENV="$OUT/bundle-venv"
# Only what the clerk's program needs, plus PyInstaller: the app's own code comes from the source
# tree (pathex in the spec), its dependencies from this venv. Reinstalled when that list changes.
REQUIREMENTS="$("$PY" - <<'PYEOF'
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
extras = project["optional-dependencies"]
print("\n".join(project["dependencies"] + extras["client"] + extras["bundle"]))
PYEOF
)"
REQ_KEY="$(printf '%s\n' "$REQUIREMENTS" | sha256sum | cut -c1-16)"
if [ ! -f "$VENV/.installed-$REQ_KEY" ]; then
  echo "==> build venv $VENV" >&2
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' >&2 || true
  printf '%s\n' "$REQUIREMENTS" > "$OUT/bundle-requirements.txt"
  "$VENV/bin/python" -m pip install -q -r "$OUT/bundle-requirements.txt" 2>&1 | grep -v '^WARNING: Location' >&2 || true
  "$VENV/bin/python" -c 'import PyInstaller, PySide6, sqlcipher3'  # the install above must have worked
  touch "$VENV/.installed-$REQ_KEY"
fi

echo "==> pyinstaller ($KEY)" >&2
rm -rf "$TARGET.tmp"
mkdir -p "$TARGET.tmp"
start=$(date +%s)
"$VENV/bin/pyinstaller" --noconfirm --log-level WARN --distpath "$TARGET.tmp/dist" --workpath "$TARGET.tmp/work" \
  packaging/branch-ledger.spec >&2
rm -rf "$TARGET"
mkdir -p "$TARGET"
mv "$TARGET.tmp/dist/branch-ledger" "$TARGET/branch-ledger"
rm -rf "$TARGET.tmp"
echo "$(( $(date +%s) - start ))" > "$TARGET/build-seconds"
# Keep only the newest few bundles.
ls -1dt "$OUT"/bundle/*/ 2>/dev/null | tail -n +4 | xargs -r rm -rf
echo "==> built in $(cat "$TARGET/build-seconds") s: $TARGET/branch-ledger" >&2
echo "$TARGET/branch-ledger"
