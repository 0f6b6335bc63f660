#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Rootless: every verb as an ordinary user, through user namespaces.  The
# suite creates the user "berthtest" with a subordinate id range, and runs
# berth as that user with runuser(1).

load helpers

RL_USER=berthtest

setup_file() {
	ensure_subid_user "$RL_USER"
}

setup() {
	RL_UID=$(id -u "$RL_USER")
	RL_GID=$(id -g "$RL_USER")
	RL_SUBUID=$(subid_start "$RL_USER" /etc/subuid)
	RL_SUBGID=$(subid_start "$RL_USER" /etc/subgid)
	# a directory the user owns (bats' own temp dirs are root's, mode 0700)
	RL_DIR=$(mktemp -d /tmp/berth-rootless.XXXXXX)
	chmod 0755 "$RL_DIR"
	chown "$RL_USER:" "$RL_DIR"
	BUNDLE=$RL_DIR/bundle
	ID=rl$$-${BATS_SUITE_TEST_NUMBER}
	RL_ROOT=/tmp/berth-$RL_UID
	mkdir -p "$BUNDLE"
	chown "$RL_USER:" "$BUNDLE"
	as_user "$BERTH" spec --rootless --bundle "$BUNDLE"
	as_user sh -c "jq --arg rf '$TEST_ROOTFS' '.process.terminal = false | .root.path = \$rf' \
		'$BUNDLE/config.json' > '$BUNDLE/c' && mv '$BUNDLE/c' '$BUNDLE/config.json'"
}

teardown() {
	local id
	for id in $(as_user "$BERTH" list -q 2>/dev/null); do
		as_user "$BERTH" delete --force "$id" >/dev/null 2>&1 || true
	done
	left=$(as_user "$BERTH" list -q 2>/dev/null)
	rm -rf "$RL_DIR"
	[ -z "$left" ] || { echo "containers left: $left" >&2; return 1; }
}

# as the unprivileged user, with no XDG_RUNTIME_DIR (podman's situation)
as_user() {
	runuser -u "$RL_USER" -- env -u XDG_RUNTIME_DIR HOME=/ "$@"
}

# as_user for create and run -d: the container keeps the stdio it is
# given, so never bats' capture pipe (see detached in helpers.bash)
rl_detached() {
	as_user "$@" >"$RL_DIR/out" 2>"$RL_DIR/err" </dev/null
	local rc=$?
	cat "$RL_DIR/err"
	return $rc
}

rl_edit() {
	as_user sh -c "jq '$1' '$BUNDLE/config.json' > '$BUNDLE/c' && mv '$BUNDLE/c' '$BUNDLE/config.json'"
}

rl_args() {
	local json
	json=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
	rl_edit ".process.args = $json"
}

@test "rootless: spec --rootless maps the caller to root and has no network namespace" {
	run jq -c '.linux.uidMappings, .linux.gidMappings, [.linux.namespaces[].type]' "$BUNDLE/config.json"
	assert_contains "[{\"containerID\":0,\"hostID\":$RL_UID,\"size\":1}]"
	assert_contains "[{\"containerID\":0,\"hostID\":$RL_GID,\"size\":1}]"
	assert_not_contains '"network"'
	assert_contains '"user"'
}

@test "rootless: run: id is 0 inside, uid_map shows the mapping, CapEff is the spec's" {
	rl_args /bin/sh -c 'id -u; cat /proc/self/uid_map; grep ^CapEff /proc/self/status'
	run as_user "$BERTH" run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(sed -n 1p <<<"$output")" = 0 ]
	[ "$(sed -n 2p <<<"$output" | awk '{print $1, $2, $3}')" = "0 $RL_UID 1" ]
	# the default spec: AUDIT_WRITE, KILL, NET_BIND_SERVICE
	[ "$(sed -n 3p <<<"$output" | awk '{print $2}')" = 0000000020000420 ]
}

@test "rootless: the state lives in a private directory under /tmp without XDG_RUNTIME_DIR" {
	rl_args /bin/sleep 100
	as_user "$BERTH" run -d -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	[ -d "$RL_ROOT/$ID" ]
	[ "$(stat -c '%a %U' "$RL_ROOT")" = "700 $RL_USER" ]
	[ "$(as_user "$BERTH" state "$ID" | jq -r .status)" = running ]
}

@test "rootless: with XDG_RUNTIME_DIR the state is under it" {
	xdg=$RL_DIR/xdg
	as_user mkdir -m 0700 "$xdg"
	rl_args /bin/sleep 100
	runuser -u "$RL_USER" -- env XDG_RUNTIME_DIR="$xdg" "$BERTH" run -d -b "$BUNDLE" "$ID" \
		</dev/null >/dev/null 2>&1
	[ -d "$xdg/berth/$ID" ]
	runuser -u "$RL_USER" -- env XDG_RUNTIME_DIR="$xdg" "$BERTH" delete --force "$ID"
	[ ! -e "$xdg/berth/$ID" ]
}

