#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# berth sandbox --network pasta: outbound TCP and UDP for the job through
# passt's pasta.  berth runs inside a network namespace each test makes
# (a veth pair with a TEST-NET-1 address and a default route, which pasta
# needs to copy), and the servers listen on that namespace's loopback,
# which the job reaches at the gateway address (pasta maps it there).
# Nothing leaves the test's namespace; the host's interfaces are never
# touched.

load helpers

GATEWAY=192.0.2.254
PORT=8080
RL_USER=berthtest

setup() {
	state_root_reachable
	ROOT=$BATS_TEST_TMPDIR/state
	ID=bt$$-${BATS_SUITE_TEST_NUMBER}
	MOUNTS_BEFORE=$(mount_count)
	command -v pasta >/dev/null || { echo "pasta is not installed (scripts/deps.sh)" >&2; return 1; }
	NS=bt-pasta-$$-$BATS_SUITE_TEST_NUMBER
	HOST_LINKS_BEFORE=$(ip -o link | awk '{print $2}' | sort)
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	ip -n "$NS" link add eth0 type veth peer name peer0
	ip -n "$NS" addr add 192.0.2.1/24 dev eth0
	ip -n "$NS" link set peer0 up
	ip -n "$NS" link set eth0 up
	ip -n "$NS" route add default via "$GATEWAY" dev eth0
	SERVER_PID=
}

teardown() {
	[ -z "$SERVER_PID" ] || { kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; }
	# whatever a failed test left in the namespace (a job, pasta, a keeper)
	local p
	for p in $(ns_pids); do kill -9 "$p" 2>/dev/null || true; done
	ip netns del "$NS" 2>/dev/null || true
	[ "$(ip -o link | awk '{print $2}' | sort)" = "$HOST_LINKS_BEFORE" ] ||
		{ echo "the host's interfaces changed" >&2; return 1; }
	assert_no_leaks
}

in_ns() {
	nsenter --net="/run/netns/$NS" "$@"
}

# a TCP and a UDP server on the namespace's 127.0.0.1:$PORT: each answers
# "tcp-pong:MSG" / "udp-pong:MSG" and logs what it got to $BATS_TEST_TMPDIR/got
start_server() {
	# nsenter execs python3: $! is the server itself; fd 3 (bats' own)
	# closed, or bats would wait for it
	nsenter --net="/run/netns/$NS" python3 - "$PORT" "$BATS_TEST_TMPDIR/got" >/dev/null 2>&1 3>&- <<'PY' &
import socket, sys, threading
port, log = int(sys.argv[1]), sys.argv[2]
def note(proto, data):
    with open(log, "a") as f:
        f.write("%s got %s\n" % (proto, data.decode()))
t = socket.socket()
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("127.0.0.1", port))
t.listen(8)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", port))
def udp():
    while True:
        data, peer = u.recvfrom(512)
        note("udp", data)
        u.sendto(b"udp-pong:" + data, peer)
threading.Thread(target=udp, daemon=True).start()
open(log + ".ready", "w").close()
while True:
    c, _ = t.accept()
    data = c.recv(512)
    note("tcp", data)
    c.sendall(b"tcp-pong:" + data)
    c.close()
PY
	SERVER_PID=$!
	wait_until "[ -e '$BATS_TEST_TMPDIR/got.ready' ]"
}

# every process in the test's namespace but the server: a job, pasta,
# its keeper
ns_pids() {
	ip netns pids "$NS" 2>/dev/null | grep -vx "${SERVER_PID:-none}" || true
}

# pasta processes in the namespace (pasta execs passt.avx2 where the CPU
# has it)
pasta_count() {
	local p n=0
	for p in $(ns_pids); do
		case $(cat "/proc/$p/comm" 2>/dev/null) in pasta* | passt*) n=$((n + 1)) ;; esac
	done
	echo "$n"
}

assert_nothing_left() {
	wait_until "[ -z \"\$(ns_pids)\" ]" || {
		echo "left in the namespace:" >&2
		for p in $(ns_pids); do echo "$p $(tr '\0' ' ' <"/proc/$p/cmdline")" >&2; done
		return 1
	}
	assert_root_empty
}

# sandbox_in_ns in the background, its output in $BATS_TEST_TMPDIR/out;
# nsenter execs berth, so $berth_pid is berth's own pid
sandbox_bg() {
	nsenter --net="/run/netns/$NS" "$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" "$@" \
		>"$BATS_TEST_TMPDIR/out" 2>&1 </dev/null 3>&- &
	berth_pid=$!
}

sandbox_in_ns() {
	in_ns "$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" "$@"
}

@test "sandbox --network pasta: the job reaches a TCP server on the namespace's loopback at the gateway" {
	start_server
	run sandbox_in_ns --network pasta -- /bin/sh -c "ip -4 -o addr show dev eth0; probe tcp $GATEWAY $PORT hello-tcp"
	assert_status 0
	assert_contains "inet 192.0.2.1/24"
	assert_contains "tcp reply: tcp-pong:hello-tcp"
	grep -q "tcp got hello-tcp" "$BATS_TEST_TMPDIR/got"
	assert_nothing_left
}

@test "sandbox --network pasta: the job reaches a UDP server the same way" {
	start_server
	run sandbox_in_ns --network pasta -- probe udp "$GATEWAY" "$PORT" hello-udp
	assert_status 0
	assert_contains "udp reply: udp-pong:hello-udp"
	grep -q "udp got hello-udp" "$BATS_TEST_TMPDIR/got"
	assert_nothing_left
}

