#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tests/vm/selftest.sh — proves the test VM (tests/vm/vm-run) does its job.
#
# Run by `make vm-selftest` on the host.  Checks, each against a real
# effect, and prints the measurements the project quotes:
#   - boot time of `vm-run -- true` (warm; cold too with VM_SELFTEST_COLD=1,
#     which prepares a fresh kernel cache: needs the Debian archive)
#   - exit statuses 0/1/42/137 come back; stdout and stderr stay apart
#   - 50 MB through stdout arrive intact; a reader closing early hangs nothing
#   - the guest's set-up: cgroup2 with every controller delegated, writable
#     overlay whose writes vanish, --out shares, VM_PASS_ENV, cwd, module
#     autoload (loop, veth, bridge), bats
#   - with runc and a busybox bundle inside the VM: memory.max OOM-kills a
#     hog, pids.max stops a fork loop, cpu.max throttles; 20 sequential
#     `runc run` timed
#   - a VM that cannot boot, and one that times out, are reported as such
#   - two vm-runs at once; killing vm-run (SIGKILL, SIGINT) leaves no QEMU
#
# `selftest.sh --guest DIR` is the part that runs inside the VM.
# Guest-side scripts are single-quoted on purpose: they expand in the VM.
# shellcheck disable=SC2016
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
vmrun=$here/vm-run

failures=0
ok() { echo "ok   $*"; }
not_ok() {
	echo "FAIL $*"
	failures=$((failures + 1))
}
# check NAME CMD...: ok if CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
# verdict NAME STATUS: for compound conditions, `cond && cond; verdict ... $?`.
verdict() {
	if [ "$2" = 0 ]; then ok "$1"; else not_ok "$1"; fi
}
metric() { printf 'metric %-34s %s\n' "$1" "$2"; }
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# ---- inside the VM ------------------------------------------------------

# bundle NAME FILTER [JQ-ARG...]: a bundle directory whose config.json is
# the base spec edited by a jq filter; all share one read-only rootfs.
bundle() {
	local dir=$work/bundle-$1 filter=$2
	shift 2
	mkdir -p "$dir"
	jq "$@" "$filter" "$work/config.json" >"$dir/config.json"
	echo "$dir"
}

# runc run of a bundle, its status on stdout, its output in $work/out-NAME.
runc_status() {
	local rc=0
	runc run --bundle "$2" "st-$1" >"$work/out-$1" 2>&1 </dev/null || rc=$?
	echo "$rc"
}

