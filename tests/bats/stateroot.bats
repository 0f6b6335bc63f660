#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# stateroot: berth trusts only state it wrote itself.  The state root,
# every container directory and the files read from it (state.json, the
# saved config.json whose hooks delete runs) must belong to the caller and
# be writable by no one else, and are never reached through a symlink.
# The attack: another local user plants /tmp/berth-<uid> — the rootless
# default without XDG_RUNTIME_DIR — with a container whose saved config
# has a poststop hook, and waits for the victim's cleanup loop.

load helpers

VICTIM=berthvictim
ATTACKER=berthattacker

setup_file() {
	local u
	for u in $VICTIM $ATTACKER; do
		id "$u" >/dev/null 2>&1 || useradd --no-create-home --shell /bin/sh "$u"
	done
}

# as the victim, with no XDG_RUNTIME_DIR: state in /tmp/berth-<uid>
as_victim() {
	runuser -u "$VICTIM" -- env -u XDG_RUNTIME_DIR HOME=/ "$@"
}

# plant PLANTED: the attacker's copy of a stopped container "ci" whose
# saved config has a poststop hook recording who ran it in $MARK; every
# file readable and writable by all, as an attacker would leave it
plant() {
	local planted=$1
	MARK=$(mktemp -u /tmp/berth-pwned.XXXXXX)
	make_bundle ".hooks.poststop = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"id -u > $MARK\"]}]"
	set_args true
	"$BERTH" --root "$ROOT" --cgroup-manager=disabled run --keep -b "$BUNDLE" ci >/dev/null
	[ "$(state_of ci)" = stopped ]
	rm -rf "$planted"
	mkdir -m 0777 "$planted"
	cp -a "$ROOT/ci" "$planted/ci"
	chown -R "$ATTACKER:" "$planted"
	chmod -R a+rwX "$planted"
	# the original goes (its hook runs now, as root: not the attack)
	berth delete ci
	rm -f "$MARK"
}

@test "stateroot: a state root another user planted in /tmp is refused, and its hooks never run" {
	local vuid planted
	vuid=$(id -u "$VICTIM")
	planted=/tmp/berth-$vuid
	plant "$planted"
	run as_victim "$BERTH" delete ci
	rm -rf "$planted"
	assert_status 1
	assert_contains "'$planted' is owned by uid $(id -u "$ATTACKER"), not by the caller (uid $vuid)"
	[ ! -e "$MARK" ] || { echo "the planted hook ran as uid $(cat "$MARK")" >&2; rm -f "$MARK"; return 1; }
}

@test "stateroot: list in a planted state root fails instead of listing the planted containers" {
	local vuid planted
	vuid=$(id -u "$VICTIM")
	planted=/tmp/berth-$vuid
	plant "$planted"
	run as_victim "$BERTH" list -q
	rm -rf "$planted"
	assert_status 1
	assert_not_contains $'\nci'
	assert_contains "is owned by uid $(id -u "$ATTACKER")"
}

@test "stateroot: the victim's own /tmp/berth-<uid> still works" {
	local vuid planted
	vuid=$(id -u "$VICTIM")
	planted=/tmp/berth-$vuid
	rm -rf "$planted"
	run as_victim "$BERTH" list -q
	assert_status 0
	[ "$(stat -c '%U %a' "$planted")" = "$VICTIM 700" ]
	rm -rf "$planted"
}

@test "stateroot: a state root that is a symlink is refused" {
	mkdir -p "$BATS_TEST_TMPDIR/real"
	chmod 0711 "$BATS_TEST_TMPDIR/real"
	ln -s "$BATS_TEST_TMPDIR/real" "$BATS_TEST_TMPDIR/link"
	make_bundle
	set_args true
	run "$BERTH" --root "$BATS_TEST_TMPDIR/link" run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "state root: '$BATS_TEST_TMPDIR/link' is not a directory or is a symlink"
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/real")" ]
	run "$BERTH" --root "$BATS_TEST_TMPDIR/link" list
	assert_status 1
	assert_contains "is a symlink"
}

@test "stateroot: a group-writable state root is refused, naming its mode" {
	mkdir -p "$ROOT"
	chmod 0775 "$ROOT"
	make_bundle
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "'$ROOT' has mode 0775: writable by group or others"
	[ -z "$(ls -A "$ROOT")" ]
	chmod 0711 "$ROOT"
}

@test "stateroot: root's state root owned by another user is refused" {
	mkdir -p "$ROOT"
	chown 4242 "$ROOT"
	chmod 0700 "$ROOT"
	make_bundle
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "'$ROOT' is owned by uid 4242, not by the caller (uid 0)"
	chown 0 "$ROOT"
}

@test "stateroot: a group-writable container directory is refused, naming it" {
	make_bundle
	set_args sleep 100
	detached create -b "$BUNDLE" "$ID"
	chmod 0771 "$ROOT/$ID"
	run berth state "$ID"
	assert_status 1
	assert_contains "'$ROOT/$ID' has mode 0771"
	run berth delete --force "$ID"
	assert_status 1
	chmod 0711 "$ROOT/$ID"
	berth delete --force "$ID"
}

@test "stateroot: a saved config.json that is a symlink is never read" {
	make_bundle
	set_args sleep 100
	detached create -b "$BUNDLE" "$ID"
	local mark=$BATS_TEST_TMPDIR/pwned
	jq ".hooks.poststop = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"touch $mark\"]}]" \
		"$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/evil.json"
	mv "$ROOT/$ID/config.json" "$BATS_TEST_TMPDIR/saved.json"
	ln -s "$BATS_TEST_TMPDIR/evil.json" "$ROOT/$ID/config.json"
	run berth exec "$ID" true
	assert_status 1
	assert_contains "config.json' is not a directory or is a symlink"
	rm "$ROOT/$ID/config.json"
	mv "$BATS_TEST_TMPDIR/saved.json" "$ROOT/$ID/config.json"
	berth delete --force "$ID"
	[ ! -e "$mark" ]
}

@test "stateroot: a state.json owned by another user is refused" {
	make_bundle
	set_args sleep 100
	detached create -b "$BUNDLE" "$ID"
	chown 4242 "$ROOT/$ID/state.json"
	run berth state "$ID"
	assert_status 1
	assert_contains "state.json' is owned by uid 4242"
	chown 0 "$ROOT/$ID/state.json"
	berth delete --force "$ID"
}