@test "rootless: create, start, state, exec, kill and delete work and leave nothing" {
	rl_args /bin/sleep 100
	run rl_detached "$BERTH" create -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(as_user "$BERTH" state "$ID" | jq -r .status)" = created ]
	as_user "$BERTH" start "$ID"
	[ "$(as_user "$BERTH" state "$ID" | jq -r .status)" = running ]
	run as_user "$BERTH" exec "$ID" /bin/sh -c 'id -u; cat /proc/self/uid_map'
	assert_status 0
	[ "$(sed -n 1p <<<"$output")" = 0 ]
	run as_user "$BERTH" list -q
	assert_contains "$ID"
	pid=$(as_user "$BERTH" state "$ID" | jq .pid)
	# on the host the container's root is the unprivileged user
	[ "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" = "$RL_UID" ]
	as_user "$BERTH" kill "$ID" KILL
	wait_until '[ "$(as_user "$BERTH" state "$ID" | jq -r .status)" = stopped ]'
	as_user "$BERTH" delete "$ID"
	[ ! -e "$RL_ROOT/$ID" ]
	# gone, or a zombie waiting for the host's init to reap it
	[ ! -e "/proc/$pid" ] || [ "$(cut -d' ' -f3 "/proc/$pid/stat")" = Z ]
}

@test "rootless: root inside cannot write the host's root-owned files" {
	mkdir -p "$RL_DIR/rootonly"
	chmod 0755 "$RL_DIR/rootonly"
	echo secret > "$RL_DIR/rootonly/file"
	rl_edit ".mounts += [{\"destination\": \"/home\", \"type\": \"bind\", \"source\": \"$RL_DIR/rootonly\", \"options\": [\"rbind\", \"rw\"]}]"
	rl_args /bin/sh -c 'echo x > /home/file; echo "write=$?"; touch /home/new; echo "create=$?"; cat /home/file'
	run as_user "$BERTH" run -b "$BUNDLE" "$ID"
	assert_contains "write=1"
	assert_contains "create=1"
	assert_contains "secret"
	[ "$(cat "$RL_DIR/rootonly/file")" = secret ]
	[ ! -e "$RL_DIR/rootonly/new" ]
}

