#!/bin/sh
# Makes sure npm is installed for the check that the committed contract artifacts match their
# sources, installing Debian's nodejs and npm when it is not, then installs the contracts' pinned
# npm packages (npm ci). Without npm the check skips, unless GUILDHALL_REQUIRE_NODE is set (CI):
# then a failed install fails here.
set -eu

if ! command -v npm >/dev/null 2>&1; then
	# Debian's npm is a package of its own; NodeSource's nodejs carries npm and conflicts with it.
	install() { sh "$(dirname "$0")/apt-install.sh" ensure-node "$@"; }
	if ! { install nodejs && { command -v npm >/dev/null 2>&1 || install npm; }; } || ! command -v npm >/dev/null 2>&1; then
		if [ -n "${GUILDHALL_REQUIRE_NODE:-}" ]; then
			echo "ensure-node: npm is missing and GUILDHALL_REQUIRE_NODE is set" >&2
			exit 1
		fi
		echo "ensure-node: npm not found: the check that contract artifacts match their sources will be skipped" >&2
		exit 0
	fi
	echo "ensure-node: installed $(command -v npm)" >&2
fi
cd "$(dirname "$0")/../contracts"
npm ci --no-audit --no-fund --loglevel=error
