#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# hooks: the six kinds, when they run, where (host or container
# namespaces), what they get (state JSON on stdin, args, env), and what
# their failure does.

load helpers
load lib/cli

KINDS="prestart createRuntime createContainer startContainer poststart poststop"

# HK: the hook directory on the host, bind-mounted on /home in the
# container.  hook.sh KIND OUTDIR [ARG...] records what a hook sees in
# OUTDIR/KIND.* and appends KIND to OUTDIR/order.
setup() {
	helpers_setup
	HK=$BATS_TEST_TMPDIR/hk
	mkdir -p "$HK/out"
	cat > "$HK/hook.sh" <<-'EOF'
	#!/bin/sh
	kind=$1 out=$2
	shift 2
	cat > "$out/$kind.state"
	echo "$*" > "$out/$kind.args"
	env > "$out/$kind.env"
	hostname > "$out/$kind.hostname"
	readlink /proc/self/ns/uts > "$out/$kind.uts"
	readlink /proc/self/ns/mnt > "$out/$kind.mnt"
	echo "$kind" >> "$out/order"
	EOF
	chmod 755 "$HK/hook.sh"
}

# hook KIND: the JSON of a recording hook of that kind
hook() {
	local path=$HK/hook.sh out=$HK/out
	if [ "$1" = startContainer ]; then
		# resolved and run inside the container, after pivot_root
		path=/home/hook.sh out=/home/out
	fi
	jq -cn --arg p "$path" --arg k "$1" --arg o "$out" \
		'{path: $p, args: ["hook.sh", $k, $o, "arg one", "two"],
		  env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOOKVAR=\($k)-env"]}'
}

# a bundle with one recording hook of each kind, hostname "hooked", and
# a process that records itself in the order file before it sleeps
hooked_bundle() {
	local k hooks="{}"
	make_bundle '.hostname = "hooked" | .annotations = {"org.example.hook": "yes"}'
	add_bind "$HK" /home
	for k in $KINDS; do
		hooks=$(jq -c --argjson h "$(hook "$k")" ".$k = [\$h]" <<<"$hooks")
	done
	edit_config ".hooks = $hooks"
	set_args /bin/sh -c "echo process >> /home/out/order; exec sleep 1000"
}

order() {
	tr '\n' ' ' < "$HK/out/order" 2>/dev/null
}

# a failing hook: /bin/sh -c 'echo MSG >&2; exit STATUS'
failing_hook() {
	jq -cn --arg m "$1" --argjson s "$2" \
		'{path: "/bin/sh", args: ["sh", "-c", "echo \($m) >&2; exit \($s)"]}'
}

@test "hooks: each kind runs at its moment, in order" {
	hooked_bundle
	run detached create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	assert_status 0
	[ "$(order)" = "prestart createRuntime createContainer " ]
	berth start "$ID"
	# OCI lifecycle: startContainer hooks, the program, then poststart,
	# all before start returns
	[[ "$(order)" == "prestart createRuntime createContainer startContainer "* ]]
	grep -qx poststart "$HK/out/order"
	wait_for grep -qx process "$HK/out/order"
	[ ! -e "$HK/out/poststop.state" ]
	berth kill "$ID" KILL
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	[ ! -e "$HK/out/poststop.state" ]
	berth delete "$ID"
	[ "$(tail -1 "$HK/out/order")" = poststop ]
	[ "$(wc -l < "$HK/out/order")" = 7 ]
}

@test "hooks: each gets the state JSON on stdin with status, pid, id, bundle, annotations" {
	hooked_bundle
	detached create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	berth start "$ID"
	berth delete --force "$ID"
	declare -A want=([prestart]=creating [createRuntime]=creating [createContainer]=creating
		[startContainer]=created [poststart]=running [poststop]=stopped)
	for k in $KINDS; do
		st=$HK/out/$k.state
		jq -e . "$st" >/dev/null || { echo "$k: no JSON state" >&2; false; }
		[ "$(jq -r .status "$st")" = "${want[$k]}" ] || { echo "$k: status $(jq -r .status "$st")" >&2; false; }
		[ "$(jq -r .id "$st")" = "$ID" ]
		[ "$(jq -r .bundle "$st")" = "$BUNDLE" ]
		[ "$(jq -r .ociVersion "$st")" = 1.2.0 ]
		[ "$(jq -r '.annotations["org.example.hook"]' "$st")" = yes ]
		if [ "$k" != poststop ]; then
			[ "$(jq -r .pid "$st")" = "$pid" ] || { echo "$k: pid $(jq -r .pid "$st") not $pid" >&2; false; }
		fi
	done
}

@test "hooks: each runs with its own args and only its own env" {
	hooked_bundle
	detached run -d -b "$BUNDLE" "$ID"
	berth delete --force "$ID"
	for k in $KINDS; do
		[ "$(cat "$HK/out/$k.args")" = "arg one two" ]
		grep -qx "HOOKVAR=$k-env" "$HK/out/$k.env"
		grep -qx "PATH=/usr/sbin:/usr/bin:/sbin:/bin" "$HK/out/$k.env"
		! grep -q '^BATS_' "$HK/out/$k.env"
		! grep -q '^HOME=' "$HK/out/$k.env"
	done
}

@test "hooks: without env a hook gets an empty environment" {
	make_bundle
	edit_config ".hooks.prestart = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"/usr/bin/env > $HK/out/env\"]}]"
	set_args /bin/true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	! grep -q '^BATS_' "$HK/out/env"
	! grep -q '^HOME=' "$HK/out/env"
	! grep -q '^PATH=/usr/local' "$HK/out/env"
}