@test "rootless: a 65536-id range maps through newuidmap and /etc/subuid" {
	rl_edit ".linux.uidMappings = [{\"containerID\": 0, \"hostID\": $RL_UID, \"size\": 1}, {\"containerID\": 1, \"hostID\": $RL_SUBUID, \"size\": 65536}]
		| .linux.gidMappings = [{\"containerID\": 0, \"hostID\": $RL_GID, \"size\": 1}, {\"containerID\": 1, \"hostID\": $RL_SUBGID, \"size\": 65536}]"
	rl_args /bin/cat /proc/self/uid_map
	run as_user "$BERTH" run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(sed -n 2p <<<"$output" | awk '{print $1, $2, $3}')" = "1 $RL_SUBUID 65536" ]
}

@test "rootless: a range outside /etc/subuid is named in the error and nothing is left" {
	local out=$((RL_SUBUID + 200000))
	rl_edit ".linux.uidMappings = [{\"containerID\": 0, \"hostID\": $RL_UID, \"size\": 1}, {\"containerID\": 1, \"hostID\": $out, \"size\": 10}]
		| .linux.gidMappings = [{\"containerID\": 0, \"hostID\": $RL_GID, \"size\": 1}, {\"containerID\": 1, \"hostID\": $RL_SUBGID, \"size\": 10}]"
	run as_user "$BERTH" run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "host ids $RL_UID-$RL_UID, $out-$((out + 9)) are not all within what /etc/subuid grants uid $RL_UID ($RL_SUBUID-$((RL_SUBUID + 65535))"
	assert_root_empty "$RL_ROOT"
}

@test "rootless: a gid range outside /etc/subgid is named, with the uid range good; both maps' helpers leave nothing" {
	local out=$((RL_SUBGID + 200000))
	rl_edit ".linux.uidMappings = [{\"containerID\": 0, \"hostID\": $RL_UID, \"size\": 1}, {\"containerID\": 1, \"hostID\": $RL_SUBUID, \"size\": 10}]
		| .linux.gidMappings = [{\"containerID\": 0, \"hostID\": $RL_GID, \"size\": 1}, {\"containerID\": 1, \"hostID\": $out, \"size\": 10}]"
	run as_user "$BERTH" run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "are not all within what /etc/subgid grants uid $RL_UID"
	assert_not_contains "/etc/subuid"
	assert_root_empty "$RL_ROOT"
	# both wrong: the uid map's failure is the one said
	rl_edit ".linux.uidMappings[1].hostID = $((RL_SUBUID + 200000))"
	run as_user "$BERTH" run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "what /etc/subuid grants"
	assert_root_empty "$RL_ROOT"
	[ -z "$(pgrep -u "$RL_USER" -f 'new[ug]idmap')" ]
}

@test "rootless: without newuidmap on PATH the error says to install uidmap" {
	rl_edit ".linux.uidMappings = [{\"containerID\": 0, \"hostID\": $RL_UID, \"size\": 1}, {\"containerID\": 1, \"hostID\": $RL_SUBUID, \"size\": 10}]"
	run runuser -u "$RL_USER" -- env -u XDG_RUNTIME_DIR HOME=/ PATH=/nonexistent "$BERTH" run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "newuidmap not found (install the uidmap package)"
	assert_root_empty "$RL_ROOT"
}

@test "rootless: a limit without a delegated cgroup fails clearly; no limit runs without a cgroup" {
	rl_edit '.linux.resources = {"pids": {"limit": 10}}'
	run as_user "$BERTH" run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "delegat"
	rl_edit 'del(.linux.resources)'
	rl_args /bin/sh -c 'grep ^0:: /proc/self/cgroup'
	run as_user "$BERTH" run -b "$BUNDLE" "$ID"
	assert_status 0
	# the caller's own cgroup: none was created
	[ "$output" = "$(grep ^0:: /proc/self/cgroup)" ] || [[ "$output" != *"/berth/"* ]]
}

@test "rootless: cannot raise its own limits" {
	hard=$(runuser -u "$RL_USER" -- sh -c 'ulimit -Hn')
	rl_edit ".process.rlimits = [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": $((hard * 2))}]"
	run as_user "$BERTH" run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "RLIMIT_NOFILE"
	rl_edit 'del(.process.rlimits)'
	rl_args /bin/sh -c "ulimit -Hn $((hard * 2)); echo rc=\$?"
	run as_user "$BERTH" run -b "$BUNDLE" "$ID"
	assert_contains "rc=1"
}

@test "rootless: bridge networking is refused with a clear message" {
	rl_edit '.linux.namespaces += [{"type": "network"}] | .annotations = {"org.berth.network": "bridge"}'
	run as_user "$BERTH" run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "bridge networking needs root"
}

@test "rootless: berth sandbox runs a job in a user namespace" {
	run as_user "$BERTH" sandbox --rootfs "$TEST_ROOTFS" -- /bin/sh -c 'id -u; cat /proc/self/uid_map; probe mount'
	assert_status 0
	[ "$(sed -n 1p <<<"$output")" = 0 ]
	[ "$(sed -n 2p <<<"$output" | awk '{print $1, $2}')" = "0 $RL_UID" ]
	# its subordinate ids, from /etc/subuid, as 1-65536
	[ "$(sed -n 3p <<<"$output" | awk '{print $1, $2, $3}')" = "1 $RL_SUBUID 65536" ]
	[ "$(sed -n 4p <<<"$output")" = EPERM ]
	assert_root_empty "$RL_ROOT"
}

@test "rootless: sandbox --stats without a delegated cgroup still reports the job's CPU time" {
	run as_user "$BERTH" sandbox --rootfs "$TEST_ROOTFS" --stats "$RL_DIR/s.json" \
		-- /bin/sh -c '/bin/probe burn 150 & /bin/probe burn 150; wait'
	assert_status 0
	# both processes count, the one the shell reaped too
	[ "$(jq .userCpuMs "$RL_DIR/s.json")" -ge 250 ]
	[ "$(jq .systemCpuMs "$RL_DIR/s.json")" != null ]
	[ "$(jq .memoryPeakBytes "$RL_DIR/s.json")" = null ]
	assert_root_empty "$RL_ROOT"
}

@test "rootless: berth runs from a sealed copy when the user owns the binary, as it is when root does" {
	# the container's root is the user, who could write ~/bin/berth through
	# /proc/PID/exe (CVE-2019-5736): such a berth protects itself, with a
	# memfd copy (an unprivileged user cannot mount overlayfs)
	mkdir -p "$RL_DIR/bin"
	cp "$BERTH" "$RL_DIR/bin/berth"
	chown -R "$RL_USER:" "$RL_DIR/bin"
	rl_args /bin/sh -c 'echo ran'
	run as_user "$RL_DIR/bin/berth" --debug --log "$RL_DIR/log" run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_contains ran
	run grep "protected copy" "$RL_DIR/log"
	assert_contains "running from a sealed memfd copy"
	# root's berth (0755): neither the user nor any id its containers hold
	# can write it, so a copy protects nothing (binary.bats runs the attack)
	run as_user "$BERTH" --debug --log "$RL_DIR/log2" run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_contains ran
	run grep "protected copy" "$RL_DIR/log2"
	assert_contains "not needed: the binary is root's"
}
