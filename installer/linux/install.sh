#!/bin/sh
# Install (or with --uninstall, remove) the Human Pretraining bundle for the
# current user only: no root, nothing outside the user's home.
#
#   ./install.sh                 copy the app, add it to the menu and to PATH
#   ./install.sh --uninstall     remove the app, its menu entry and its autostart entry
#
# Where things go (override the first with PREFIX=..., the rest follow XDG):
#   $PREFIX/lib/human-pretraining/          the app (PREFIX defaults to ~/.local)
#   $PREFIX/bin/human-pretraining           a link to it, for the command line
#   $XDG_DATA_HOME/applications/human-pretraining.desktop        the menu entry
#   $XDG_DATA_HOME/icons/hicolor/{scalable,256x256}/apps/human-pretraining.*
# Your configuration and history are never touched: they stay in
# ~/.config/human-pretraining and ~/.local/share/human-pretraining.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local}
data=${XDG_DATA_HOME:-$HOME/.local/share}
app=$prefix/lib/human-pretraining
link=$prefix/bin/human-pretraining
entry=$data/applications/human-pretraining.desktop
svg=$data/icons/hicolor/scalable/apps/human-pretraining.svg
png=$data/icons/hicolor/256x256/apps/human-pretraining.png

refresh_menus() {
  command -v update-desktop-database >/dev/null 2>&1 &&
    update-desktop-database -q "$data/applications" 2>/dev/null || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 &&
    gtk-update-icon-cache -q -t "$data/icons/hicolor" 2>/dev/null || true
}

if [ "${1:-}" = "--uninstall" ]; then
  if [ -x "$app/human-pretraining" ]; then
    "$app/human-pretraining" autostart off >/dev/null || true
  fi
  rm -rf "$app"
  rm -f "$link" "$entry" "$svg" "$png"
  refresh_menus
  echo "Human Pretraining is removed. Your data stays in ~/.config/human-pretraining and ~/.local/share/human-pretraining (delete those folders to remove it too)."
  exit 0
fi

case $app in
  *[\"\\\`\$%]*) echo "install.sh: PREFIX must not contain \" \\ \` \$ or %: $prefix" >&2; exit 2 ;;
esac
[ -x "$here/human-pretraining/human-pretraining" ] || {
  echo "install.sh: no app next to me (expected $here/human-pretraining/human-pretraining)" >&2
  exit 2
}

# Copy to a new folder first, then swap it in: an update never leaves half an app.
mkdir -p "$prefix/lib" "$prefix/bin" "$data/applications" "$(dirname "$svg")" "$(dirname "$png")"
rm -rf "$app.new"
cp -R "$here/human-pretraining" "$app.new"
rm -rf "$app"
mv "$app.new" "$app"
ln -sfn "$app/human-pretraining" "$link"

resources=$app/_internal/human_pretraining/resources
cp "$resources/icon.svg" "$svg"
cp "$resources/icon-256.png" "$png"
# The menu entry names the app by its full path (quoted: the path may hold spaces),
# so it works whether or not $PREFIX/bin is on the desktop session's PATH.
sed -e "s|^Exec=human-pretraining\$|Exec=\"$app/human-pretraining\"|" \
    -e "/^Exec=/a TryExec=$app/human-pretraining" \
    "$here/human-pretraining.desktop" > "$entry.new"
mv "$entry.new" "$entry"
refresh_menus

echo "Human Pretraining $("$app/human-pretraining" --version | cut -d' ' -f2) is installed in $app"
echo "Start it from the menu, or run: $link"
echo "Start it at login: $link autostart on"
