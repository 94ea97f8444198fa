#!/bin/sh
# Vendor Console: installs the app for the current user (no root), or removes it again.
#
#   ./install.sh              copy the app to ~/.local/opt/vendor-console, add a menu entry and
#                             a `vendor-console` command in ~/.local/bin
#   ./install.sh --uninstall  remove exactly those three things (your accounts, settings and the
#                             keys in your keychain stay; delete ~/.config/vendor-console to forget them)
#
# Run it from the unpacked archive: it expects the `vendor-console` folder next to it.
set -eu

APP_ID="vendor-console"
APP_NAME="Vendor Console"
OPT_DIR="$HOME/.local/opt/$APP_ID"
BIN_DIR="$HOME/.local/bin"
LAUNCHER="$BIN_DIR/$APP_ID"
APPS_DIR="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
DESKTOP_FILE="$APPS_DIR/$APP_ID.desktop"
MARKER="# installed by Vendor Console's install.sh"

say() { printf '%s\n' "$*"; }
fail() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

uninstall() {
    removed=0
    if [ -d "$OPT_DIR" ]; then rm -rf "$OPT_DIR"; removed=1; fi
    if [ -f "$DESKTOP_FILE" ] && grep -q "^$MARKER" "$DESKTOP_FILE"; then rm -f "$DESKTOP_FILE"; removed=1; fi
    if [ -f "$LAUNCHER" ] && grep -q "^$MARKER" "$LAUNCHER"; then rm -f "$LAUNCHER"; removed=1; fi
    rmdir "$HOME/.local/opt" 2>/dev/null || true   # only when it is empty
    if [ "$removed" = 1 ]; then say "$APP_NAME removed."; else say "$APP_NAME was not installed for $USER."; fi
}

# Quotes a path for a desktop entry's Exec key (spec: double quotes, with \ " ` $ escaped).
desktop_quote() {
    printf '"%s"' "$(printf '%s' "$1" | sed 's/[\\"`$]/\\\\&/g')"
}

install_app() {
    here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
    bundle="$here/$APP_ID"
    [ -x "$bundle/$APP_ID" ] || fail "no '$APP_ID' folder next to install.sh: run it from the unpacked archive."
    [ "$(id -u)" != 0 ] || say "Note: installing for root; every other user needs to run install.sh themselves."

    mkdir -p "$HOME/.local/opt" "$BIN_DIR" "$APPS_DIR"
    # Copy next to the target first, then swap, so a failed copy never leaves half an app.
    staging="$OPT_DIR.new.$$"
    rm -rf "$staging"
    cp -R "$bundle" "$staging" || { rm -rf "$staging"; fail "could not copy the app to $HOME/.local/opt"; }
    rm -rf "$OPT_DIR"
    mv "$staging" "$OPT_DIR"

    exe="$OPT_DIR/$APP_ID"
    icon="$OPT_DIR/_internal/resources/$APP_ID.png"
    {
        printf '#!/bin/sh\n%s\nexec %s "$@"\n' "$MARKER" "$(printf "'%s'" "$(printf '%s' "$exe" | sed "s/'/'\\\\''/g")")"
    } > "$LAUNCHER"
    chmod 755 "$LAUNCHER"

    cat > "$DESKTOP_FILE" <<DESKTOP
$MARKER
[Desktop Entry]
Type=Application
Name=$APP_NAME
GenericName=SaaS admin console
Comment=Browse, search and edit your SaaS vendors' data
Exec=$(desktop_quote "$exe")
Icon=$icon
Terminal=false
Categories=Office;
Keywords=vendors;support;contacts;bookings;API;
StartupNotify=true
StartupWMClass=$APP_ID
DESKTOP
    chmod 644 "$DESKTOP_FILE"

    say "$APP_NAME installed in $OPT_DIR."
    say "Start it from your applications menu, or run: $APP_ID"
    case ":$PATH:" in
        *":$BIN_DIR:"*) ;;
        *) say "($BIN_DIR is not on your PATH: log out and in again, or use the menu entry.)" ;;
    esac
}

case "${1:-}" in
    --uninstall) uninstall ;;
    "") install_app ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) fail "unknown option '$1' (use --uninstall, or nothing to install)" ;;
esac
