#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Errors: every malformed document of the corpus in tests/data/bad gives
# its exact message (NAME.err) through the verb that reads it, and leaves
# nothing behind; plus the failures of a bundle and a process that only
# show at create time.
#
#   NAME.json             as a bundle's config.json  -> berth create
#   process-NAME.json     berth exec --process       (a running container)
#   resources-NAME.json   berth update --resources   (a running container)

load helpers
load lib/cli

BAD=${BERTH_BAD_CORPUS:-$REPO/tests/data/bad}

corpus() {
	[ -d "$BAD" ] || { echo "no corpus at $BAD" >&2; return 1; }
	find "$BAD" -maxdepth 1 -name '*.json' -printf '%f\n' | sort | grep -E "$1"
}

# expected message of a corpus file: the first line of NAME.err
expected() {
	head -1 "$BAD/${1%.json}.err"
}

# report the mismatches collected in FAILED, fail if there are any
report() {
	if [ "${#FAILED[@]}" != 0 ]; then
		printf '%s\n' "${FAILED[@]}" >&2
		echo "${#FAILED[@]} mismatches over $1 documents" >&2
		return 1
	fi
}

@test "errors: the corpus holds a message for every document" {
	n=$(corpus . | wc -l)
	[ "$n" -gt 200 ]
	for f in $(corpus .); do
		[ -s "$BAD/${f%.json}.err" ] || { echo "no message for $f" >&2; false; }
	done
}

@test "errors: every bad config.json fails create with its exact message and leaves nothing" {
	FAILED=()
	n=0
	for f in $(corpus '^[^.]+\.json$' | grep -vE '^(process|resources)-'); do
		n=$((n + 1))
		id=$ID-$n
		b=$BATS_TEST_TMPDIR/b/$id
		mkdir -p "$b"
		cp "$BAD/$f" "$b/config.json"
		ln -s "$TEST_ROOTFS" "$b/rootfs"
		rc=0
		got=$("$BERTH" --root "$ROOT" create --bundle "$b" --pid-file "$b/pid" "$id" \
			2>&1 >/dev/null </dev/null 3>&-) || rc=$?
		want="berth: $(expected "$f")"
		if [ "$rc" = 0 ]; then
			FAILED+=("$f: create succeeded (wanted: $want)")
			berth delete --force "$id" >/dev/null 2>&1
		elif [ "$got" != "$want" ]; then
			FAILED+=("$f: got '$got', wanted '$want'")
		fi
		if [ -e "$ROOT/$id" ] || [ -e "$(cg_of "$id")" ] || [ -e "$b/pid" ]; then
			FAILED+=("$f: left state, cgroup or pid file behind")
		fi
	done
	[ "$n" -gt 100 ]
	report "$n"
}

