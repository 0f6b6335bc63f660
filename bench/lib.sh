# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# bench/lib.sh — shared by bench/run.sh and bench/profile.sh (sourced, bash).
#
# Owns the parts both need to do identically, so that a profile shows the
# same thing the benchmark measured: the private mount namespace, the
# runtime lookup, the bundle, and removing the cgroups the runtimes leave.
#
# The caller sets: top (the checkout), work (its temp dir, for bundles).
# shellcheck disable=SC2154 # top and work come from the caller

bench_die() {
	echo "bench: $*" >&2
	exit 1
}

# bench_runtime_path NAME EXPLICIT: the absolute path of runtime NAME (berth,
# crun, runc, or a path). EXPLICIT=1 when the user asked for it by name:
# only then is a missing berth a plain "not found" rather than a hint.
bench_runtime_path() {
	local rt=$1 explicit=${2:-1} p
	case $rt in
	berth) p=${BERTH:-$top/berth} ;;
	crun) p=${CRUN:-$(command -v crun || true)} ;;
	runc) p=${RUNC:-$(command -v runc || true)} ;;
	*/*) p=$rt ;;
	*) bench_die "unknown runtime '$rt' (berth, crun, runc or a path)" ;;
	esac
	if [ -z "$p" ] || [ ! -x "$p" ]; then
		if [ "$rt" = berth ] && [ "$explicit" = 0 ]; then
			bench_die "no berth binary at '$p': build it (make) or set BERTH=path;" \
				"to bench only the others: make bench RUNTIMES=\"crun runc\""
		fi
		[ -n "$p" ] && bench_die "runtime '$rt' not found at '$p'"
		bench_die "runtime '$rt' not found in PATH"
	fi
	case $p in /*) ;; *) p=$(cd "$(dirname "$p")" && pwd)/$(basename "$p") ;; esac
	echo "$p"
}

# bench_private_ns SCRIPT ARGS...: re-run SCRIPT in a private mount namespace
# unless already there, then exit with its status.  Afterwards the host's
# cgroup2 mount must look exactly as before.
bench_private_ns() {
	local unified=/sys/fs/cgroup/unified before after rc=0
	[ -n "${BENCH_PRIVATE_NS:-}" ] && return 0
	before=$(findmnt -rno FSTYPE "$unified" 2>/dev/null || true)
	BENCH_PRIVATE_NS=1 unshare --mount --propagation private -- "$@" || rc=$?
	after=$(findmnt -rno FSTYPE "$unified" 2>/dev/null || true)
	[ "$before" = "$after" ] || bench_die "the host's $unified mount changed ('$before' -> '$after')"
	exit "$rc"
}

# bench_cgroup_setup: inside the private namespace, make a hybrid host look
# like a pure v1 host to every runtime.  Sets cgmode (a description).
#
# crun refuses a hybrid host, so /sys/fs/cgroup/unified goes away — for all
# runtimes alike.  crun in v1 mode still mkdirs <path> under the unified
# directory and writes a cgroup.procs file there: on the bare mount point
# that would litter the host's /sys/fs/cgroup tmpfs (hidden under the host's
# cgroup2 mount), so an empty tmpfs of our own takes its place, gone with
# this namespace.
bench_cgroup_setup() {
	local unified=/sys/fs/cgroup/unified
	# Every mount must be private before anything is unmounted in here.
	if findmnt -rno PROPAGATION | grep -qv '^private$'; then
		bench_die "mount propagation is not private in the benchmark's namespace"
	fi
	cgmode=$(findmnt -rno FSTYPE /sys/fs/cgroup)
	if [ "$cgmode" = cgroup2 ]; then
		cgmode="cgroup v2, private mount ns"
	elif [ "$(findmnt -rno FSTYPE "$unified" 2>/dev/null)" = cgroup2 ]; then
		umount "$unified"
		mount -t tmpfs -o mode=0755 berth-bench-unified "$unified"
		cgmode="hybrid host seen as cgroup v1: private mount ns, $unified unmounted"
	else
		cgmode="cgroup v1, private mount ns"
	fi
}

# bench_rootfs_and_spec: $work/rootfs (busybox) and $work/spec.json (`runc spec`).
# SPEC_EDIT, a jq filter, changes the config of every runtime alike, for
# experiments (e.g. SPEC_EDIT='.linux.namespaces -= [{"type": "network"}]');
# the results header records it.
bench_rootfs_and_spec() {
	command -v runc >/dev/null || bench_die "needs runc for 'runc spec' (the bundle's config)"
	"$top/tests/lib/mkrootfs.sh" "$work/rootfs" >/dev/null
	runc spec --bundle "$work"
	jq "${SPEC_EDIT:-.}" "$work/config.json" > "$work/spec.json" ||
		bench_die "SPEC_EDIT is not a jq filter that applies: ${SPEC_EDIT:-}"
	rm "$work/config.json"
}

# bench_bundle DIR CGROUP ARGS-JSON: a bundle dir holding only config.json;
# the rootfs is shared (read-only root; runtimes mount on top in their own
# mount namespace).  The cgroupsPath is absolute because runtimes disagree
# on where a missing or relative one goes (runc: under its own cgroup, crun:
# under the root).
bench_bundle() {
	local dir=$1 cg=$2 args=$3
	mkdir -p "$dir"
	jq --arg root "$work/rootfs" --arg cg "$cg" --argjson args "$args" \
		'.process.terminal = false | .process.args = $args | .root.path = $root
		 | .root.readonly = true | .linux.cgroupsPath = $cg' \
		"$work/spec.json" > "$dir/config.json"
}

# bench_seccomp_profile FILE SPEC: a docker/podman (moby format) profile as
# docker and podman hand it to the runtime — for x86_64 and the
# capabilities of the config SPEC — on stdout
bench_seccomp_profile() {
	local caps
	caps=$(jq -c '.process.capabilities.bounding' "$2")
	jq --argjson caps "$caps" '
		def has_all($want): ($want // []) - $caps == [];
		{defaultAction, defaultErrnoRet,
		 architectures: [.archMap[] | select(.architecture == "SCMP_ARCH_X86_64")
			| [.architecture] + .subArchitectures] | add,
		 syscalls: [.syscalls[]
			| select((.includes.arches // ["amd64"]) | index("amd64"))
			| select((.excludes.arches // []) | index("amd64") | not)
			| select(has_all(.includes.caps))
			| select(((.excludes.caps // []) - $caps) == (.excludes.caps // []))
			| {names, action} + (if .args then {args} else {} end)
				+ (if .errnoRet then {errnoRet} else {} end)]}
		| with_entries(select(.value != null))' "$1"
}

# bench_cgroup_parent NAME: /NAME made in every cgroup hierarchy before the
# first container, as a parent other containers already hold would be.
# Runtimes differ on a parent they made themselves: crun and runc leave it
# for the next container, berth removes it once it is empty.  Made here,
# every runtime does the same cgroup work for each container, its own
# cgroup's mkdir and rmdir.  A v1 cpuset gets the root's cpus and mems and
# a cgroup2 parent the root's controllers, as a runtime would give them.
# bench_cgroup_cleanup removes it with the rest.
bench_cgroup_parent() {
	local name=$1 d
	for d in /sys/fs/cgroup /sys/fs/cgroup/*; do
		if [ ! -d "$d" ] || [ -L "$d" ]; then
			continue
		fi
		case $(stat -f -c %T "$d") in
		cgroupfs)
			mkdir -p "$d/$name"
			if [ -e "$d/cpuset.cpus" ]; then
				cat "$d/cpuset.cpus" >"$d/$name/cpuset.cpus"
				cat "$d/cpuset.mems" >"$d/$name/cpuset.mems"
			fi
			;;
		cgroup2fs)
			mkdir -p "$d/$name"
			local ctl
			ctl=$(sed -e 's/[^ ][^ ]*/+&/g' "$d/cgroup.subtree_control")
			[ -z "$ctl" ] || echo "$ctl" >"$d/$name/cgroup.subtree_control"
			;;
		esac
	done
}

