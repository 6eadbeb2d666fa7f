#!/usr/bin/env bash
# Run a command inside a private D-Bus session with an unlocked gnome-keyring (the Secret Service
# that the OS-keychain code and its tests talk to), so tests never touch a desktop's real keyring.
#
#   scripts/with-keyring.sh npm test
#
# Needs (Debian/Ubuntu): apt-get install dbus dbus-x11 gnome-keyring libsecret-1-0
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 COMMAND [ARGS...]   (e.g. $0 npm test)" >&2
  exit 2
fi

# Nested call (e.g. a test script that calls us again): the session we made is already there.
if [[ "${PRIVICORE_KEYRING_SESSION:-}" == "1" ]]; then
  echo "with-keyring: already inside a private D-Bus session with an unlocked keyring; running '$*' directly." >&2
  exec "$@"
fi

for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "with-keyring: '$tool' not found, so the keyring tests cannot get a Secret Service." >&2
    echo "with-keyring: install it with: apt-get install dbus dbus-x11 gnome-keyring libsecret-1-0" >&2
    exit 127
  fi
done

if [[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]]; then
  echo "with-keyring: note: ignoring the current D-Bus session; starting a private one so your own keyring is not touched." >&2
fi

# The keyring files live in a throw-away XDG_DATA_HOME, removed afterwards.
data_home="$(mktemp -d "${TMPDIR:-/tmp}/privicore-keyring.XXXXXX")"
trap 'rm -rf "$data_home"' EXIT

status=0
XDG_DATA_HOME="$data_home" PRIVICORE_KEYRING_SESSION=1 \
  dbus-run-session -- bash -c '
    set -euo pipefail
    echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    "$@"
  ' with-keyring "$@" || status=$?
exit "$status"