@test "errors: every bad process JSON fails exec --process with its exact message, starting nothing" {
	sleeper
	init=$(init_pid)
	FAILED=()
	n=0
	for f in $(corpus '^process-'); do
		n=$((n + 1))
		rm -f "$BATS_TEST_TMPDIR/exec.pid"
		rc=0
		got=$("$BERTH" --root "$ROOT" exec --process "$BAD/$f" --detach \
			--pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" 2>&1 >/dev/null </dev/null 3>&-) || rc=$?
		want="berth: $(expected "$f")"
		if [ "$rc" = 0 ]; then
			FAILED+=("$f: exec succeeded (wanted: $want)")
		elif [ "$got" != "$want" ]; then
			FAILED+=("$f: got '$got', wanted '$want'")
		fi
		[ ! -e "$BATS_TEST_TMPDIR/exec.pid" ] || FAILED+=("$f: wrote a pid file")
		[ "$(cg_pids "$(cg_of "$ID")")" = "$init" ] || FAILED+=("$f: a process was started")
	done
	[ "$n" -gt 5 ]
	[ "$(state_of "$ID")" = running ]
	report "$n"
}

@test "errors: every bad resources JSON fails update --resources with its exact message" {
	sleeper
	cg=$(cg_of "$ID")
	before=$(cat "$cg"/hugetlb.*.max)
	FAILED=()
	n=0
	for f in $(corpus '^resources-'); do
		n=$((n + 1))
		rc=0
		got=$("$BERTH" --root "$ROOT" update --resources "$BAD/$f" "$ID" 2>&1 >/dev/null </dev/null 3>&-) || rc=$?
		want="berth: $(expected "$f")"
		if [ "$rc" = 0 ]; then
			FAILED+=("$f: update succeeded (wanted: $want)")
		elif [ "$got" != "$want" ]; then
			FAILED+=("$f: got '$got', wanted '$want'")
		fi
		# stdin (containerd's form) gives the same message
		got=$("$BERTH" --root "$ROOT" update --resources - "$ID" 2>&1 >/dev/null <"$BAD/$f" 3>&-) || true
		[ "$got" = "$want" ] || FAILED+=("$f on stdin: got '$got', wanted '$want'")
	done
	[ "$n" -gt 5 ]
	[ "$(cat "$cg"/hugetlb.*.max)" = "$before" ]
	[ "$(state_of "$ID")" = running ]
	report "$n"
}

@test "errors: a root.path that does not exist" {
	make_bundle '.root.path = "/nonexistent/rootfs"'
	run detached create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_error_eq "root.path '/nonexistent/rootfs': No such file or directory"
	assert_root_empty
}

@test "errors: a relative root.path is resolved in the bundle, and named when missing" {
	make_bundle '.root.path = "rootfs"'
	run detached create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_error_eq "root.path '$BUNDLE/rootfs': No such file or directory"
	assert_root_empty
	ln -s "$TEST_ROOTFS" "$BUNDLE/rootfs"
	set_args /bin/true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 0
}

@test "errors: a root.path that is a file" {
	make_bundle '.root.path = "/etc/passwd"'
	run detached create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_error_eq "root.path '/etc/passwd': Not a directory"
	assert_root_empty
}

@test "errors: a bundle without config.json" {
	mkdir -p "$BUNDLE"
	run detached create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_error_eq "config.json: open '$BUNDLE/config.json': No such file or directory"
	assert_root_empty
}

@test "errors: a bundle path that does not exist" {
	run detached create -b "$BATS_TEST_TMPDIR/no/bundle" "$ID"
	assert_status 1
	assert_error_eq "config.json: open '$BATS_TEST_TMPDIR/no/bundle/config.json': No such file or directory"
	assert_root_empty
}

@test "errors: a relative --bundle is the current directory's" {
	make_bundle
	set_args /bin/true
	cd "$BATS_TEST_TMPDIR"
	run "$BERTH" --root "$ROOT" run --bundle bundle "$ID"
	assert_status 0
	cd "$BUNDLE"
	run "$BERTH" --root "$ROOT" run "$ID"
	assert_status 0
}

@test "errors: a cwd that is a file" {
	make_bundle '.process.cwd = "/etc/passwd"'
	run detached create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_error_eq "process.cwd '/etc/passwd': Not a directory"
	assert_container_gone "$ID"
}

@test "errors: exec --cwd of a directory that does not exist" {
	sleeper
	run berth exec --cwd /nonexistent "$ID" true
	[ "$status" -ne 0 ]
	assert_error_eq "process.cwd '/nonexistent': No such file or directory"
	[ "$(cg_pids "$(cg_of "$ID")")" = "$(init_pid)" ]
}

@test "errors: a missing binary fails create, naming it, and leaves nothing" {
	make_bundle
	set_args /bin/nope
	run detached create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	assert_status 1
	assert_error_eq 'exec "/bin/nope": no such file or directory'
	assert_container_gone "$ID"
	[ ! -e "$BATS_TEST_TMPDIR/pid" ]
}

@test "errors: a command not in PATH fails create with executable file not found" {
	make_bundle
	set_args no-such-command
	run detached run -d -b "$BUNDLE" "$ID"
	assert_status 1
	assert_error_eq 'exec "no-such-command": executable file not found in $PATH'
	assert_container_gone "$ID"
}

@test "errors: a directory as the command is permission denied" {
	make_bundle
	set_args /bin
	run detached create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_error_eq 'exec "/bin": permission denied'
	assert_container_gone "$ID"
}

@test "errors: a pid file that cannot be written fails create and leaves nothing" {
	make_bundle
	run detached create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/no/dir/pid" "$ID"
	assert_status 1
	assert_error_eq "pid file '$BATS_TEST_TMPDIR/no/dir/pid': No such file or directory"
	assert_container_gone "$ID"
}

@test "errors: --preserve-fds naming an fd that is not open" {
	make_bundle
	# (bats itself holds fds 3 and 4: close them for berth)
	run "$BERTH" --root "$ROOT" create -b "$BUNDLE" --preserve-fds 3 "$ID" </dev/null 3>&- 4>&- 5>&-
	assert_status 1
	assert_error_eq "--preserve-fds: fd 3: Bad file descriptor"
	assert_root_empty
}

@test "errors: unknown options of a verb are refused naming them" {
	run berth create --frob "$ID"
	assert_status 1
	assert_contains "unknown option '--frob'"
	run berth create -d "$ID"
	assert_status 1
	assert_contains "create always detaches"
	assert_root_empty
}

@test "errors: a verb that needs an id says so" {
	for verb in create start state kill delete ps pause resume update events exec; do
		run berth "$verb"
		[ "$status" = 1 ] || { echo "$verb: status $status" >&2; false; }
		[[ "$output" == *"a container id is required"* ]] || { echo "$verb: $output" >&2; false; }
	done
}
