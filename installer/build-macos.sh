#!/usr/bin/env bash
# Build the macOS app: "Human Pretraining.app" (PyInstaller) and a zip of it.
#
#   installer/build-macos.sh
#
# makes "dist/Human Pretraining.app" and dist/human-pretraining-VERSION-macos-ARCH.zip.
# Run it on a Mac (PyInstaller builds for the machine it runs on: an arm64 Mac makes
# an arm64 app). The app is not signed or notarised: on first start, right-click it
# and choose Open (or sign it with your own Developer ID: codesign --deep -s ...).
# Settings as in build-linux.sh: BUNDLE_PYTHON, DIST_DIR, WORK_DIR.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dist=${DIST_DIR:-$root/dist}
work=${WORK_DIR:-$root/build}

if [ -n "${BUNDLE_PYTHON:-}" ]; then
  python=$BUNDLE_PYTHON
else
  python3 -m venv "$work/bundle-venv"
  python=$work/bundle-venv/bin/python
  "$python" -m pip install -q --upgrade pip
  # Pillow lets PyInstaller turn the PNG icon into the .icns macOS needs.
  "$python" -m pip install -q ".[bundle]"
fi

"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --workpath "$work/pyinstaller" --distpath "$dist" installer/human-pretraining.spec

app="$dist/Human Pretraining.app"
version=$("$app/Contents/MacOS/human-pretraining" --version | cut -d' ' -f2)
archive="$dist/human-pretraining-$version-macos-$(uname -m).zip"
rm -f "$archive"
# ditto keeps the bundle's symlinks and extended attributes, which zip would break.
ditto -c -k --keepParent "$app" "$archive"
echo "Built $app and $archive"
