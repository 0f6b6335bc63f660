#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/run.sh — berth, crun and runc side by side on the same bundle.
#
# Measures, per runtime, with every runtime interleaved round by round
# (bench/driver.c does the timing; see its opening comment):
#   run    `run` of /bin/true, sequential                       (ms, median)
#   life   create --pid-file, start, wait for exit, delete       (ms, median)
#   exec   `exec ID /bin/true` into a container running sleep    (ms, median)
#   par    PAR `run`s of /bin/true started at once               (ms of the batch)
#   peak RSS of every row but ctr: ru_maxrss from wait4(), i.e. /usr/bin/time's
#          %M — the runtime process and every descendant it waits for itself
#          (under runc its `runc init` child, under crun its clone child); the
#          largest call of a sample (life: its four calls and the init; par:
#          the 20 runs); a second table, with berth <= crun checked per row
#   ctr    `ctr run --rm --rootfs` through a private containerd, the runtime passed
#          with --runc-binary                                    (ms, median)
#   srun, sexec   run and exec as above, with podman's default seccomp profile
#          (containers-common's seccomp.json as podman hands it to the runtime;
#          SECCOMP_PROFILE to use another moby-format profile): what every
#          container docker, podman and containerd's CRI start carries
#   cold   run as above, each call after 50 ms of idling (the driver's -i):
#          a lone start.  Back to back, a runtime may be spared kernel work
#          the previous one set going (on cgroup v1, the RCU grace period
#          the first move of a pid after a quiet spell waits for)
#   sandbox `berth sandbox --rootfs ROOTFS -- /bin/true` against bubblewrap
#          (`bwrap --unshare-all --die-with-parent --ro-bind ROOTFS / --proc
#          /proc --dev /dev /bin/true`), interleaved the same way; run on the
#          host's own cgroup layout, before the unified mount is hidden (a
#          sandbox job is held by its cgroup2 cgroup there)
#   rsandbox the same two, as an ordinary user (BENCH_USER, default
#          berth-bench, made with a subordinate id range when missing, as
#          berth's own sandbox user is): a rootless job, berth mapping the
#          user's range, bwrap only the user
# and prints a table of medians with the ratios berth/crun and berth/runc.
# Raw samples and the table go to bench/results/<date>-<label>.txt.
#
# Fairness: on a hybrid cgroup host (v1 controllers, cgroup2 at
# /sys/fs/cgroup/unified) crun refuses to run, so the whole benchmark runs in
# a private mount namespace (unshare --mount --propagation private) where
# /sys/fs/cgroup/unified is unmounted (and an empty tmpfs put there, see
# below) — for every runtime, not just crun, so all of them see the same
# pure-v1 layout.  The host's mounts are never touched: propagation is
# checked to be private before the umount, and the host's unified mount is
# checked again afterwards.
# Every runtime gets its own --root under a temp dir (on a private tmpfs, as
# /run is on real hosts; /tmp here is the slow root disk) and the same bundle:
# `runc spec` with terminal off, the busybox rootfs of tests/lib/mkrootfs.sh,
# and an absolute cgroupsPath /berth-bench-<pid>/<runtime>-<id> (runtimes
# disagree on where a missing or relative cgroupsPath goes, so it is pinned;
# /berth-bench-<pid> is made first, in every hierarchy, so that no runtime
# makes or removes a parent per container: bench_cgroup_parent).
# At the end every container is deleted, containerd stopped, the
# /berth-bench-<pid> cgroups removed and the temp dir deleted.
# --systemd-cgroup gives every runtime call --systemd-cgroup (each runtime
# its systemd driver: a transient scope per container, made over D-Bus)
# and the bundles cgroupsPath system.slice:berth-bench-<pid>-<runtime>:<id>;
# it needs systemd as PID 1 (bench/vm.sh's second boot), and leaves out
# ctr (containerd's shim would need its own SystemdCgroup option).
#
# Usage: bench/run.sh [--quick] [-n N] [--runtimes "berth crun runc"]
#                     [--tests "run cold life exec par ctr srun sexec sandbox rsandbox"] [--no-ctr]
#                     [--label NAME] [--results DIR] [--systemd-cgroup]
# Environment: BERTH (default ./berth of this checkout), CRUN, RUNC, BWRAP
# (default from PATH), BENCH_RUNTIMES (same as --runtimes), N, BENCH_DRIVER; WARMUP
# (rounds, default 3), PAR_ROUNDS and CTR_ROUNDS (default N/10 and N/5);
# SPEC_EDIT (a jq filter applied to every runtime's config.json);
# CALL_TIMEOUT (seconds any one runtime call may take, default 60).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)

