#!/bin/sh
# Makes sure PostgreSQL's server programs (initdb, pg_ctl, postgres) are installed, installing the
# distribution's package when they are not. Quiet when they are. Looks where package localpg looks:
# the newest /usr/lib/postgresql/<version>/bin, `pg_config --bindir`, then initdb on PATH.
set -eu

find_initdb() {
	for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5n -r); do
		if [ -x "$dir/initdb" ]; then
			echo "$dir/initdb"
			return 0
		fi
	done
	if command -v pg_config >/dev/null 2>&1; then
		dir=$(pg_config --bindir 2>/dev/null || true)
		if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
			echo "$dir/initdb"
			return 0
		fi
	fi
	command -v initdb 2>/dev/null
}

if find_initdb >/dev/null; then
	exit 0
fi

sh "$(dirname "$0")/apt-install.sh" ensure-postgres postgresql

if ! initdb=$(find_initdb); then
	echo "ensure-postgres: apt-get installed postgresql but initdb is still missing" >&2
	exit 1
fi
echo "ensure-postgres: installed $(dirname "$initdb")" >&2
