#!/bin/sh
# Installs Debian packages for a script of make test: apt-install.sh NAME PACKAGE... installs the
# packages with apt-get (as root, or through sudo), or explains what to do where it cannot. NAME
# prefixes every message ("ensure-postgres: ...").
set -eu
name=$1
shift

if ! command -v apt-get >/dev/null 2>&1; then
	echo "$name: $* is not installed and this system has no apt-get: install it with your package manager" >&2
	exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
	as_root=""
elif command -v sudo >/dev/null 2>&1; then
	as_root="sudo"
else
	echo "$name: $* is not installed and installing it needs root: run \`apt-get install -y $*\` as root" >&2
	exit 1
fi

echo "$name: installing $* (apt-get install -y $*)..." >&2
$as_root apt-get update -qq
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