n=${N:-100}
quick=0
tests="run cold life exec par ctr srun sexec sandbox rsandbox"
label=host
results=$here/results
runtimes_set=${BENCH_RUNTIMES:+1}
runtimes=${BENCH_RUNTIMES:-berth crun runc}
driver=${BENCH_DRIVER:-$top/build/bench/driver}
systemd=0
orig_args=("$@")

usage() {
	sed -n '/^# Usage:/,/^# from PATH/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

die() {
	echo "bench: $*" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	-n) n=${2:?}; shift ;;
	--runtimes) runtimes=${2:?}; runtimes_set=1; shift ;;
	--tests) tests=${2:?}; shift ;;
	--no-ctr) tests=${tests/ctr/} ;;
	--label) label=${2:?}; shift ;;
	--results) results=${2:?}; shift ;;
	--systemd-cgroup) systemd=1 ;;
	-h | --help) usage ;;
	*) usage ;;
	esac
	shift
done
case $n in '' | *[!0-9]* | 0) die "N must be a positive number, not '$n'" ;; esac

# Rounds per test: the parallel batch and containerd are slow, so fewer.
warmup=${WARMUP:-3}
par=20
par_rounds=${PAR_ROUNDS:-$(( n / 10 > 3 ? n / 10 : 3 ))}
ctr_rounds=${CTR_ROUNDS:-$(( n / 5 > 5 ? n / 5 : 5 ))}
if [ "$quick" = 1 ]; then
	n=5 warmup=1 par_rounds=1 ctr_rounds=2
fi

# ---- runtimes ---------------------------------------------------------------
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
declare -A path
for rt in $runtimes; do
	case $rt in berth | crun | runc) ;; *) die "unknown runtime '$rt' (berth, crun, runc)" ;; esac
	path[$rt]=$(bench_runtime_path "$rt" "${runtimes_set:-0}") || exit 1
done
[ -x "$driver" ] || die "no driver at $driver (make build/bench/driver)"
[ "$(id -u)" = 0 ] || die "needs root (namespaces, cgroups)"
for t in $tests; do
	case $t in run | cold | life | exec | par | ctr | srun | sexec | sandbox | rsandbox) ;;
	*) die "unknown test '$t' (run cold life exec par ctr srun sexec sandbox rsandbox)" ;;
	esac
done
bwrap=
if [[ " $tests " == *" sandbox "* || " $tests " == *" rsandbox "* ]]; then
	bwrap=${BWRAP:-$(command -v bwrap || true)}
	if [ -z "${path[berth]:-}" ] || [ -z "$bwrap" ] || [ ! -x "$bwrap" ]; then
		echo "bench: the sandbox tests need berth and bubblewrap (bwrap), skipping them" >&2
		tests=${tests/rsandbox/}
		tests=${tests/sandbox/}
	fi
fi
if [ "$systemd" = 1 ]; then
	[ "$(ps -o comm= -p 1)" = systemd ] || die "--systemd-cgroup needs systemd as PID 1"
	tests=${tests/ctr/}
fi
if [[ " $tests " == *" ctr "* ]] && ! command -v containerd >/dev/null; then
	echo "bench: containerd not installed, skipping the ctr test" >&2
	tests=${tests/ctr/}
fi

# ---- private mount namespace, work dir, clean-up ------------------------------
bench_private_ns "$0" "${orig_args[@]}"

work=$(bench_work_dir berth-bench)
cgparent=/berth-bench-$$
ctr_ns=berth-bench-$$
ctrd_pid=
ctrd_run=/run/containerd
ctrd_run_made=0
rootfs_loop=0