guest_memory() {
	local b rc before after
	b=$(bundle mem '.linux.cgroupsPath = "/selftest/mem"
		| .linux.resources.memory = {limit: 33554432}
		| .process.args = ["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]')
	# memory.events is hierarchical: the parent keeps the count after runc
	# removes the container's cgroup.
	mkdir -p /sys/fs/cgroup/selftest
	before=$(awk '$1 == "oom_kill" { print $2 }' /sys/fs/cgroup/selftest/memory.events)
	rc=$(runc_status mem "$b")
	after=$(awk '$1 == "oom_kill" { print $2 }' /sys/fs/cgroup/selftest/memory.events)
	metric "memory: hog exit status" "$rc"
	metric "memory: oom_kill before/after" "$before/$after"
	check "memory.max 32 MiB OOM-kills a 64 MiB hog (exit 137)" [ "$rc" = 137 ]
	check "memory.events oom_kill incremented" [ "$after" -gt "$before" ]
	# The same hog with room to spare: the limit, not the hog, killed it.
	b=$(bundle mem-ok '.linux.cgroupsPath = "/selftest/memok"
		| .linux.resources.memory = {limit: 134217728}
		| .process.args = ["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]')
	rc=$(runc_status memok "$b")
	check "the same hog under a 128 MiB limit exits 0" [ "$rc" = 0 ]
}

guest_pids() {
	local b rc started script
	# An inner shell starts up to 20 sleepers under pids.max=10, noting
	# each in /dev/shm (a fork failure ends it); the outer one reports with
	# builtins only, as no process is left to fork.
	script='sh -c '\''n=0; while [ $n -lt 20 ]; do sleep 30 & n=$((n+1)); echo $n >/dev/shm/n; done'\'' 2>/dev/null
		read -r n </dev/shm/n; echo "started=$n"
		read -r m </sys/fs/cgroup/pids.max; echo "pids.max=$m"
		while read -r l; do echo "$l"; done </sys/fs/cgroup/pids.events'
	b=$(bundle pids '.linux.cgroupsPath = "/selftest/pids"
		| .linux.namespaces += [{type: "cgroup"}]
		| .linux.resources.pids = {limit: 10}
		| .process.args = ["sh", "-c", $script]' --arg script "$script")
	rc=$(runc_status pids "$b")
	started=$(sed -n 's/^started=//p' "$work/out-pids")
	metric "pids: sleepers started (of 20)" "${started:-?}"
	sed 's/^/    | /' "$work/out-pids"
	[ -n "$started" ] && [ "$started" -lt 10 ] && grep -qx 'pids.max=10' "$work/out-pids"
	verdict "pids.max=10 stops a fork loop" $?
	check "pids.events counts the refusals" grep -Eq '^max [1-9]' "$work/out-pids"
	check "the pids container exits 0" [ "$rc" = 0 ]
}

guest_cpu() {
	local script b rc throttled free limited
	# Count loop turns for 3 s of wall time, then report cpu.stat.  Work
	# done, not usage_usec, is compared: under TCG on a busy host the
	# guest charges a vCPU's stolen time to the task that ran.
	script='sh -c '\''n=0; trap "echo turns=\$n; exit 0" TERM; while :; do n=$((n+1)); done'\'' &
		sleep 3; kill -TERM $!; wait
		cat /sys/fs/cgroup/cpu.max /sys/fs/cgroup/cpu.stat'
	b=$(bundle cpu-free '.linux.cgroupsPath = "/selftest/cpufree"
		| .linux.namespaces += [{type: "cgroup"}]
		| .process.args = ["sh", "-c", $script]' --arg script "$script")
	runc_status cpufree "$b" >/dev/null
	b=$(bundle cpu '.linux.cgroupsPath = "/selftest/cpu"
		| .linux.namespaces += [{type: "cgroup"}]
		| .linux.resources.cpu = {quota: 20000, period: 100000}
		| .process.args = ["sh", "-c", $script]' --arg script "$script")
	rc=$(runc_status cpu "$b")
	sed 's/^/    | /' "$work/out-cpu"
	throttled=$(awk '$1 == "nr_throttled" { print $2 }' "$work/out-cpu")
	free=$(sed -n 's/^turns=//p' "$work/out-cpufree")
	limited=$(sed -n 's/^turns=//p' "$work/out-cpu")
	metric "cpu: nr_throttled" "${throttled:-?}"
	metric "cpu: loop turns in 3 s, free / 20%" "${free:-?} / ${limited:-?}"
	check "cpu.max 20000 100000 throttles (nr_throttled > 0)" [ "${throttled:-0}" -gt 0 ]
	[ -n "$free" ] && [ -n "$limited" ] && [ $((limited * 2)) -lt "$free" ]
	verdict "a 20% quota does less than half the work of no quota" $?
	check "the cpu container exits 0" [ "$rc" = 0 ]
}

guest_runc_loop() {
	local b i t0 rc=0
	b=$(bundle true '.process.args = ["/bin/true"]')
	t0=$(now)
	for i in $(seq 20); do
		runc run --bundle "$b" "loop-$i" </dev/null >/dev/null 2>&1 || rc=1
	done
	metric "20 sequential runc run /bin/true (s)" "$(elapsed "$t0")"
	check "20 sequential runc run /bin/true succeed" [ "$rc" = 0 ]
}

guest() {
	work=$1
	echo "    kernel $(uname -r), controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
	guest_memory
	guest_pids
	guest_cpu
	guest_runc_loop
	[ "$failures" = 0 ]
}

# ---- on the host --------------------------------------------------------

# vm-run with its status in $rc and its stdout in $out (stderr in $err).
vm() {
	rc=0
	"$vmrun" "$@" >"$work/stdout" 2>"$work/stderr" || rc=$?
	out=$(cat "$work/stdout")
	err=$(cat "$work/stderr")
}

host_timing() {
	local t0 i t best=999
	if [ -n "${VM_SELFTEST_COLD:-}" ]; then
		t0=$(now)
		VM_CACHE=$work/cold-cache "$vmrun" -- true
		metric "vm-run -- true, cold (prepare) (s)" "$(elapsed "$t0")"
		rm -rf "$work/cold-cache"
	fi
	"$vmrun" -- true # the cache and the host's page cache, warm
	for i in 1 2 3; do
		t0=$(now)
		"$vmrun" -- true
		t=$(elapsed "$t0")
		metric "vm-run -- true, warm, run $i (s)" "$t"
		best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (b < a) ? b : a }')
	done
	metric "vm-run -- true, warm, best (s)" "$best"
}

host_status() {
	local s
	for s in 0 1 42; do
		vm -- sh -c "exit $s"
		check "exit status $s comes back" [ "$rc" = "$s" ]
	done
	vm -- sh -c 'kill -KILL $$'
	check "a command killed by SIGKILL gives 137" [ "$rc" = 137 ]
	check "... and no shell chatter on its stderr" [ -z "$err" ]
	vm -- sh -c 'echo to-out; echo to-err >&2; exit 3'
	[ "$rc" = 3 ] && [ "$out" = to-out ] && [ "$err" = to-err ]
	verdict "stdout and stderr stay apart" $?
	vm -- /nonexistent/cmd
	check "a missing command gives 127" [ "$rc" = 127 ]
}

host_environment() {
	local d=$work/out-share
	mkdir -p "$d"
	echo keep >"$work/host-file"
	(
		cd "$work" && SELFTEST_A="x y'z" SELFTEST_B=unset-in-guest VM_PASS_ENV="SELFTEST_A" \
			"$vmrun" --out "$d" -- sh -c '
		echo "cwd=$(pwd)"
		echo "a=$SELFTEST_A"
		echo "b=${SELFTEST_B-none}"
		echo "host=$(cat host-file)"
		echo guest >host-file && echo "overwrote=$(cat host-file)"
		echo from-guest >'"$d"'/result
		echo "subtree=$(cat /sys/fs/cgroup/cgroup.subtree_control)"
		echo "controllers=$(cat /sys/fs/cgroup/cgroup.controllers)"
		grep -q "cgroup2 /sys/fs/cgroup cgroup2 .*nsdelegate" /proc/mounts && echo nsdelegate
		for m in /dev/pts /dev/shm /dev/mqueue /sys/fs/bpf /run; do
			mountpoint -q $m && echo "mounted $m"
		done
		ip -o link show lo | grep -q "UP" && echo lo-up
		f=$(mktemp) && echo tmp-writable && rm "$f"
		truncate -s 8M /tmp/loop.img && l=$(losetup -f --show /tmp/loop.img) && echo "loop=$l"
		ip link add vsa type veth peer name vsb && echo veth
		ip link add vbr type bridge && ip link set vsa master vbr && echo bridge
		setpriv --reuid 65534 --regid 65534 --clear-groups unshare -U -r true && echo userns
		mkdir -p /tmp/ov/l /tmp/ov/u /tmp/ov/w /tmp/ov/m && touch /tmp/ov/l/f &&
			mount -t overlay ov -o lowerdir=/tmp/ov/l,upperdir=/tmp/ov/u,workdir=/tmp/ov/w /tmp/ov/m &&
			[ -e /tmp/ov/m/f ] && echo overlay
		echo "tmpfs=$(stat -f -c %T /tmp)"
		'
	) >"$work/env.out" 2>&1
	sed 's/^/    | /' "$work/env.out"
	has() { grep -qxF -- "$1" "$work/env.out"; }
	check "cwd is the caller's" has "cwd=$work"
	check "VM_PASS_ENV passes a variable verbatim" has "a=x y'z"
	check "other variables stay out" has "b=none"
	check "the host's files are visible" has "host=keep"
	check "the guest can write anywhere" has "overwrote=guest"
	check "... and its writes are discarded" [ "$(cat "$work/host-file")" = keep ]
	check "--out DIR is writable from the guest" [ "$(cat "$d/result" 2>/dev/null)" = from-guest ]
	local ctrls
	ctrls=$(sed -n 's/^controllers=//p' "$work/env.out")
	check "the cgroup2 root has cpu, memory, pids, io" \
		grep -Eq '^controllers=.*\bcpu\b.*\bio\b.*\bmemory\b.*\bpids\b' "$work/env.out"
	check "every controller is enabled for children" has "subtree=$ctrls"
	check "cgroup2 is mounted with nsdelegate" has nsdelegate
	local m
	for m in /dev/pts /dev/shm /dev/mqueue /sys/fs/bpf /run; do
		check "$m is mounted" has "mounted $m"
	done
	check "lo is up" has lo-up
	check "/tmp is writable (mktemp)" has tmp-writable
	check "loop devices autoload" grep -q '^loop=/dev/loop' "$work/env.out"
	check "veth autoloads" has veth
	check "bridge autoloads" has bridge
	check "an unprivileged user can unshare -U -r" has userns
	check "overlay mounts (upper on /tmp)" has overlay
	check "/tmp is a tmpfs" has tmpfs=tmpfs
}

host_bats() {
	mkdir -p "$work/bats"
	cat >"$work/bats/vm.bats" <<'EOF'
@test "runs inside the VM" {
	[ "$(hostname)" = berth-vm ]
	run cat /sys/fs/cgroup/cgroup.controllers
	[[ $output == *memory* ]]
}
@test "a failing test is reported" {
	false
}
EOF
	vm -- bats "$work/bats/vm.bats"
	[ "$rc" = 1 ] && grep -q '^ok 1 runs inside the VM' <<<"$out" &&
		grep -q '^not ok 2 a failing test is reported' <<<"$out"
	verdict "bats runs inside the VM (1 of 2 tests fails, status 1)" $?
}

host_streaming() {
	local t0 sum_guest sum_host
	t0=$(now)
	# The guest times its cat: a virtio port write returns once QEMU has
	# taken the data.
	sum_host=$("$vmrun" -- bash -c '
		yes "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" |
			head -c 50000000 >/tmp/big
		sha256sum </tmp/big >&2
		t0=$EPOCHREALTIME; cat /tmp/big; t1=$EPOCHREALTIME
		echo "cat $(awk -v a="$t0" -v b="$t1" "BEGIN { print b - a }")" >&2' \
		2>"$work/sum-guest" | sha256sum | cut -d' ' -f1)
	metric "50 MB through stdout, whole run (s)" "$(elapsed "$t0")"
	metric "50 MB through stdout, the cat (s)" "$(sed -n 's/^cat //p' "$work/sum-guest")"
	sum_guest=$(head -n1 "$work/sum-guest" | cut -d' ' -f1)
	[ -n "$sum_host" ] && [ "$sum_host" = "$sum_guest" ]
	verdict "50 MB through stdout arrive intact" $?
	# head exits after one line; the command goes on writing and its
	# status still arrives.
	t0=$(now)
	local first
	first=$("$vmrun" -- sh -c 'seq 1 1000000; echo finished >&2; exit 42' 2>"$work/early-err" | head -n1)
	rc=${PIPESTATUS[0]}
	metric "reader closing early, whole run (s)" "$(elapsed "$t0")"
	[ "$first" = 1 ] && [ "$rc" = 42 ] && grep -qx finished "$work/early-err"
	verdict "a reader closing early: first line, stderr, status 42" $?
	# Output arrives while the command runs, not at its end.
	exec {fd}< <("$vmrun" -- sh -c 'echo first; sleep 4; echo second')
	local line t1
	read -r -u "$fd" line
	t1=$(now)
	read -r -u "$fd" _
	[ "$line" = first ] && awk -v a="$t1" -v b="$(now)" 'BEGIN { exit !(b - a > 3) }'
	verdict "output streams live (first line 4 s before the second)" $?
	exec {fd}<&-
	wait $! || true
}

host_failures() {
	local t0
	t0=$(now)
	vm --mem 24 -- true
	metric "boot failure reported after (s)" "$(elapsed "$t0")"
	check "a VM that cannot boot (24 MiB) exits 251" [ "$rc" = 251 ]
	grep -q 'vm-run: the VM failed to boot' <<<"$err" && grep -q 'console log: /' <<<"$err"
	verdict "... says so and names its console log" $?
	# A copy of the kernel cache whose vmlinux is garbage (prepare finds
	# the cache complete and leaves it alone).
	local cache=${VM_CACHE:-$repo/tests/.cache/vm} kver bad=$work/bad-cache
	kver=$(cat "$cache/current")
	mkdir -p "$bad/$kver"
	cp "$cache/resolved" "$cache/current" "$bad/"
	cp "$cache/$kver/ok" "$bad/$kver/"
	ln -s "$cache/$kver/initramfs.cpio" "$cache/$kver/modules" "$bad/$kver/"
	echo 'not a kernel' >"$bad/$kver/vmlinux"
	VM_CACHE=$bad vm -- true
	check "a broken kernel image exits 251" [ "$rc" = 251 ]
	# The kernel boots but finds no init: its panic is in the tail shown.
	rm "$bad/$kver/initramfs.cpio"
	ln -sf "$cache/$kver/vmlinux" "$bad/$kver/vmlinux"
	echo 'not a cpio archive' >"$bad/$kver/initramfs.cpio"
	VM_CACHE=$bad vm -- true
	[ "$rc" = 251 ] && grep -q 'Kernel panic' <<<"$err"
	verdict "a kernel that panics at boot exits 251, the panic shown" $?
	vm -- sh -c 'echo c >/proc/sysrq-trigger; sleep 60'
	[ "$rc" = 252 ] && grep -q 'the VM died while the command ran' <<<"$err"
	verdict "a guest kernel crash while the command runs exits 252" $?
	vm -- sh -c 'exit 251'
	[ "$rc" = 251 ] && [ -z "$err" ]
	verdict "a command's own 251 is not taken for a boot failure" $?
	vm --timeout 6 -- sleep 60
	[ "$rc" = 253 ] && grep -q 'timed out' <<<"$err"
	verdict "--timeout: exits 253 and says so" $?
	vm --timeout 50 -- sh -c 'sleep 1000 | cat'
	[ "$rc" = 253 ] && grep -q 'the command had started' <<<"$err" &&
		grep -q "the guest's processes 30 s before the timeout" <<<"$err" &&
		grep -q '^vm-run: | .* hrtimer_nanosleep .*sleep 1000$' <<<"$err"
	verdict "--timeout: a hung command's processes, and where each waits, are shown" $?
	vm --bogus -- true
	check "a bad option exits 254" [ "$rc" = 254 ]
	local t
	t=$(mktemp -d /tmp/vm-selftest-cwd.XXXXXX)
	(cd "$t" && vm -- true && [ "$rc" = 254 ] && grep -q 'is hidden in the VM' <<<"$err")
	verdict "a cwd under /tmp that the guest cannot see is refused" $?
	(cd "$t" && vm --out "$t" -- sh -c 'pwd; echo x >f' && [ "$rc" = 0 ] && [ "$out" = "$t" ])
	verdict "... and works when shared with --out" $?
	check "... writes land on the host" [ "$(cat "$t/f" 2>/dev/null)" = x ]
	rm -rf "$t"
}

# Is a QEMU serving an --out share named $1 still running?
qemu_alive() {
	local f
	for f in /proc/[0-9]*/cmdline; do
		grep -qaF -- "$1" "$f" 2>/dev/null || continue
		[[ $(tr '\0' ' ' 2>/dev/null <"$f") == qemu-system* ]] && return 0
	done
	return 1
}

# Start vm-run in the background, wait until its command runs, signal it.
host_kill() {
	local sig=$1 d=$work/kill-$1 pid i rc=0
	mkdir -p "$d"
	# A script's background jobs ignore SIGINT: restore it, as for a
	# vm-run in a terminal.
	env --default-signal=INT "$vmrun" --out "$d" -- sh -c "touch $d/running; sleep 120" >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 300); do
		[ -e "$d/running" ] && break
		sleep 0.1
	done
	[ -e "$d/running" ] || not_ok "the command to kill never started"
	check "QEMU runs before the SIG$sig" qemu_alive "$d"
	kill -s "$sig" "$pid"
	# (bash would report the "Killed" job on stderr)
	{ wait "$pid"; } 2>/dev/null || rc=$?
	sleep 1
	metric "vm-run status after SIG$sig" "$rc"
	[ "$rc" = $((128 + $(kill -l "$sig"))) ]
	verdict "SIG$sig ends vm-run at once (status 128+$(kill -l "$sig"))" $?
	! qemu_alive "$d"
	verdict "SIG$sig to vm-run leaves no QEMU behind" $?
}

host_parallel() {
	local t0 a b ra=0 rb=0
	t0=$(now)
	"$vmrun" -- sh -c 'echo A; exit 3' >"$work/par-a" 2>&1 &
	a=$!
	"$vmrun" -- sh -c 'echo B; exit 4' >"$work/par-b" 2>&1 &
	b=$!
	wait "$a" || ra=$?
	wait "$b" || rb=$?
	metric "two vm-runs in parallel (s)" "$(elapsed "$t0")"
	[ "$ra" = 3 ] && [ "$rb" = 4 ] && [ "$(cat "$work/par-a")" = A ] && [ "$(cat "$work/par-b")" = B ]
	verdict "two vm-runs at once: each its own output and status" $?
}

host_cgroups() {
	"$repo/tests/lib/mkrootfs.sh" "$work/rootfs" >/dev/null
	(cd "$work" && runc spec)
	# Base spec: no terminal, the shared rootfs read-only, a cgroup ns.
	jq --arg root "$work/rootfs" '.process.terminal = false | .root = {path: $root, readonly: true}' \
		"$work/config.json" >"$work/config.tmp" && mv "$work/config.tmp" "$work/config.json"
	"$vmrun" -- "$here/selftest.sh" --guest "$work" 2>&1 | tee "$work/guest.out"
	rc=${PIPESTATUS[0]}
	check "the cgroup proofs pass inside the VM (runc $(runc --version | head -n1 | cut -d' ' -f3))" [ "$rc" = 0 ]
}

host() {
	[ "$(id -u)" = 0 ] || { echo "selftest: needs root" >&2; exit 1; }
	# Not under /tmp: the guest has its own.
	work=$(mktemp -d /var/tmp/vm-selftest.XXXXXX)
	trap 'rm -rf "$work"' EXIT
	"$here/prepare"
	echo "== timing"
	host_timing
	echo "== exit status and output"
	host_status
	host_streaming
	echo "== guest environment"
	host_environment
	host_bats
	echo "== cgroups with runc inside the VM"
	host_cgroups
	echo "== failures, signals, parallel runs"
	host_failures
	host_kill KILL
	host_kill INT
	host_parallel
	echo
	if [ "$failures" = 0 ]; then
		echo "vm selftest: all passed"
	else
		echo "vm selftest: $failures FAILED"
		exit 1
	fi
}

if [ "${1:-}" = --guest ]; then
	guest "$2"
else
	host
fi
