#!/usr/bin/env bash
# Build the Linux app: a one-folder PyInstaller bundle and a tarball to hand out.
#
#   installer/build-linux.sh
#
# makes dist/human-pretraining/ (the app: run dist/human-pretraining/human-pretraining)
# and dist/human-pretraining-VERSION-linux-ARCH.tar.gz (the app, install.sh and the
# menu entry). By default it builds in its own virtual environment with a regular
# (non-editable) install of the project plus the "bundle" extra. Settings:
#   BUNDLE_PYTHON=/path/python  use this interpreter as it is (it must already have
#                               the project and PyInstaller: pip install -e ".[bundle]")
#   DIST_DIR=dir  WORK_DIR=dir  where the results and the scratch files go
#                               (default: dist/ and build/ in the repository)
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
  "$python" -m pip install -q ".[bundle]"
fi

"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --workpath "$work/pyinstaller" --distpath "$dist" installer/human-pretraining.spec

version=$("$dist/human-pretraining/human-pretraining" --version | cut -d' ' -f2)
release=human-pretraining-$version-linux-$(uname -m)
rm -rf "${dist:?}/$release"
mkdir "$dist/$release"
cp -R "$dist/human-pretraining" "$dist/$release/"
cp installer/linux/install.sh installer/linux/human-pretraining.desktop "$dist/$release/"
tar -C "$dist" -czf "$dist/$release.tar.gz" "$release"
rm -rf "${dist:?}/$release"
echo "Built $dist/human-pretraining/ and $dist/$release.tar.gz"