cleanup() {
	local rt id d
	set +e
	if [ -n "$ctrd_pid" ]; then
		for id in $(timeout 30 ctr --address "$work/ctrd/sock" -n "$ctr_ns" tasks ls -q 2>/dev/null); do
			timeout 30 ctr --address "$work/ctrd/sock" -n "$ctr_ns" tasks kill -s KILL "$id"
		done
		for id in $(timeout 30 ctr --address "$work/ctrd/sock" -n "$ctr_ns" containers ls -q 2>/dev/null); do
			timeout 30 ctr --address "$work/ctrd/sock" -n "$ctr_ns" tasks delete -f "$id" 2>/dev/null
			timeout 30 ctr --address "$work/ctrd/sock" -n "$ctr_ns" containers delete "$id"
		done
		kill "$ctrd_pid" 2>/dev/null
		wait "$ctrd_pid" 2>/dev/null
	fi
	if mountpoint -q "$ctrd_run"; then
		umount "$ctrd_run" && [ "$ctrd_run_made" = 1 ] && rmdir "$ctrd_run"
	fi
	for rt in "${!path[@]}"; do
		for d in "$work/state/$rt" "$work/state/$rt-ctr"; do
			[ -d "$d" ] || continue
			for id in $(timeout -k 5 30 "${path[$rt]}" --root "$d" list -q 2>/dev/null); do
				echo "bench: deleting leftover $rt container '$id'" >&2
				timeout -k 5 30 "${path[$rt]}" --root "$d" delete -f "$id"
			done
		done
	done
	bench_kill_leftovers
	sleep 0.2 # let the kernel reap them before their cgroups go
	bench_cgroup_cleanup "${cgparent#/}"
	[ "$rootfs_loop" = 0 ] || umount "$work/rootfs"
	bench_rm_work
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$work/log" "$work/state" "$work/bundles" "$results"

# ---- bundles ------------------------------------------------------------------
bench_rootfs_and_spec
# A sandbox job's layer is idmapped into its user namespace (berth's
# default), which a tmpfs cannot be before Linux 6.3 (the VM's 6.1): there
# the rootfs goes on a small ext4 image instead, for every runtime alike
if [[ " $tests " == *" sandbox "* ]] &&
	! "${path[berth]}" --root "$work/state/probe" sandbox --rootfs "$work/rootfs" -- /bin/true \
		2>"$work/log/probe.err"; then
	grep -q "cannot be idmapped" "$work/log/probe.err" ||
		die "berth sandbox fails: $(cat "$work/log/probe.err")"
	truncate -s 128M "$work/rootfs.ext4"
	mkfs.ext4 -q -d "$work/rootfs" "$work/rootfs.ext4"
	mount -o loop "$work/rootfs.ext4" "$work/rootfs"
	rootfs_loop=1
fi
profile=null
if [[ " $tests " == *" srun "* || " $tests " == *" sexec "* ]]; then
	sc_file=${SECCOMP_PROFILE:-/usr/share/containers/seccomp.json}
	[ -r "$sc_file" ] || die "no seccomp profile at $sc_file (podman's containers-common, or set SECCOMP_PROFILE)"
	profile=$(bench_seccomp_profile "$sc_file" "$work/spec.json")
fi
# cgpath RUNTIME ID: the container's cgroupsPath for the driver in use
cgpath() {
	if [ "$systemd" = 1 ]; then
		echo "system.slice:berth-bench-$$-$1:$2"
	else
		echo "$cgparent/$1-$2"
	fi
}
drv_flags=()
[ "$systemd" = 1 ] && drv_flags=(-g)
for rt in $runtimes; do
	mkdir -p "$work/state/$rt" "$work/state/$rt-ctr"
	b=$work/bundles/$rt
	bench_bundle "$b/seq" "$(cgpath "$rt" seq)" '["/bin/true"]'
	bench_bundle "$b/life" "$(cgpath "$rt" life)" '["/bin/true"]'
	bench_bundle "$b/exec" "$(cgpath "$rt" exec)" '["/bin/sleep", "1000000"]'
	for i in $(seq 0 $((par - 1))); do
		bench_bundle "$b/par$i" "$(cgpath "$rt" "par$i")" '["/bin/true"]'
	done
	[[ " $tests " != *" cold "* ]] || bench_bundle "$b/seq-cold" "$(cgpath "$rt" seq-cold)" '["/bin/true"]'
	if [[ " $tests " == *" srun "* || " $tests " == *" sexec "* ]]; then
		bench_bundle "$b/seq-sc" "$(cgpath "$rt" seq-sc)" '["/bin/true"]'
		bench_bundle "$b/exec-sc" "$(cgpath "$rt" exec-sc)" '["/bin/sleep", "1000000"]'
		for x in seq-sc exec-sc; do
			jq --argjson sc "$profile" '.linux.seccomp = $sc' "$b/$x/config.json" > "$b/$x/c"
			mv "$b/$x/c" "$b/$x/config.json"
		done
	fi
done

# ---- containerd ------------------------------------------------------------------
start_containerd() {
	mkdir -p "$work/ctrd"
	cat > "$work/ctrd/config.toml" <<-EOF
		version = 2
		root = "$work/ctrd/root"
		state = "$work/ctrd/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$work/ctrd/sock"
		[ttrpc]
		  address = "$work/ctrd/sock.ttrpc"
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$work/ctrd/opt"
	EOF
	# The runc shim puts its sockets in /run/containerd/s whatever the
	# config says (and ctr its fifos in /run/containerd/fifo): a tmpfs of
	# our own there, seen only in this namespace, keeps us apart from any
	# other containerd on the machine and leaves nothing behind.
	if [ ! -e "$ctrd_run" ]; then
		mkdir -p "$ctrd_run"
		ctrd_run_made=1
	fi
	mount -t tmpfs -o mode=0700 berth-bench-containerd "$ctrd_run"
	containerd --config "$work/ctrd/config.toml" > "$work/log/containerd.log" 2>&1 &
	ctrd_pid=$!
	for _ in $(seq 100); do
		ctr --address "$work/ctrd/sock" version >/dev/null 2>&1 && return 0
		kill -0 "$ctrd_pid" 2>/dev/null || break
		sleep 0.1
	done
	tail -5 "$work/log/containerd.log" >&2
	die "containerd did not come up"
}

# ---- measurements ------------------------------------------------------------------
stamp=$(date +%Y-%m-%dT%H%M%S)
raw=$work/raw.txt
args=()
for rt in $runtimes; do args+=("$rt=${path[$rt]}"); done

measure() {
	local test=$1 rounds=$2
	shift 2
	printf 'bench: %-5s %s rounds x %s\n' "$test" "$rounds" "$runtimes" >&2
	if ! "$driver" -t "$test" -d "$work" -n "$rounds" -w "$warmup" -p "$par" -o "$raw" -T "${CALL_TIMEOUT:-60}" \
		"${drv_flags[@]}" "$@" "${args[@]}"; then
		for rt in $runtimes; do
			[ -s "$work/log/$rt.err" ] || continue
			echo "--- last lines of $rt's stderr:" >&2
			tail -5 "$work/log/$rt.err" >&2
		done
		die "the $test measurement failed"
	fi
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
if awk -v l="${load_start%% *}" 'BEGIN { exit !(l > 1.0) }'; then
	echo "bench: warning: load average $load_start before starting — other work on" \
		"this machine inflates every number (the ratios suffer less: runtimes are interleaved)" >&2
fi
# the sandbox first, on the host's own cgroup layout (hybrid: the cgroup2
# mount holds the job); then the OCI runtimes, all seeing the same layout
if [[ " $tests " == *" sandbox "* ]]; then
	printf 'bench: %-5s %s rounds x berth bwrap\n' sandbox "$n" >&2
	"$driver" -t sandbox -d "$work" -n "$n" -w "$warmup" -o "$raw" -T "${CALL_TIMEOUT:-60}" \
		"berth=${path[berth]}" "bwrap=$bwrap" || die "the sandbox measurement failed"
	if [ "$(findmnt -rno FSTYPE /sys/fs/cgroup)" = cgroup2 ]; then
		sandbox_cg="the host's cgroup v2"
	elif [ "$(findmnt -rno FSTYPE /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2 ]; then
		sandbox_cg="the host's hybrid cgroups (v1, and cgroup2 at /sys/fs/cgroup/unified)"
	else
		sandbox_cg="the host's cgroup v1"
	fi
fi
rl_user=${BENCH_USER:-berth-bench}
if [[ " $tests " == *" rsandbox "* ]] && ! bench_rootless_user "$rl_user"; then
	# e.g. a guest whose /etc cannot be written: said, not silent
	echo "bench: no ordinary user '$rl_user' with a subordinate range (useradd failed)," \
		"leaving out the rootless sandbox row" >&2
	tests=${tests/rsandbox/}
fi
if [[ " $tests " == *" rsandbox "* ]]; then
	# a work dir of the user's own beside ours: its state, logs, samples
	# and a copy of the rootfs (a rootless job maps the user's range, no
	# idmapped layer)
	rl_work=$work/rootless
	mkdir -p "$rl_work/log"
	cp -a "$work/rootfs" "$rl_work/rootfs"
	chown -R "$rl_user:" "$rl_work/log"
	chown "$rl_user:" "$rl_work"
	printf 'bench: %-5s %s rounds x berth bwrap, as %s\n' rsandbox "$n" "$rl_user" >&2
	runuser -u "$rl_user" -- env -u XDG_RUNTIME_DIR HOME=/ "$driver" -t sandbox -s rl \
		-d "$rl_work" -n "$n" -w "$warmup" -o "$rl_work/samples" -T "${CALL_TIMEOUT:-60}" \
		"berth=${path[berth]}" "bwrap=$bwrap" ||
		die "the rootless sandbox measurement failed: $(tail -3 "$rl_work"/log/*.err 2>/dev/null)"
	cat "$rl_work/samples" >>"$raw"
fi
bench_cgroup_setup
if [ "$systemd" = 1 ]; then
	cgmode="$cgmode, each runtime's systemd cgroup driver"
else
	bench_cgroup_parent "${cgparent#/}"
fi
for t in $tests; do
	case $t in
	sandbox | rsandbox) ;;
	run | life | exec) measure "$t" "$n" ;;
	cold) measure run "$n" -s cold -i 50 ;;
	srun) measure run "$n" -s sc ;;
	sexec) measure exec "$n" -s sc ;;
	par) measure par "$par_rounds" ;;
	ctr)
		start_containerd
		measure ctr "$ctr_rounds" -a "$work/ctrd/sock" -N "$ctr_ns" -c "$cgparent"
		;;
	esac
