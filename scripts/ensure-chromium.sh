#!/bin/sh
# Makes sure a headless-capable Chromium is installed for the dashboard's browser tests, installing
# Debian's `chromium` package when it is not. Quiet when it is. Looks where the browser tests look:
# $CHROMIUM, then chromium, chromium-browser, google-chrome on PATH.
set -eu

find_chromium() {
	if [ -n "${CHROMIUM:-}" ] && [ -x "$CHROMIUM" ]; then
		echo "$CHROMIUM"
		return 0
	fi
	for name in chromium chromium-browser google-chrome google-chrome-stable; do
		if command -v "$name" >/dev/null 2>&1; then
			command -v "$name"
			return 0
		fi
	done
	return 1
}

if find_chromium >/dev/null; then
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "ensure-chromium: Chromium is not installed and this system has no apt-get: install chromium with your package manager (or set CHROMIUM to its path)" >&2
	exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
	as_root=""
elif command -v sudo >/dev/null 2>&1; then
	as_root="sudo"
else
	echo "ensure-chromium: Chromium is not installed and installing it needs root: run \`apt-get install -y chromium\` as root" >&2
	exit 1
fi

echo "ensure-chromium: installing Chromium (apt-get install -y chromium)..." >&2
$as_root apt-get update -qq
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null

if ! chromium=$(find_chromium); then
	echo "ensure-chromium: apt-get installed chromium but it is still not on PATH" >&2
	exit 1
fi
echo "ensure-chromium: installed $chromium" >&2
