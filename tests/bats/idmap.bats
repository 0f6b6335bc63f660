#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# idmap: idmapped bind mounts (a mount's uidMappings/gidMappings, the
# "idmap" and "ridmap" options): files owned by a host uid appear as the
# mapped uid inside, the container's writes land with the host uid, the
# mapping covers submounts only with ridmap, and a filesystem that cannot
# be idmapped fails naming the mount and the filesystem.

load helpers
load lib/iso

# a source every user namespace can reach: SRC (owned by host uid 1000,
# with a file f) and a tmpfs submount SRC/sub with a file g, both 1000's
idmap_source() {
	SRC=$(open_dir)/src
	mkdir "$SRC"
	touch "$SRC/f"
	mkdir "$SRC/sub"
	mount -t tmpfs "iso-$ID-sub" "$SRC/sub"
	on_teardown "umount -l '$SRC/sub'"
	touch "$SRC/sub/g"
	chown -R 1000:1000 "$SRC"
}

# idmapped_mount OPTIONS-JSON [MAPPINGS-JQ]: SRC on /home
idmapped_mount() {
	add_mount "{\"destination\": \"/home\", \"type\": \"bind\", \"source\": \"$SRC\",
		\"options\": $1}"
	[ -z "$2" ] || edit_config ".mounts[-1] += $2"
}

# one host id as another, for uids and gids: "{uidMappings, gidMappings}"
maps() {
	local m="[{\"containerID\": $1, \"hostID\": $2, \"size\": 1}]"
	echo "{\"uidMappings\": $m, \"gidMappings\": $m}"
}

userns() {
	edit_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

@test "idmap: files of host uid 1000 appear as the mapped uid, and writes land as uid 1000" {
	idmap_source
	make_bundle
	idmapped_mount '["rbind", "idmap"]' "$(maps 1000 0)"
	sh_in 'stat -c %u:%g /home/f; echo x > /home/new && echo written; grep " /home " /proc/self/mountinfo'
	assert_status 0
	assert_line_eq "${lines[0]}" "0:0"
	assert_line_eq "${lines[1]}" written
	assert_contains idmapped
	[ "$(stat -c %u:%g "$SRC/new")" = 1000:1000 ]
}

@test "idmap: in a user namespace, host uid 1000's files appear as the container's root, whose writes land as 1000" {
	idmap_source
	make_bundle
	userns
	idmapped_mount '["rbind", "idmap"]' "$(maps 1000 100000)"
	sh_in 'id -u; stat -c %u:%g /home/f; echo x > /home/new && echo written'
	assert_status 0
	assert_line_eq "$output" "0
0:0
written"
	[ "$(stat -c %u:%g "$SRC/new")" = 1000:1000 ]
}

@test "idmap: without mappings of its own, idmap uses the container's user namespace mappings" {
	idmap_source
	make_bundle
	userns
	# the control: unmapped host ids show as the overflow id
	idmapped_mount '["rbind"]'
	sh_in 'stat -c %u:%g /home/f'
	assert_status 0
	assert_line_eq "$output" "65534:65534"
	edit_config '.mounts[-1].options = ["rbind", "idmap"] | .process.user = {"uid": 1000, "gid": 1000}'
	sh_in 'stat -c %u:%g /home/f; touch /home/new && echo written'
	assert_status 0
	# host 1000 is 101000 seen through 0->100000: 1000 inside, whose
	# writes (host 101000) land as 1000 again
	assert_line_eq "$output" "1000:1000
written"
	[ "$(stat -c %u:%g "$SRC/new")" = 1000:1000 ]
}

@test "idmap: idmap maps the bind's top only, ridmap its submounts too" {
	idmap_source
	make_bundle
	idmapped_mount '["rbind", "idmap"]' "$(maps 1000 0)"
	sh_in 'stat -c %u /home/f /home/sub/g'
	assert_status 0
	assert_line_eq "$output" "0
1000"
	edit_config '.mounts[-1].options = ["rbind", "ridmap"]'
	sh_in 'stat -c %u /home/f /home/sub/g; grep -c " /home[/ ].*idmapped" /proc/self/mountinfo'
	assert_status 0
	assert_line_eq "$output" "0
0
2"
}

@test "idmap: a filesystem that cannot be idmapped fails naming the mount and the filesystem" {
	RAM=$(open_dir)/ram
	mkdir "$RAM"
	mount -t ramfs "iso-$ID-ram" "$RAM"
	on_teardown "umount -l '$RAM'"
	SRC=$RAM
	make_bundle
	idmapped_mount '["rbind", "idmap"]' "$(maps 1000 0)"
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "mounts[$(($(jq '.mounts | length' "$BUNDLE/config.json") - 1))]: idmapped mount of '$RAM' on '/home': its filesystem (ramfs) cannot be idmapped"
	assert_no_state
}

@test "idmap: configs that cannot be idmapped are refused naming the field" {
	idmap_source
	make_bundle
	idmapped_mount '["rbind", "idmap"]'
	set_args true
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "options: idmap without uidMappings and gidMappings uses the container's user namespace mappings"
	edit_config '.mounts[-1] += {"uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}'
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "gidMappings: required with uidMappings"
	edit_config ".mounts[-1] = {\"destination\": \"/home\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",
		\"options\": [\"idmap\"]} | .mounts[-1] += $(maps 1000 0)"
	run berth run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_contains "an idmapped mount must be a bind mount"
	assert_no_state
}

@test "idmap: features reports idmapped mounts enabled, and idmap and ridmap as mount options" {
	run "$BERTH" features
	assert_status 0
	[ "$(jq '.linux.mountExtensions.idmap.enabled' <<<"$output")" = true ]
	[ "$(jq '.mountOptions | index("idmap") != null and index("ridmap") != null' <<<"$output")" = true ]
}
