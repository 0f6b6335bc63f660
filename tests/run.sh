#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tests/run.sh — run test suites and add up their results.
#
#   tests/run.sh [unit] [host] [vm] [vm-hybrid] [vm-systemd] [clients] [asan]
#
#   unit        the C unit tests (build/tests/test-*)
#   host        the bats suites in tests/bats, on this host
#   vm          the cgroup v2 suites in tests/vm, inside a pure cgroup v2 VM
#   vm-hybrid   tests/vm-hybrid and tests/vm/checkpoint.bats in a VM with this
#               dev host's hybrid cgroups (v1 controllers, cgroup2 at unified)
#   vm-systemd  tests/vm-systemd in a VM whose PID 1 is systemd: the
#               systemd cgroup driver, sd_notify, and podman, docker and
#               containerd's CRI at their systemd defaults
#   clients     containerd, CRI, podman and docker driving berth
#   asan     unit + host again, against an ASan+UBSan build
#
# Every host suite's own output is shown as it runs; with host suites to
# run too, the VM suites run in the background, one VM at a time, and
# their output is shown after the host suites'.  The last line is the
# sum, "N passed, N failed".  A suite that cannot run at all (the VM does not
# boot, a daemon does not start) counts as a failure, never as a skip.
set -u
cd "$(dirname "$0")/.." || exit 1

passed=0
failed=0
declare -a summary=() failures=()

# each suite's line carries its wall time: CI has a budget to keep
add() { # suite passed failed
	passed=$((passed + $2))
	failed=$((failed + $3))
	summary+=("$(printf '%-10s %4d passed, %d failed  (%d s)' "$1" "$2" "$3" $(($(date +%s) - suite_started)))")
}

# each "not ok" line and the first lines of its diagnostics
failed_lines() { # log
	awk '/^not ok /{n=8; print; next} n>0 && /^#/{n--; print; next} {n=0}' "$1"
}

# a suite that ended badly: the runner's messages (vm-run: the VM timed
# out, with what the guest's processes were doing, or did not boot; bats:
# a file that does not parse; prove: a unit binary that died, whose
# buffered "ok" lines died with it), then the last lines of the VM's console
why_lines() { # log
	grep -E '^(vm-run|bats|vm-systemd): |\(Wstat: [1-9]|Parse errors: ' "$1" | tail -n 48
	grep -E '^  \| ' "$1" | tail -n 8
}

# count TAP results in a log; a run that produced no plan is one failure
tap_counts() { # suite log status
	local ok notok
	ok=$(grep -c '^ok ' "$2" || true)
	notok=$(grep -c '^not ok ' "$2" || true)
	# named again at the end: CI's log may keep only its tail
	while IFS= read -r l; do failures+=("$1: $l"); done < <(failed_lines "$2")
	if [ "$3" -ne 0 ] && [ "$notok" -eq 0 ]; then
		notok=1
		echo "$1: the suite failed to run (status $3)" >&2
		# why, for the tail too: vm-run's and bats' own last words
		failures+=("$1: the suite failed to run (status $3) after $ok passed")
	fi
	if [ "$3" -ne 0 ]; then
		while IFS= read -r l; do failures+=("$1: $l"); done < <(why_lines "$2")
	fi
	add "$1" "$ok" "$notok"
}

# the C unit tests speak TAP: prove(1) runs them (a binary that dies
# before its plan, or prints nothing, fails); each check counts
run_unit() { # suite build-dir
	local log st
	log=$(mktemp)
	# shellcheck disable=SC2046 # the list is meant to split
	prove -v --exec '' $(find "$2/tests" -maxdepth 1 -name 'test-*' -type f -perm -u+x | sort) 2>&1 |
		tee "$log"
	st=${PIPESTATUS[0]}
	tap_counts "$1" "$log" "$st"
	rm -f "$log"
}

run_bats() { # suite berth-binary dirs...
	local suite=$1 bin=$2 log st
	shift 2
	log=$(mktemp)
	BERTH=$bin bats --tap "$@" 2>&1 | tee "$log"
	st=${PIPESTATUS[0]}
	tap_counts "$suite" "$log" "$st"
	rm -f "$log"
}

