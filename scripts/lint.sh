#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scripts/lint.sh — `make lint`: format, static analysis, shell scripts, and
# berth's own rules:
#   - each folder includes only the folders below it (the layering in
#     README's Layout table): core/ nothing but itself, spec/ core/, ...
#   - functions of at most 60 lines and a complexity (pmccabe's modified
#     McCabe) of at most 25; files of at most 800 lines (STYLE.md)
#   - raw syscall() only in core/syscalls.h
#   - every fd berth opens is close-on-exec (O_CLOEXEC, SOCK_CLOEXEC, ...),
#     so nothing of the runtime leaks into a container; a deliberate
#     exception carries the comment "lint: inherit" on the same statement
# Exits non-zero if any check fails; prints each finding.
set -u
cd "$(dirname "$0")/.." || exit 1

status=0
fail() {
	echo "lint: $*"
	status=1
}

SRC_DIRS="core spec runtime rootfs namespaces cgroups netns image cmd"
c_files=$(git ls-files '*.c' '*.h' | grep -v '^tests/data/')
src_files=$(for d in $SRC_DIRS; do git ls-files "$d/*.c" "$d/*.h"; done)

echo "== clang-format"
# shellcheck disable=SC2086 # file lists are meant to split
clang-format --dry-run --Werror $c_files || fail "clang-format: run clang-format -i on the files above"

echo "== cppcheck"
# shellcheck disable=SC2086 # the list is meant to split
cppcheck -q --error-exitcode=1 --std=c11 --inline-suppr -I. \
	--enable=warning,portability,performance \
	--suppress=missingIncludeSystem --suppress=unusedStructMember \
	-D__linux__ -D_GNU_SOURCE $SRC_DIRS || fail "cppcheck found problems"

echo "== shellcheck"
sh_files=$(git ls-files 'scripts/*.sh' 'tests/lib/*.sh' 'tests/run.sh' '.ci/run' \
	'tests/vm/vm-run' 'tests/vm/prepare' 'tests/vm/guest-init' 'tests/vm/initramfs-init' \
	'tests/vm/*.sh' 'tests/clients/*.sh' 'tests/clients/lib/*' 'bench/*.sh' \
	'tests/bats/*.bash' 'tests/bats/lib/*.bash' 'fuzz/*.sh' 'tests/data/*.sh')
# shellcheck disable=SC2086
shellcheck -x -e SC1091 $sh_files || fail "shellcheck found problems"

echo "== folders include only the folders below them"
allowed() { # folder -> the folders it may include
	case $1 in
	core) echo "core" ;;
	spec | netns) echo "core spec" ;;
	namespaces | rootfs | cgroups | image) echo "core spec" ;;
	runtime) echo "core spec namespaces rootfs cgroups netns image runtime" ;;
	cmd) echo "core spec image runtime cmd" ;;
	esac
}
for d in $SRC_DIRS; do
	ok=$(allowed "$d")
	# shellcheck disable=SC2086 # the list is meant to split
	for f in $(git ls-files "$d/*.c" "$d/*.h"); do
		grep -o '^#include "[a-z]*/' "$f" | sed 's/#include "//; s|/$||' | sort -u |
			while read -r inc; do
				case " $ok $d " in
				*" $inc "*) ;;
				*) echo "lint: $f includes $inc/, which $d/ must not use" ;;
				esac
			done
	done
done | grep . && fail "an include crosses the layering (see README, Layout)"

echo "== function size and complexity (pmccabe)"
# shellcheck disable=SC2086
big=$(pmccabe $src_files 2>/dev/null | awk '$5 > 60 || $1 > 25 {
	printf "%s: %d lines, complexity %d\n", $6 " " $7, $5, $1 }')
[ -z "$big" ] || fail "functions over 60 lines or complexity 25 (split them):
$big"
# shellcheck disable=SC2086
long=$(wc -l $src_files | awk '$2 != "total" && $1 > 800 { print $2 ": " $1 " lines" }')
[ -z "$long" ] || fail "files over 800 lines (split them):
$long"

echo "== every source file carries its licence (SPDX)"
# third_party/ keeps its own licence lines (README there)
nolic=$(git ls-files '*.c' '*.h' '*.sh' '*.bats' '*.bash' '*.mk' '*.js' '*.proto' Makefile \
	.ci/run 'tests/vm/*' | grep -v -e '^tests/data/[^/]*/' -e '^third_party/' |
	xargs grep -L 'SPDX-License-Identifier: Apache-2.0' 2>/dev/null)
[ -z "$nolic" ] || fail "no SPDX-License-Identifier line:
$nolic"

echo "== raw syscalls only in core/syscalls.h"
# shellcheck disable=SC2086
hits=$(grep -n 'syscall(' $src_files | grep -v '^core/syscalls.h:')
[ -z "$hits" ] || fail "syscall() outside core/syscalls.h:
$hits"

echo "== every fd close-on-exec"
# shellcheck disable=SC2046
perl -0777 -ne '
	# comments out (keeping line numbers), then one statement at a time
	s{/\*.*?\*/}{ my $c = $&; $c =~ tr/\n//cd; $c }gse;
	s{//[^\n]*}{}g;
	while (/\b(open|openat|sys_openat2|socket|socketpair|pipe|pipe2|accept|accept4|dup|fcntl|fopen|fdopen|inotify_init1?|signalfd|timerfd_create|eventfd|memfd_create|epoll_create1?|fsopen|fsmount|sys_open_tree|sys_pidfd_open)\s*\(([^;]*);/g) {
		my ($call, $args) = ($1, $2);
		my $line = 1 + (substr($_, 0, $-[0]) =~ tr/\n//);
		next if $args =~ /lint: inherit/;
		next if $call eq "fcntl" && $args !~ /F_DUPFD\b/;
		next if $call eq "fdopen";              # wraps an fd already checked
		next if $call eq "sys_pidfd_open";      # pidfds are always close-on-exec
		next if $call eq "sys_openat2";         # flags come from open_how below
		next if $args =~ /CLOEXEC|"[rwa]\+?e"|O_PATH.*O_CLOEXEC/;
		print "$ARGV:$line: $call() without close-on-exec\n";
		$bad = 1;
	}
	END { exit($bad ? 1 : 0) }
' $(echo "$src_files" | grep -v '^core/syscalls.h$') || fail "fds opened without close-on-exec (add it, or mark \"lint: inherit\")"

[ "$status" -eq 0 ] && echo "lint: clean"
exit "$status"