done

load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report --------------------------------------------------------------------------
# stats: "TEST RUNTIME COUNT MEDIAN MIN P90" for every TEST/RUNTIME in the raw file.
stats() {
	sort -k1,1 -k2,2 -k4,4g "$raw" | awk '
		function flush() {
			if (c == 0) return
			med = (c % 2) ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
			p90 = v[int(0.9 * c + 0.999)]  # nearest rank
			printf "%s %s %d %.3f %.3f %.3f\n", t, r, c, med, v[1], p90
		}
		$1 != t || $2 != r { flush(); t = $1; r = $2; c = 0 }
		{ v[++c] = $4 }
		END { flush() }'
}

# setup_check: did every runtime build the same container?  Compares the
# namespaces and cgroups the driver saw on each runtime's `exec` container,
# with the runtime's name taken out of the cgroup paths.
setup_check() {
	local rt first='' f same=1 ns ncg ntot
	for rt in $runtimes; do
		f=$work/log/$rt.container
		[ -f "$f" ] || { echo "container set-up: not checked (needs the exec test)"; return; }
		sed "s|$cgparent/$rt-exec|$cgparent/RUNTIME-exec|" "$f" > "$f.norm"
		if [ -z "$first" ]; then
			first=$rt
		elif ! cmp -s "$work/log/$first.container.norm" "$f.norm"; then
			same=0
		fi
	done
	for rt in $runtimes; do
		f=$work/log/$rt.container.norm
		ns=$(sed -n 's/^ns *//p' "$f")
		ncg=$(grep -c "^cgroup .*:$cgparent/RUNTIME-exec\$" "$f" || true)
		ntot=$(grep -c '^cgroup ' "$f" || true)
		if [ "$same" = 1 ]; then
			printf 'same container set-up for all: new namespaces: %s; in %s of %s cgroup hierarchies at %s\n' \
				"${ns:-none}" "$ncg" "$ntot" "$cgparent/<runtime>-exec"
			return
		fi
		printf 'WARNING, set-ups differ: %-6s new namespaces: %s; %s of %s hierarchies at %s\n' \
			"$rt" "${ns:-none}" "$ncg" "$ntot" "$cgparent/$rt-exec"
	done
}