# bench_cgroup_cleanup NAME: remove /NAME in every cgroup hierarchy, leaves
# first — only that tree, which is ours.  A runtime removes its container's
# cgroup itself; the parents it created on the way are left to us.
bench_cgroup_cleanup() {
	local name=$1 d
	for d in "/sys/fs/cgroup/$name" /sys/fs/cgroup/*/"$name"; do
		[ -d "$d" ] || continue
		[ "$(stat -f -c %T "$d")" = tmpfs ] && continue # the unified stand-in
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
		[ -d "$d" ] && echo "bench: could not remove cgroup $d (processes left?)" >&2
	done
	return 0
}

# bench_rootless_user NAME: an ordinary user with a subordinate range of
# 65536 ids in /etc/subuid and /etc/subgid (after every range there),
# made when missing — the rootless sandbox row runs as it
bench_rootless_user() {
	local f start
	id "$1" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$1" ||
		return 1
	[ "$(id -u "$1")" != 0 ] || return 1
	for f in /etc/subuid /etc/subgid; do
		grep -qs "^$1:" "$f" && continue
		start=$(awk -F: 'BEGIN {e = 100000} $2 + $3 > e {e = $2 + $3} END {print e}' "$f" 2>/dev/null)
		echo "$1:${start:-100000}:65536" >>"$f" || return 1
	done
}

# bench_work_dir PREFIX: a fresh temp dir on a tmpfs of its own (in the
# private namespace), echoed.  State dirs live there: runtimes keep their
# state under /run, a tmpfs, on real hosts, while /tmp here is the root
# disk, where a mkdir or an O_CREAT costs a millisecond or more.  o+x, not
# 0700: a sandbox job runs in a user namespace by default, and its mapped
# root must pass through here to reach its overlay in the state root.
bench_work_dir() {
	local dir
	dir=$(mktemp -d "/tmp/$1.XXXXXX")
	chmod 0711 "$dir"
	mount -t tmpfs -o mode=0711,size=1g "$1" "$dir"
	echo "$dir"
}

# bench_kill_leftovers: SIGKILL every process whose root, cwd or an open
# file lies under $work — a container whose runtime hung or was killed
# before `delete` could run.  $work is a fresh mktemp dir, so whatever
# points into it was started by this benchmark.
bench_kill_leftovers() {
	local p link target
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = "$$" ] && continue
		for link in "$p/root" "$p/cwd" "$p"/fd/*; do
			target=$(readlink "$link" 2>/dev/null) || continue
			case $target in
			"$work" | "$work"/*)
				echo "bench: killing leftover process ${p#/proc/} ($(tr '\0' ' ' < "$p/cmdline" 2>/dev/null))" >&2
				kill -KILL "${p#/proc/}" 2>/dev/null
				break
				;;
			esac
		done
	done
	return 0
}

# bench_rm_work: unmount and delete $work, never through another mount.
bench_rm_work() {
	if mountpoint -q "$work"; then
		umount "$work" 2>/dev/null || umount -l "$work"
	fi
	if findmnt -rno TARGET | grep -q "^$work"; then
		echo "bench: mounts left under $work, not removing it" >&2
	else
		rm -rf --one-file-system "$work"
	fi
}