run_vm_cmd() { # [vm-run flags...] -- bats-paths...
	local share=() flags=()
	while [ "$1" != -- ]; do flags+=("$1"); shift; done
	shift
	# the guest's /tmp and /run are its own: a checkout there is shared
	case $PWD/ in /tmp/* | /run/*) share=(--out "$PWD") ;; esac
	VM_PASS_ENV="BERTH TEST_ROOTFS" BERTH="$PWD/berth" TEST_ROOTFS="$PWD/tests/.cache/rootfs" \
		tests/vm/vm-run "${flags[@]}" --mem 2048 --timeout 1500 "${share[@]}" -- bats --tap "$@"
}

run_vm() { # suite
	local log st
	log=$(mktemp)
	vm_cmd "$1" 2>&1 | tee "$log"
	st=${PIPESTATUS[0]}
	tap_counts "$1" "$log" "$st"
	rm -f "$log"
}

# The client suites in the systemd VM use the host's images and the CRI
# client's node modules (the guest has no network): made here first.
vm_systemd_prepare() {
	bash -c 'T=$(mktemp -d) && . tests/clients/lib/common.bash && . tests/clients/lib/cri.bash &&
		ensure_images && cri_install; rc=$?; rm -rf "$T"; exit $rc'
}

vm_systemd_cmd() {
	local share=()
	case $PWD/ in /tmp/* | /run/*) share=(--out "$PWD") ;; esac
	VM_PASS_ENV="BERTH RUNTIME TEST_ROOTFS" BERTH="$PWD/berth" RUNTIME="$PWD/berth" \
		TEST_ROOTFS="$PWD/tests/.cache/rootfs" \
		tests/vm/vm-run --systemd --mem 3072 --timeout 1800 "${share[@]}" -- bats --tap tests/vm-systemd
}

# With other suites to run, the VM suites run beside them, one VM after
# the other: a guest is a CPU or two of its own (QEMU), the host suites
# mostly wait on processes, and the two share nothing (the guest has its
# own kernel, cgroups and state).  Each VM suite's output and status go to
# files; they are shown, and counted, when the host suites are done.
vm_dir=''
vm_background() { # suites...
	local s
	vm_dir=$(mktemp -d)
	(
		for s; do
			suite_started=$(date +%s)
			vm_cmd "$s" >"$vm_dir/$s.log" 2>&1
			echo "$? $(($(date +%s) - suite_started))" >"$vm_dir/$s.rc.tmp"
			mv "$vm_dir/$s.rc.tmp" "$vm_dir/$s.rc"
		done
	) &
}

# a VM suite that ran in the background: wait for it, show, count
vm_collect() { # suite
	local rc secs
	while [ ! -e "$vm_dir/$1.rc" ]; do sleep 2; done
	read -r rc secs <"$vm_dir/$1.rc"
	cat "$vm_dir/$1.log"
	suite_started=$(($(date +%s) - secs))
	tap_counts "$1" "$vm_dir/$1.log" "$rc"
}

# the command of each VM suite
vm_cmd() { # suite
	case $1 in
	vm) run_vm_cmd -- tests/vm ;;
	# the dev host's layout (v1 controllers, cgroup2 at unified): its own
	# suite, and every checkpoint test of the cgroup v2 VM again
	vm-hybrid) run_vm_cmd --hybrid -- tests/vm-hybrid tests/vm/checkpoint.bats ;;
	vm-systemd)
		if ! vm_systemd_prepare; then
			echo "vm-systemd: the client images or the CRI client could not be prepared" >&2
			return 1
		fi
		vm_systemd_cmd
		;;
	esac
}

run_clients() {
	local log st line
	log=$(mktemp)
	RUNTIME="$PWD/berth" tests/clients/run.sh tests/clients/*.bats 2>&1 | tee "$log"
	st=${PIPESTATUS[0]}
	line=$(grep -E '^clients: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
	while IFS= read -r l; do failures+=("clients: $l"); done < <(failed_lines "$log")
	if [ -z "$line" ]; then
		add clients 0 1
	else
		add clients "$(sed -E 's/clients: ([0-9]+) passed.*/\1/' <<<"$line")" \
			"$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")"
		[ "$st" -ne 0 ] && [ "$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")" = 0 ] && add clients 0 1
	fi
	rm -f "$log"
}

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(unit host vm vm-hybrid clients vm-systemd asan)
# with other suites to run, the VM suites go to the background (the
# systemd one first: it is the longest) and are counted last
declare -a fg=() bg=()
for s in "${suites[@]}"; do
	case $s in vm-systemd) bg=("$s" "${bg[@]}") ;; vm | vm-hybrid) bg+=("$s") ;; *) fg+=("$s") ;; esac
done
if [ ${#fg[@]} -eq 0 ] || [ ${#bg[@]} -eq 0 ]; then
	fg=("${suites[@]}") bg=()
else
	echo "=== suites in the background, one VM after another: ${bg[*]}"
	vm_background "${bg[@]}"
fi
for s in "${fg[@]}"; do
	echo "=== suite: $s"
	suite_started=$(date +%s)
	case $s in
	unit) run_unit unit build ;;
	host) run_bats host "$PWD/berth" tests/bats ;;
	vm | vm-hybrid | vm-systemd) run_vm "$s" ;;
	clients) run_clients ;;
	asan)
		export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86
		export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=87
		run_unit asan-unit build-asan
		suite_started=$(date +%s)
		run_bats asan-host "$PWD/build-asan/berth" tests/bats
		unset ASAN_OPTIONS UBSAN_OPTIONS
		;;
	*) echo "unknown suite '$s'" >&2; add "$s" 0 1 ;;
	esac
done
for s in "${bg[@]}"; do
	echo "=== suite: $s (ran in the background)"
	vm_collect "$s"
done
[ -z "$vm_dir" ] || rm -rf "$vm_dir"

echo
for line in "${summary[@]}"; do echo "$line"; done
for line in "${failures[@]}"; do echo "failed: $line"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
