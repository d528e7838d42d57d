#!/usr/bin/env bash
# Wrap the desktop bundle as a .deb for Debian-based desktops (Debian 12, 统信UOS, 银河麒麟).
#
#   bash packaging/linux/build-deb.sh [OUT_DIR]      # default OUT_DIR: dist/
#
# Builds (or reuses) the bundle with packaging/build-bundle.sh, then lays out:
#   /opt/branch-ledger/                      the one-folder bundle
#   /usr/bin/branch-ledger                   symlink to it (the bootloader resolves its real path)
#   /usr/share/applications/branch-ledger.desktop   menu entry 支部台账 (English: BranchLedger), Office
#   /usr/share/icons/hicolor/*/apps/branch-ledger.{png,svg}
#   /usr/share/doc/branch-ledger/            copyright: the fonts' licences
# No maintainer scripts: dpkg's triggers refresh the menu and icon caches, and nothing outside
# the package's own files is touched — the clerk's data in ~/.local/share/BranchLedger stays when
# the package is removed or purged. Library dependencies come from dpkg-shlibdeps over every ELF
# file in the bundle (the desktop's X11/GL/fontconfig/glib/CUPS libraries are not bundled).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${1:-$ROOT/dist}"
BUNDLE="$(bash "$ROOT/packaging/build-bundle.sh")"
VERSION="$(cd "$ROOT" && python3 -c 'import branch_ledger; print(branch_ledger.__version__)')"
ARCH="$(dpkg --print-architecture)"
DEB="$OUT/branch-ledger_${VERSION}_${ARCH}.deb"

# The same bundle and the same packaging files make the same package: reuse it (xz takes minutes).
CACHE="$(dirname "$(dirname "$(dirname "$BUNDLE")")")/deb"
KEY="$( { echo "$BUNDLE"; cat "$0" "$ROOT/packaging/linux/branch-ledger.desktop" "$ROOT"/resources/icons/hicolor/*/*.png \
          "$ROOT/resources/icons/branch-ledger.svg"; } | sha256sum | cut -c1-16)"
if [ -f "$CACHE/$KEY.deb" ] && [ "${BRANCH_LEDGER_REBUILD:-0}" != 1 ]; then
  mkdir -p "$OUT"
  cp "$CACHE/$KEY.deb" "$DEB"
  echo "==> package up to date ($KEY)" >&2
  echo "$DEB"
  exit 0
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
PKG="$WORK/root"

mkdir -p "$PKG/opt" "$PKG/usr/bin" "$PKG/usr/share/applications" "$PKG/usr/share/doc/branch-ledger" "$PKG/DEBIAN"
cp -a "$BUNDLE" "$PKG/opt/branch-ledger"
ln -s /opt/branch-ledger/branch-ledger "$PKG/usr/bin/branch-ledger"
install -m 644 "$ROOT/packaging/linux/branch-ledger.desktop" "$PKG/usr/share/applications/branch-ledger.desktop"
for png in "$ROOT"/resources/icons/hicolor/*/branch-ledger.png; do
  size="$(basename "$(dirname "$png")")"
  install -D -m 644 "$png" "$PKG/usr/share/icons/hicolor/$size/apps/branch-ledger.png"
done
install -D -m 644 "$ROOT/resources/icons/branch-ledger.svg" "$PKG/usr/share/icons/hicolor/scalable/apps/branch-ledger.svg"
{
  echo "BranchLedger (支部台账) $VERSION"
  echo
  echo "Bundled fonts (resources/fonts/README.md):"
  echo "  BranchLedgerSerifSC-*.ttf: subsets of Noto Serif CJK SC, SIL Open Font License 1.1 (below)."
  echo "  BranchLedgerSymbols.ttf: subset of DejaVu Sans, Bitstream Vera licence (below)."
  echo "The Qt libraries are used under the LGPL v3; Python under the PSF licence."
  echo; echo "----- SIL Open Font License 1.1 -----"; cat "$ROOT/resources/fonts/OFL.txt"
  echo; echo "----- DejaVu / Bitstream Vera -----"; cat "$ROOT/resources/fonts/LICENSE-DejaVu.txt"
} > "$PKG/usr/share/doc/branch-ledger/copyright"

# Shared-library dependencies: ask dpkg-shlibdeps about every ELF file, telling it where the
# bundle's own libraries are so only the system's are turned into package names.
mkdir -p "$WORK/shlibs/debian"
printf 'Source: branch-ledger\n\nPackage: branch-ledger\nArchitecture: any\n' > "$WORK/shlibs/debian/control"
mapfile -t elves < <(find "$PKG/opt/branch-ledger" -type f \( -name '*.so*' -o -name branch-ledger \) \
  -exec sh -c 'head -c 4 "$1" | grep -q "ELF" && echo "$1"' _ {} \;)
libdirs=()
while IFS= read -r dir; do libdirs+=("-l$dir"); done < <(printf '%s\n' "${elves[@]}" | xargs -n1 dirname | sort -u)
DEPENDS="$(cd "$WORK/shlibs" && dpkg-shlibdeps --ignore-missing-info -O "${libdirs[@]}" -e "${elves[@]}" 2>/dev/null \
  | sed -n 's/^shlibs:Depends=//p')"
[ -n "$DEPENDS" ] || { echo "dpkg-shlibdeps found no dependencies" >&2; exit 1; }

INSTALLED_KB="$(du -sk --exclude=DEBIAN "$PKG" | cut -f1)"
cat > "$PKG/DEBIAN/control" <<CONTROL
Package: branch-ledger
Version: $VERSION
Architecture: $ARCH
Maintainer: BranchLedger maintainers <branch-ledger@localhost>
Installed-Size: $INSTALLED_KB
Depends: $DEPENDS
Recommends: fonts-noto-cjk | fonts-wqy-microhei
Section: office
Priority: optional
Homepage: https://localhost/branch-ledger
Description: 支部台账 BranchLedger — offline-first encrypted records for Party branches
 The branch clerk keeps the 三会一课 records, the member roster and 党员先锋岗 posts fully
 offline in an encrypted SQLCipher database, prints minutes, sign-in sheets and the ledger,
 and syncs with head office (上级党委) when a link is available.
 .
 The user's data lives in ~/.local/share/BranchLedger and is kept when the package is removed.
CONTROL

mkdir -p "$OUT" "$CACHE"
# xz, not zstd: the dpkg of older 统信UOS/麒麟 releases cannot read zstd members.
dpkg-deb --root-owner-group -Zxz --threads-max="$(nproc)" --build "$PKG" "$DEB" >&2
cp "$DEB" "$CACHE/$KEY.deb"
ls -1t "$CACHE"/*.deb | tail -n +4 | xargs -r rm -f
echo "$DEB"
