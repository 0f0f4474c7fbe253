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

sh "$(dirname "$0")/apt-install.sh" ensure-chromium chromium fonts-dejavu-core

if ! chromium=$(find_chromium); then
	echo "ensure-chromium: apt-get installed chromium but it is still not on PATH" >&2
	exit 1
fi
echo "ensure-chromium: installed $chromium" >&2