@test "sandbox --network pasta: only when asked — the default network (none) reaches nothing" {
	start_server
	run sandbox_in_ns -- /bin/sh -c "probe tcp $GATEWAY $PORT by-default; probe udp $GATEWAY $PORT by-default"
	assert_status 0
	[ "$(sed -n 1p <<<"$output")" = ENETUNREACH ]
	[ "$(sed -n 2p <<<"$output")" = ENETUNREACH ]
	run sandbox_in_ns --network none -- probe tcp "$GATEWAY" "$PORT" with-none
	assert_contains ENETUNREACH
	[ ! -e "$BATS_TEST_TMPDIR/got" ]
	run sandbox_in_ns --network pasta -- probe tcp "$GATEWAY" "$PORT" with-pasta
	assert_contains "tcp-pong:with-pasta"
	[ "$(cat "$BATS_TEST_TMPDIR/got")" = "tcp got with-pasta" ]
}

@test "sandbox --network pasta: pasta runs while the job does and is gone after it, with the state" {
	start_server
	sandbox_bg --network pasta --stop-grace 0 -- /bin/sh -c "sleep 100"
	wait_until "[ \"\$(pasta_count)\" = 1 ]"
	kill -TERM "$berth_pid"
	wait "$berth_pid" || true
	assert_nothing_left
	# and once more, a job that ends by itself
	run sandbox_in_ns --network pasta -- /bin/sh -c 'exit 3'
	assert_status 3
	assert_nothing_left
}

@test "sandbox --network pasta: nothing is left after --timeout" {
	start_server
	run sandbox_in_ns --network pasta --timeout 300ms --stop-grace 0 -- /bin/sh -c "probe tcp $GATEWAY $PORT before-timeout; sleep 100"
	assert_status 124
	assert_contains "tcp-pong:before-timeout"
	assert_nothing_left
}

@test "sandbox --network pasta: kill -9 of berth takes pasta along" {
	start_server
	sandbox_bg --network pasta -- /bin/sh -c "probe tcp $GATEWAY $PORT alive; sleep 100"
	wait_until "grep -q tcp-pong:alive '$BATS_TEST_TMPDIR/out'"
	[ "$(pasta_count)" = 1 ]
	kill -9 "$berth_pid"
	wait "$berth_pid" || true
	wait_until "[ -z \"\$(ns_pids)\" ]"
	# the state dir of a dead berth is reclaimed by the next berth
	run in_ns "$BERTH" --root "$ROOT" list -q
	assert_status 0
	assert_root_empty
}

@test "sandbox --network pasta: a rootless job reaches the server too" {
	ensure_subid_user "$RL_USER"
	dir=$(mktemp -d /tmp/berth-pasta.XXXXXX)
	chmod 0755 "$dir"
	chown "$RL_USER:" "$dir"
	start_server
	# pasta opens /dev/net/tun as the user: most distributions make it
	# 0666; where the host's is not, a 0666 node of the test's own, bound
	# over it in a private mount namespace
	cat >"$dir/run.sh" <<-EOF
		if ! runuser -u $RL_USER -- test -w /dev/net/tun; then
			mkdir "$dir/dev" && mount -t tmpfs -o mode=0755 tmpfs "$dir/dev" &&
				mknod -m 0666 "$dir/dev/tun" c 10 200 && mount --bind "$dir/dev/tun" /dev/net/tun ||
				exit 99
		fi
		exec runuser -u $RL_USER -- env -u XDG_RUNTIME_DIR HOME=/ "$BERTH" --root "$dir/state" \
			sandbox --rootfs "$TEST_ROOTFS" --network pasta -- \
			/bin/sh -c 'id -u; cat /proc/self/uid_map; probe tcp $GATEWAY $PORT rootless'
	EOF
	run in_ns unshare -m --propagation private sh "$dir/run.sh"
	left=$(find "$dir/state" -mindepth 1 -maxdepth 1 ! -name .seccomp-cache 2>/dev/null)
	rm -rf "$dir"
	assert_status 0
	[ "$(sed -n 1p <<<"$output")" = 0 ]
	[ "$(sed -n 2p <<<"$output" | awk '{print $2}')" = "$(id -u "$RL_USER")" ]
	assert_contains "tcp reply: tcp-pong:rootless"
	grep -q "tcp got rootless" "$BATS_TEST_TMPDIR/got"
	[ -z "$left" ]
	assert_nothing_left
}

@test "sandbox --network pasta: without pasta in PATH berth says so and exits 125, leaving nothing" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	run env PATH="$BATS_TEST_TMPDIR/bin" "$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" \
		--network pasta -- /bin/sh -c 'echo the job ran'
	assert_status 125
	assert_contains "--network pasta"
	assert_contains "'pasta' not found in PATH"
	assert_not_contains "the job ran"
	assert_root_empty
	[ -z "$(pgrep -f "^pasta ")" ]
}

@test "sandbox --network: an unknown mode names the flag and the choices, pasta among them" {
	run "$BERTH" --root "$ROOT" sandbox --rootfs "$TEST_ROOTFS" --network bogus -- true
	assert_status 125
	assert_contains '--network: must be none, pasta, host'
	assert_contains '"bogus"'
	assert_root_empty
}