@test "hooks: createContainer and startContainer run in the container's namespaces, the others on the host" {
	hooked_bundle
	detached create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	c_uts=$(readlink "/proc/$pid/ns/uts")
	c_mnt=$(readlink "/proc/$pid/ns/mnt")
	berth start "$ID"
	berth delete --force "$ID"
	for k in createContainer startContainer; do
		[ "$(cat "$HK/out/$k.hostname")" = hooked ]
		[ "$(cat "$HK/out/$k.uts")" = "$c_uts" ]
		[ "$(cat "$HK/out/$k.mnt")" = "$c_mnt" ]
	done
	for k in prestart createRuntime poststart poststop; do
		[ "$(cat "$HK/out/$k.hostname")" = "$(hostname)" ] || { echo "$k: $(cat "$HK/out/$k.hostname")" >&2; false; }
		[ "$(cat "$HK/out/$k.uts")" = "$(readlink /proc/self/ns/uts)" ]
		[ "$(cat "$HK/out/$k.mnt")" = "$(readlink /proc/self/ns/mnt)" ]
	done
}

@test "hooks: run in the foreground runs all six, poststop last" {
	hooked_bundle
	set_args /bin/sh -c 'echo process >> /home/out/order'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	[[ "$(order)" == "prestart createRuntime createContainer startContainer "* ]]
	[ "$(tail -1 "$HK/out/order")" = poststop ]
	[ "$(wc -l < "$HK/out/order")" = 7 ]
}

@test "hooks: poststop runs when a running container is deleted with --force" {
	hooked_bundle
	detached run -d -b "$BUNDLE" "$ID"
	[ ! -e "$HK/out/poststop.state" ]
	berth delete --force "$ID"
	[ "$(jq -r .status "$HK/out/poststop.state")" = stopped ]
}

@test "hooks: a failing prestart, createRuntime or createContainer hook aborts create and leaves nothing" {
	for k in prestart createRuntime createContainer; do
		hooked_bundle
		rm -f "$HK/out/"*
		edit_config ".hooks.$k = [$(failing_hook "boom-$k" 3), $(hook "$k")]"
		run detached create -b "$BUNDLE" "$ID"
		assert_status 1
		assert_error_eq "$k hook #0 '/bin/sh': exited with status 3: boom-$k"
		assert_container_gone "$ID"
		# the hooks after the failed one never ran, nor did the process
		[ ! -e "$HK/out/$k.state" ]
		[ ! -e "$HK/out/startContainer.state" ]
		! grep -qx process "$HK/out/order" 2>/dev/null
	done
}

@test "hooks: a hook that cannot be executed aborts create naming it" {
	make_bundle
	edit_config '.hooks.prestart = [{"path": "/no/such/hook"}]'
	run detached create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "prestart hook #0 '/no/such/hook': exited with status 127"
	assert_contains "No such file or directory"
	assert_container_gone "$ID"
}

@test "hooks: a hook past its timeout is killed and reported" {
	make_bundle
	edit_config '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "9871"], "timeout": 1}]'
	run detached create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_error_eq "createRuntime hook #0 '/bin/sleep': timed out after 1 s"
	assert_container_gone "$ID"
	! pgrep -f '^sleep 9871$'
}

@test "hooks: a failing poststart only warns; later hooks run and the container runs" {
	hooked_bundle
	edit_config ".hooks.poststart = [$(failing_hook bad-poststart 4), $(hook poststart)]"
	detached create -b "$BUNDLE" "$ID"
	run berth start "$ID"
	assert_status 0
	assert_contains "warning: poststart hook #0 '/bin/sh': exited with status 4: bad-poststart"
	[ "$(state_of "$ID")" = running ]
	[ -e "$HK/out/poststart.state" ]
}

@test "hooks: a failing poststart with run -d only warns" {
	make_bundle
	edit_config ".hooks.poststart = [$(failing_hook bad-poststart 4)]"
	set_args /bin/sleep 1000
	run detached run -d -b "$BUNDLE" "$ID"
	assert_status 0
	assert_contains "bad-poststart"
	[ "$(state_of "$ID")" = running ]
}

@test "hooks: a failing poststop only warns; later hooks run and delete removes everything" {
	hooked_bundle
	edit_config ".hooks.poststop = [$(failing_hook bad-poststop 5), $(hook poststop)]"
	detached run -d -b "$BUNDLE" "$ID"
	run berth delete --force "$ID"
	assert_status 0
	assert_contains "warning: poststop hook #0 '/bin/sh': exited with status 5: bad-poststop"
	[ -e "$HK/out/poststop.state" ]
	assert_container_gone "$ID"
}

@test "hooks: a failing startContainer hook stops the container before its process" {
	hooked_bundle
	edit_config ".hooks.startContainer = [$(failing_hook bad-start 6)]"
	detached create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	berth start "$ID" || true
	wait_until '[ "$(state_of "$ID")" = stopped ]'
	! grep -qx process "$HK/out/order"
	wait_for grep -q "startContainer hook #0 '/bin/sh': exited with status 6: bad-start" "$BATS_TEST_TMPDIR/err"
}

@test "hooks: a hook's stdout is not mixed into berth's output" {
	make_bundle
	edit_config '.hooks.prestart = [{"path": "/bin/echo", "args": ["echo", "hook-stdout"]}]'
	set_args /bin/echo from-process
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_line_eq "$output" "from-process"
}