table() {
	local st rt
	st=$(stats)
	printf 'berth bench — %s, %s\n' "$label" "$cgmode"
	printf 'medians of %s rounds (%s warm-up)' "$n" "$warmup"
	[[ " $tests " != *" par "* ]] || printf '; par: %s batches of %s' "$par_rounds" "$par"
	[[ " $tests " != *" ctr "* ]] || printf '; ctr: %s rounds' "$ctr_rounds"
	printf '; kernel %s; %s\n' "$(uname -r)" "$stamp"
	printf 'load average before: %s, after: %s; %s CPUs\n' "$load_start" "$load_end" "$(nproc)"
	[ -z "${SPEC_EDIT:-}" ] || printf 'config.json edited for all runtimes: SPEC_EDIT=%s\n' "$SPEC_EDIT"
	for rt in $runtimes; do
		printf '  %-6s %s: %s\n' "$rt" "${path[$rt]}" \
			"$("${path[$rt]}" --version 2>/dev/null | head -1)"
	done
	[ -z "$bwrap" ] || printf '  %-6s %s: %s\n' bwrap "$bwrap" "$("$bwrap" --version 2>/dev/null | head -1)"
	printf '%s\n' "$setup"
	echo
	awk -v rts="$runtimes" -v stats="$st" -v sandbox_cg="${sandbox_cg:-}" '
		BEGIN {
			nr = split(rts, rt, " ")
			ns = split(stats, lines, "\n")
			for (i = 1; i <= ns; i++) {
				split(lines[i], f, " ")
				med[f[1], f[2]] = f[4]
			}
			nt = split("run run-cold life exec par ctr run-sc exec-sc", tests, " ")
			name["run"] = "run /bin/true, sequential"
			name["run-cold"] = "run, after 50 ms idle"
			name["life"] = "create+start+wait+delete"
			name["exec"] = "exec /bin/true"
			name["par"] = "20 parallel runs (batch)"
			name["ctr"] = "ctr run --rm (containerd)"
			name["run-sc"] = "run, podman seccomp profile"
			name["exec-sc"] = "exec, podman seccomp profile"
			header("ms", "berth/crun", "berth/runc")
			for (i = 1; i <= nt; i++) {
				t = tests[i]
				if (!((t, rt[1]) in med)) continue
				row(t, 1)
				printf " %11s %11s\n", ratio(t, "crun"), ratio(t, "runc")
			}
			print ""
			print "target: berth/crun <= 0.50 for times (0.35 with the seccomp profile)"
			print ""
			# peak RSS of the same rows (ctr: the runtime runs below the shim, unseen)
			header("MB", "berth/crun", "<= crun")
			for (i = 1; i <= nt; i++) {
				t = "rss-" tests[i]
				if (!((t, rt[1]) in med)) continue
				row(t, 1024, "peak RSS, " tests[i])
				r = ratio(t, "crun")
				ok = (r == "-") ? "-" : ((r + 0 <= 1.0) ? "yes" : "NO")
				printf " %11s %11s\n", r, ok
			}
			print ""
			print "target: berth <= crun for the peak RSS of every row"
			if (("sandbox", "berth") in med) {
				print ""
				printf "sandbox, on %s:\n", sandbox_cg
				printf "%-28s %4s %9s %9s %11s\n", "", "", "berth", "bwrap", "berth/bwrap"
				sandbox_row("sandbox", "ms", 1, "sandbox /bin/true")
				sandbox_row("rss-sandbox", "MB", 1024, "peak RSS, sandbox")
				if (("sandbox-rl", "berth") in med) {
					sandbox_row("sandbox-rl", "ms", 1, "sandbox, rootless")
					sandbox_row("rss-sandbox-rl", "MB", 1024, "peak RSS, rootless")
				}
				print ""
				print "target: berth/bwrap <= 1.00 for the time"
			}
		}
		function header(unit, r1, r2,    j) {
			printf "%-28s %4s", "", ""
			for (j = 1; j <= nr; j++) printf " %9s", rt[j]
			printf " %11s %11s\n", r1, r2
		}
		function row(t, div, label,    j, v) {
			printf "%-28s %4s", label != "" ? label : name[t], div == 1 ? "ms" : "MB"
			for (j = 1; j <= nr; j++) {
				v = ((t, rt[j]) in med) ? sprintf("%9.2f", med[t, rt[j]] / div) : sprintf("%9s", "-")
				printf " %s", v
			}
		}
		function sandbox_row(t, unit, div, label,    b, w, r) {
			b = med[t, "berth"]; w = med[t, "bwrap"]
			r = (w > 0) ? sprintf("%.2f", b / w) : "-"
			printf "%-28s %4s %9.2f %9.2f %11s\n", label, unit, b / div, w / div, r
		}
		function ratio(t, other) {
			if (!((t, "berth") in med) || !((t, other) in med) || med[t, other] == 0)
				return "-"
			return sprintf("%.2f", med[t, "berth"] / med[t, other])
		}'
}

setup=$(setup_check)
out=$results/$stamp-$label.txt
{
	table
	echo
	echo "# per test and runtime: samples median min p90 (ms; rss-* in KB; life-* are the phases of life; *-sc with podman's seccomp profile; sandbox: berth sandbox and bwrap; *-rl: the same as an ordinary user)"
	stats | sed 's/^/# /'
	echo
	for rt in $runtimes; do
		[ -f "$work/log/$rt.container" ] || continue
		echo "# $rt's exec container:"
		sed 's/^/#   /' "$work/log/$rt.container"
	done
	echo
	echo "# raw samples: test runtime round value unit"
	cat "$raw"
} > "$out"
table
echo
echo "raw samples: $out"
