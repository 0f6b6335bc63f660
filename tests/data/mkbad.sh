#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tests/data/mkbad.sh — (re)write the malformed-config corpus in tests/data/bad.
#
# Each case is a small edit (a jq filter) of a valid base document plus the
# exact message berth must give for it, written here by hand: NAME.json gets
# the document, NAME.err the message.  process-*.json cases are exec process
# JSON (spec_process_parse, source "process.json"), resources-*.json are
# update resources JSON (spec_resources_parse, "resources.json"), all others
# config.json (spec_parse).  The generated files are committed; tests read
# those, never this script.  Run from anywhere: tests/data/mkbad.sh
set -euo pipefail
cd "$(dirname "$0")/bad"

BASE='{
  "ociVersion": "1.0.2",
  "root": { "path": "rootfs" },
  "process": { "user": { "uid": 0, "gid": 0 }, "args": [ "sh" ], "cwd": "/" },
  "hostname": "bad",
  "mounts": [ { "destination": "/proc", "type": "proc", "source": "proc" } ],
  "linux": { "namespaces": [ { "type": "pid" }, { "type": "mount" }, { "type": "uts" },
                             { "type": "ipc" }, { "type": "network" } ] }
}'
PROCESS='{ "user": { "uid": 0, "gid": 0 }, "args": [ "sh" ], "cwd": "/" }'
USERNS='.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":1000,"size":1}] | .linux.gidMappings = [{"containerID":0,"hostID":1000,"size":1}]'

# case NAME JQ-FILTER MESSAGE
case_() {
	local base=$BASE
	case $1 in
	process-*) base=$PROCESS ;;
	resources-*) base='{}' ;;
	esac
	jq "$2" <<<"$base" >"$1.json"
	printf '%s\n' "$3" >"$1.err"
}

# raw NAME TEXT MESSAGE: the document exactly as given
raw() {
	printf '%s' "$2" >"$1.json"
	printf '%s\n' "$3" >"$1.err"
}

rm -f ./*.json ./*.err

# ---- not JSON, or not the JSON we accept --------------------------------
raw json-empty '' 'config.json: invalid JSON: premature EOF'
raw json-truncated '{"ociVersion": "1.0.2",' 'config.json: invalid JSON: premature EOF'
raw json-trailing-garbage '{} x' 'config.json: invalid JSON: trailing garbage'
raw json-comment '{ /* a comment */ "ociVersion": "1.0.2" }' 'config.json: invalid JSON: probable comment found in input text, comments are not enabled'
raw json-nul-escape '{"ociVersion": "1.0.2", "root": {"path": "/a\u0000b"}}' 'config.json: invalid JSON: string contains \u0000'
raw json-deep "$(printf '[%.0s' {1..100})$(printf ']%.0s' {1..100})" 'config.json: invalid JSON: nested too deeply'
raw json-not-object '[]' 'config.json: must be an object'
raw json-string '"config"' 'config.json: must be an object'
raw json-bad-literal '{"ociVersion": tru}' 'config.json: invalid JSON: invalid string in json text'
raw json-single-quotes "{'ociVersion': '1.0.2'}" 'config.json: invalid JSON: invalid char in json text'
printf '{"ociVersion": "1.0.2", "hostname": "a\0b"}' >json-raw-nul.json
echo 'config.json: invalid JSON: invalid character inside string' >json-raw-nul.err
printf '{"ociVersion": "1.0.2", "hostname": "\xff\xfe"}' >json-bad-utf8.json
echo 'config.json: invalid JSON: invalid bytes in UTF8 string' >json-bad-utf8.err

# ---- ociVersion, root, process basics ---------------------------------------
case_ ociversion-missing 'del(.ociVersion)' 'config.json: ociVersion: required'
case_ ociversion-2 '.ociVersion = "2.0.0"' 'config.json: ociVersion: unsupported version "2.0.0" (berth implements 1.x)'
case_ ociversion-10 '.ociVersion = "10.0"' 'config.json: ociVersion: unsupported version "10.0" (berth implements 1.x)'
case_ ociversion-number '.ociVersion = 1' 'config.json: ociVersion: must be a string'
case_ root-missing 'del(.root)' 'config.json: root: required'
case_ root-array '.root = []' 'config.json: root: must be an object'
case_ root-path-missing '.root = {"readonly": true}' 'config.json: root.path: required'
case_ root-path-empty '.root.path = ""' 'config.json: root.path: must not be empty'
case_ root-readonly-string '.root.readonly = "yes"' 'config.json: root.readonly: must be a boolean'
case_ top-process-missing 'del(.process)' 'config.json: process: required'
case_ top-process-null '.process = null' 'config.json: process: required'
case_ top-process-array '.process = []' 'config.json: process: must be an object'
case_ args-missing 'del(.process.args)' 'config.json: process.args: required'
case_ args-empty '.process.args = []' 'config.json: process.args: must be a non-empty array of strings'
case_ args-string '.process.args = "sh"' 'config.json: process.args: must be a non-empty array of strings'
case_ args-number '.process.args = ["sh", 1]' 'config.json: process.args[1]: must be a string'
case_ cwd-missing 'del(.process.cwd)' 'config.json: process.cwd: required'
case_ cwd-relative '.process.cwd = "tmp"' 'config.json: process.cwd: must be an absolute path'
case_ cwd-empty '.process.cwd = ""' 'config.json: process.cwd: must be an absolute path'
case_ user-missing 'del(.process.user)' 'config.json: process.user: required'
case_ uid-missing 'del(.process.user.uid)' 'config.json: process.user.uid: required'
case_ gid-missing 'del(.process.user.gid)' 'config.json: process.user.gid: required'
case_ uid-negative '.process.user.uid = -1' 'config.json: process.user.uid: must be an integer in 0..4294967295'
case_ uid-too-big '.process.user.uid = 4294967296' 'config.json: process.user.uid: must be an integer in 0..4294967295'
case_ uid-float '.process.user.uid = 1.5' 'config.json: process.user.uid: must be an integer'
raw uid-exponent '{"ociVersion": "1.0.2", "root": {"path": "r"}, "process": {"user": {"uid": 1e3, "gid": 0}, "args": ["sh"], "cwd": "/"}}' 'config.json: process.user.uid: must be an integer'
case_ uid-string '.process.user.uid = "0"' 'config.json: process.user.uid: must be an integer'
case_ gid-bool '.process.user.gid = false' 'config.json: process.user.gid: must be an integer'
case_ umask-too-big '.process.user.umask = 512' 'config.json: process.user.umask: must be an integer in 0..511'
case_ additional-gids-negative '.process.user.additionalGids = [-1]' 'config.json: process.user.additionalGids[0]: must be an integer in 0..4294967295'
case_ additional-gids-object '.process.user.additionalGids = {}' 'config.json: process.user.additionalGids: must be an array'
case_ env-no-equals '.process.env = ["PATH=/bin", "FOO"]' 'config.json: process.env[1]: must have the form NAME=value'
case_ env-empty-name '.process.env = ["=x"]' 'config.json: process.env[0]: must have the form NAME=value'
case_ env-string '.process.env = "A=B"' 'config.json: process.env: must be an array'
case_ terminal-string '.process.terminal = "true"' 'config.json: process.terminal: must be a boolean'
case_ console-width-missing '.process.terminal = true | .process.consoleSize = {"height": 24}' 'config.json: process.consoleSize.width: required'
case_ console-height-negative '.process.terminal = true | .process.consoleSize = {"height": -24, "width": 80}' 'config.json: process.consoleSize.height: must be an integer in 0..4294967295'
case_ nnp-string '.process.noNewPrivileges = "true"' 'config.json: process.noNewPrivileges: must be a boolean'
case_ apparmor-number '.process.apparmorProfile = 1' 'config.json: process.apparmorProfile: must be a string'
case_ selinux-array '.process.selinuxLabel = []' 'config.json: process.selinuxLabel: must be a string'

# ---- capabilities, rlimits, oom, io priority, scheduler ----------------------
case_ caps-unknown '.process.capabilities = {"bounding": ["CAP_CHOWN", "CAP_FOO"]}' 'config.json: process.capabilities.bounding[1]: unknown capability "CAP_FOO"'
case_ caps-lowercase '.process.capabilities = {"permitted": ["cap_chown"]}' 'config.json: process.capabilities.permitted[0]: unknown capability "cap_chown"'
case_ caps-no-prefix '.process.capabilities = {"inheritable": ["KILL"]}' 'config.json: process.capabilities.inheritable[0]: unknown capability "KILL"'
case_ caps-string '.process.capabilities = {"effective": "CAP_KILL"}' 'config.json: process.capabilities.effective: must be an array'
case_ caps-number '.process.capabilities = {"ambient": [21]}' 'config.json: process.capabilities.ambient[0]: must be a string'
case_ caps-escaped '.process.capabilities = {"bounding": ["CAP_\"X\n"]}' 'config.json: process.capabilities.bounding[0]: unknown capability "CAP_\"X\x0a"'
case_ caps-long-utf8 '.process.capabilities = {"bounding": ["CAP_" + ("é" * 40)]}' "config.json: process.capabilities.bounding[0]: unknown capability \"CAP_$(printf 'é%.0s' {1..30})...\""
case_ rlimit-unknown '.process.rlimits = [{"type": "RLIMIT_FOO", "soft": 1, "hard": 1}]' 'config.json: process.rlimits[0].type: unknown rlimit "RLIMIT_FOO"'
case_ rlimit-duplicate '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1, "hard": 1}, {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}, {"type": "RLIMIT_NOFILE", "soft": 2, "hard": 2}]' 'config.json: process.rlimits[2].type: duplicate rlimit "RLIMIT_NOFILE"'
case_ rlimit-soft-above-hard '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 2048, "hard": 1024}]' 'config.json: process.rlimits[0]: soft limit exceeds hard limit'
case_ rlimit-hard-missing '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1}]' 'config.json: process.rlimits[0].hard: required'
case_ rlimit-type-missing '.process.rlimits = [{"soft": 1, "hard": 1}]' 'config.json: process.rlimits[0].type: required'
case_ rlimit-negative '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": -1, "hard": 1}]' 'config.json: process.rlimits[0].soft: must be an integer in 0..18446744073709551615'
raw rlimit-too-big '{"ociVersion": "1.0.2", "root": {"path": "r"}, "process": {"user": {"uid": 0, "gid": 0}, "args": ["sh"], "cwd": "/", "rlimits": [{"type": "RLIMIT_CORE", "soft": 1, "hard": 18446744073709551616}]}}' 'config.json: process.rlimits[0].hard: must be an integer in 0..18446744073709551615'
raw rlimit-float '{"ociVersion": "1.0.2", "root": {"path": "r"}, "process": {"user": {"uid": 0, "gid": 0}, "args": ["sh"], "cwd": "/", "rlimits": [{"type": "RLIMIT_CORE", "soft": 1024.0, "hard": 2048}]}}' 'config.json: process.rlimits[0].soft: must be an integer'
case_ rlimits-object '.process.rlimits = {"RLIMIT_NOFILE": 1}' 'config.json: process.rlimits: must be an array'
case_ oom-too-low '.process.oomScoreAdj = -1001' 'config.json: process.oomScoreAdj: must be an integer in -1000..1000'
case_ oom-too-high '.process.oomScoreAdj = 1001' 'config.json: process.oomScoreAdj: must be an integer in -1000..1000'
case_ ioprio-class-unknown '.process.ioPriority = {"class": "IOPRIO_CLASS_NONE"}' 'config.json: process.ioPriority.class: unknown class "IOPRIO_CLASS_NONE"'
case_ ioprio-class-missing '.process.ioPriority = {"priority": 1}' 'config.json: process.ioPriority.class: required'
case_ ioprio-priority-8 '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 8}' 'config.json: process.ioPriority.priority: must be an integer in 0..7'
case_ sched-policy-missing '.process.scheduler = {"nice": 1}' 'config.json: process.scheduler.policy: required'
case_ sched-policy-unknown '.process.scheduler = {"policy": "SCHED_FAIR"}' 'config.json: process.scheduler.policy: unknown policy "SCHED_FAIR"'
case_ sched-iso '.process.scheduler = {"policy": "SCHED_ISO"}' 'config.json: process.scheduler.policy: SCHED_ISO is not implemented by Linux'
case_ sched-nice '.process.scheduler = {"policy": "SCHED_OTHER", "nice": 20}' 'config.json: process.scheduler.nice: must be an integer in -20..19'
case_ sched-priority-other '.process.scheduler = {"policy": "SCHED_OTHER", "priority": 5}' 'config.json: process.scheduler.priority: only SCHED_FIFO and SCHED_RR take a priority'
case_ sched-fifo-priority-0 '.process.scheduler = {"policy": "SCHED_FIFO"}' 'config.json: process.scheduler.priority: must be an integer in 1..99 for SCHED_FIFO'
case_ sched-rr-priority-100 '.process.scheduler = {"policy": "SCHED_RR", "priority": 100}' 'config.json: process.scheduler.priority: must be an integer in 1..99 for SCHED_RR'
case_ sched-runtime-batch '.process.scheduler = {"policy": "SCHED_BATCH", "runtime": 1}' 'config.json: process.scheduler: runtime, deadline and period need SCHED_DEADLINE'
case_ sched-deadline-order '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 20, "deadline": 10, "period": 30}' 'config.json: process.scheduler: SCHED_DEADLINE needs 0 < runtime <= deadline <= period'
case_ sched-flag-unknown '.process.scheduler = {"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_FAST"]}' 'config.json: process.scheduler.flags[0]: unknown flag "SCHED_FLAG_FAST"'

# ---- mounts -----------------------------------------------------------------------------
case_ mounts-object '.mounts = {}' 'config.json: mounts: must be an array'
case_ mount-string '.mounts = ["/proc"]' 'config.json: mounts[0]: must be an object'
case_ mount-destination-missing '.mounts[0] |= del(.destination)' 'config.json: mounts[0].destination: required'
case_ mount-destination-relative '.mounts += [{"destination": "data", "type": "tmpfs"}]' 'config.json: mounts[1].destination: must be an absolute path'
case_ mount-destination-dotdot '.mounts += [{"destination": "/data/../../etc", "source": "/x", "options": ["bind"]}]' 'config.json: mounts[1].destination: must not contain ".."'
case_ mount-destination-dotdot-end '.mounts += [{"destination": "/data/..", "type": "tmpfs"}]' 'config.json: mounts[1].destination: must not contain ".."'
case_ mount-idmap '.mounts += [{"destination": "/d", "source": "/x", "options": ["rbind", "idmap"]}]' 'config.json: mounts[1].options: idmapped mounts are not supported'
case_ mount-ridmap '.mounts += [{"destination": "/d", "source": "/x", "options": ["ridmap", "rbind"]}]' 'config.json: mounts[1].options: idmapped mounts are not supported'
case_ mount-idmap-value '.mounts += [{"destination": "/d", "source": "/x", "options": ["bind", "idmap=uids=0-1000-1"]}]' 'config.json: mounts[1].options: idmapped mounts are not supported'
case_ mount-uidmappings '.mounts += [{"destination": "/d", "source": "/x", "options": ["bind"], "uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}]' 'config.json: mounts[1].uidMappings: idmapped mounts are not supported'
case_ mount-type-missing '.mounts += [{"destination": "/t", "source": "tmpfs", "options": ["nosuid"]}]' 'config.json: mounts[1].type: required (only bind mounts may omit it)'
case_ mount-option-number '.mounts[0].options = ["nosuid", 1]' 'config.json: mounts[0].options[1]: must be a string'
case_ mount-options-string '.mounts[0].options = "nosuid"' 'config.json: mounts[0].options: must be an array'
case_ mount-source-number '.mounts[0].source = 5' 'config.json: mounts[0].source: must be a string'
case_ mounts-without-mountns '.linux.namespaces |= map(select(.type != "mount"))' 'config.json: mounts: needs a new mount namespace'

# ---- hooks, annotations, hostname ----------------------------------------------------------
case_ hooks-array '.hooks = []' 'config.json: hooks: must be an object'
case_ hook-list-object '.hooks = {"createRuntime": {}}' 'config.json: hooks.createRuntime: must be an array'
case_ hook-path-missing '.hooks = {"prestart": [{"args": ["x"]}]}' 'config.json: hooks.prestart[0].path: required'
case_ hook-path-relative '.hooks = {"poststart": [{"path": "/bin/true"}, {"path": "bin/hook"}]}' 'config.json: hooks.poststart[1].path: must be an absolute path'
case_ hook-timeout-zero '.hooks = {"poststop": [{"path": "/bin/true", "timeout": 0}]}' 'config.json: hooks.poststop[0].timeout: must be greater than 0 (seconds)'
case_ hook-timeout-negative '.hooks = {"startContainer": [{"path": "/bin/true", "timeout": -5}]}' 'config.json: hooks.startContainer[0].timeout: must be greater than 0 (seconds)'
case_ hook-timeout-float '.hooks = {"createContainer": [{"path": "/bin/true", "timeout": 1.5}]}' 'config.json: hooks.createContainer[0].timeout: must be an integer'
case_ hook-args-number '.hooks = {"prestart": [{"path": "/bin/true", "args": ["true", 1]}]}' 'config.json: hooks.prestart[0].args[1]: must be a string'
case_ hook-env-string '.hooks = {"prestart": [{"path": "/bin/true", "env": "A=B"}]}' 'config.json: hooks.prestart[0].env: must be an array'
case_ annotation-number '.annotations = {"a": "b", "count": 1}' 'config.json: annotations["count"]: must be a string'
case_ annotations-array '.annotations = ["a=b"]' 'config.json: annotations: must be an object'
case_ hostname-without-uts '.linux.namespaces |= map(select(.type != "uts"))' 'config.json: hostname: needs a new uts namespace'
case_ domainname-without-uts 'del(.hostname) | .domainname = "example.org" | .linux.namespaces |= map(select(.type != "uts"))' 'config.json: domainname: needs a new uts namespace'
case_ hostname-too-long '.hostname = ("h" * 65)' 'config.json: hostname: longer than 64 bytes'
case_ hostname-number '.hostname = 1' 'config.json: hostname: must be a string'

# ---- linux: namespaces, ids, time, devices ---------------------------------------------------
case_ linux-array '.linux = []' 'config.json: linux: must be an object'
case_ ns-unknown '.linux.namespaces[3] = {"type": "foo"}' 'config.json: linux.namespaces[3].type: unknown namespace "foo"'
case_ ns-duplicate '.linux.namespaces += [{"type": "pid", "path": "/proc/1/ns/pid"}]' 'config.json: linux.namespaces[5].type: duplicate namespace "pid"'
case_ ns-type-missing '.linux.namespaces[0] = {"path": "/proc/1/ns/pid"}' 'config.json: linux.namespaces[0].type: required'
case_ ns-type-number '.linux.namespaces[0] = {"type": 1}' 'config.json: linux.namespaces[0].type: must be a string'
case_ ns-path-relative '.linux.namespaces[4].path = "netns/x"' 'config.json: linux.namespaces[4].path: must be an absolute path'
case_ ns-string '.linux.namespaces = ["pid"]' 'config.json: linux.namespaces[0]: must be an object'
case_ ns-object '.linux.namespaces = {"pid": {}}' 'config.json: linux.namespaces: must be an array'
case_ userns-no-uid-mappings '.linux.namespaces += [{"type": "user"}]' 'config.json: linux.uidMappings: required with a new user namespace'
case_ userns-no-gid-mappings '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}]' 'config.json: linux.gidMappings: required with a new user namespace'
case_ uidmappings-without-userns '.linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}]' 'config.json: linux.uidMappings: needs a user namespace'
case_ gidmappings-without-userns '.linux.gidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}]' 'config.json: linux.gidMappings: needs a user namespace'
case_ idmap-size-zero "$USERNS"' | .linux.uidMappings[0].size = 0' 'config.json: linux.uidMappings[0].size: must be greater than 0'
case_ idmap-hostid-missing "$USERNS"' | .linux.gidMappings[0] |= del(.hostID)' 'config.json: linux.gidMappings[0].hostID: required'
case_ idmap-too-many "$USERNS"' | .linux.uidMappings = [range(341) | {"containerID": ., "hostID": (. + 1000), "size": 1}]' 'config.json: linux.uidMappings: more than 340 mappings'
case_ uid-not-mapped "$USERNS"' | .process.user.uid = 1000' 'config.json: process.user.uid: 1000 is not mapped by linux.uidMappings'
case_ gid-not-mapped "$USERNS"' | .process.user.gid = 5' 'config.json: process.user.gid: 5 is not mapped by linux.gidMappings'
case_ additional-gid-not-mapped "$USERNS"' | .process.user.additionalGids = [0, 5]' 'config.json: process.user.additionalGids[1]: 5 is not mapped by linux.gidMappings'
case_ time-offsets-without-timens '.linux.timeOffsets = {"monotonic": {"secs": 1}}' 'config.json: linux.timeOffsets: needs a new time namespace'
case_ time-offsets-joined-timens '.linux.namespaces += [{"type": "time", "path": "/proc/1/ns/time"}] | .linux.timeOffsets = {"boottime": {"secs": 1}}' 'config.json: linux.timeOffsets: needs a new time namespace'
case_ time-offsets-unknown-clock '.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"realtime": {"secs": 1}}' 'config.json: linux.timeOffsets["realtime"]: unknown clock (monotonic or boottime)'
case_ time-offsets-nanosecs '.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"monotonic": {"nanosecs": 1000000000}}' 'config.json: linux.timeOffsets["monotonic"].nanosecs: must be an integer in 0..999999999'
case_ device-type-unknown '.linux.devices = [{"type": "x", "path": "/dev/x", "major": 1, "minor": 1}]' 'config.json: linux.devices[0].type: unknown device type "x" (c, b, u or p)'
case_ device-type-long '.linux.devices = [{"type": "char", "path": "/dev/x", "major": 1, "minor": 1}]' 'config.json: linux.devices[0].type: unknown device type "char" (c, b, u or p)'
case_ device-path-relative '.linux.devices = [{"type": "c", "path": "dev/null", "major": 1, "minor": 3}]' 'config.json: linux.devices[0].path: must be an absolute path'
case_ device-path-dotdot '.linux.devices = [{"type": "c", "path": "/dev/../etc/x", "major": 1, "minor": 3}]' 'config.json: linux.devices[0].path: must not contain ".."'
case_ device-major-missing '.linux.devices = [{"type": "p", "path": "/dev/fifo"}, {"type": "c", "path": "/dev/null", "minor": 3}]' 'config.json: linux.devices[1].major: required for type "c"'
case_ device-minor-missing '.linux.devices = [{"type": "b", "path": "/dev/sda", "major": 8}]' 'config.json: linux.devices[0].minor: required for type "b"'
case_ device-major-negative '.linux.devices = [{"type": "u", "path": "/dev/u", "major": -1, "minor": 0}]' 'config.json: linux.devices[0].major: must be an integer in 0..4294967295'
case_ device-filemode-negative '.linux.devices = [{"type": "c", "path": "/dev/null", "major": 1, "minor": 3, "fileMode": -1}]' 'config.json: linux.devices[0].fileMode: must be an integer in 0..4294967295'
case_ device-uid-string '.linux.devices = [{"type": "c", "path": "/dev/null", "major": 1, "minor": 3, "uid": "root"}]' 'config.json: linux.devices[0].uid: must be an integer'
case_ cgroups-path-number '.linux.cgroupsPath = 7' 'config.json: linux.cgroupsPath: must be a string'

# ---- linux: sysctl, propagation, paths, personality ----------------------------------------
case_ sysctl-not-namespaced '.linux.sysctl = {"vm.swappiness": "10"}' 'config.json: linux.sysctl["vm.swappiness"]: not namespaced, it would change the host'
case_ sysctl-slash-not-namespaced '.linux.sysctl = {"kernel/panic": "1"}' 'config.json: linux.sysctl["kernel.panic"]: not namespaced, it would change the host'
case_ sysctl-net-without-netns '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward": "1"}' 'config.json: linux.sysctl["net.ipv4.ip_forward"]: needs a new network namespace'
case_ sysctl-ipc-without-ipcns '.linux.namespaces |= map(select(.type != "ipc")) | .linux.sysctl = {"kernel.shmmax": "1"}' 'config.json: linux.sysctl["kernel.shmmax"]: needs a new ipc namespace'
case_ sysctl-mqueue-without-ipcns '.linux.namespaces |= map(select(.type != "ipc")) | .linux.sysctl = {"fs.mqueue.msg_max": "20"}' 'config.json: linux.sysctl["fs.mqueue.msg_max"]: needs a new ipc namespace'
case_ sysctl-domainname-without-uts 'del(.hostname) | .linux.namespaces |= map(select(.type != "uts")) | .linux.sysctl = {"kernel.domainname": "x"}' 'config.json: linux.sysctl["kernel.domainname"]: needs a new uts namespace'
case_ sysctl-value-number '.linux.sysctl = {"net.ipv4.ip_forward": 1}' 'config.json: linux.sysctl["net.ipv4.ip_forward"]: must be a string'
case_ sysctl-array '.linux.sysctl = ["net.ipv4.ip_forward=1"]' 'config.json: linux.sysctl: must be an object'
case_ propagation-unknown '.linux.rootfsPropagation = "rshare"' 'config.json: linux.rootfsPropagation: unknown propagation "rshare"'
case_ masked-relative '.linux.maskedPaths = ["/proc/kcore", "proc/keys"]' 'config.json: linux.maskedPaths[1]: must be an absolute path'
case_ readonly-relative '.linux.readonlyPaths = ["proc/sys"]' 'config.json: linux.readonlyPaths[0]: must be an absolute path'
case_ masked-without-mountns 'del(.mounts) | .linux.namespaces |= map(select(.type != "mount")) | .linux.maskedPaths = ["/proc/kcore"]' 'config.json: linux.maskedPaths: needs a new mount namespace'
case_ readonly-without-mountns 'del(.mounts) | .linux.namespaces |= map(select(.type != "mount")) | .linux.readonlyPaths = ["/proc/sys"]' 'config.json: linux.readonlyPaths: needs a new mount namespace'
case_ personality-unknown '.linux.personality = {"domain": "LINUX64"}' 'config.json: linux.personality.domain: unknown domain "LINUX64" (LINUX or LINUX32)'
case_ personality-domain-missing '.linux.personality = {"flags": []}' 'config.json: linux.personality.domain: required'
case_ personality-flag-number '.linux.personality = {"domain": "LINUX", "flags": [1]}' 'config.json: linux.personality.flags[0]: must be a string'
case_ intel-rdt '.linux.intelRdt = {"closID": "guaranteed_group"}' 'config.json: linux.intelRdt: not supported by berth'
case_ mount-label-number '.linux.mountLabel = 0' 'config.json: linux.mountLabel: must be a string'

# ---- linux.resources --------------------------------------------------------------------------
case_ res-array '.linux.resources = []' 'config.json: linux.resources: must be an object'
case_ res-device-type '.linux.resources.devices = [{"allow": false, "access": "rwm"}, {"allow": true, "type": "u", "access": "r"}]' 'config.json: linux.resources.devices[1].type: unknown device type "u" (a, c or b)'
case_ res-device-access-bad '.linux.resources.devices = [{"allow": false, "access": "rwx"}]' 'config.json: linux.resources.devices[0].access: must be a non-empty subset of "rwm"'
case_ res-device-access-empty '.linux.resources.devices = [{"allow": false, "access": ""}]' 'config.json: linux.resources.devices[0].access: must be a non-empty subset of "rwm"'
case_ res-device-allow-missing '.linux.resources.devices = [{"access": "rwm"}]' 'config.json: linux.resources.devices[0].allow: required'
case_ res-device-major '.linux.resources.devices = [{"allow": true, "type": "c", "major": -2, "access": "r"}]' 'config.json: linux.resources.devices[0].major: must be an integer in -1..4294967295'
case_ res-memory-limit-negative '.linux.resources.memory = {"limit": -2}' 'config.json: linux.resources.memory.limit: must be -1 (unlimited) or a number of bytes'
case_ res-memory-limit-string '.linux.resources.memory = {"limit": "64m"}' 'config.json: linux.resources.memory.limit: must be an integer'
case_ res-memory-swap-below-limit '.linux.resources.memory = {"limit": 134217728, "swap": 67108864}' 'config.json: linux.resources.memory.swap: must be at least the memory limit (it limits memory+swap)'
case_ res-memory-swappiness-101 '.linux.resources.memory = {"swappiness": 101}' 'config.json: linux.resources.memory.swappiness: must be an integer in 0..100'
case_ res-memory-swappiness-negative '.linux.resources.memory = {"swappiness": -1}' 'config.json: linux.resources.memory.swappiness: must be an integer in 0..100'
case_ res-memory-oom-string '.linux.resources.memory = {"disableOOMKiller": "false"}' 'config.json: linux.resources.memory.disableOOMKiller: must be a boolean'
case_ res-cpu-cpus-dash '.linux.resources.cpu = {"cpus": "0-"}' 'config.json: linux.resources.cpu.cpus: must be a list like "0-3,7"'
case_ res-cpu-cpus-reversed '.linux.resources.cpu = {"cpus": "3-1"}' 'config.json: linux.resources.cpu.cpus: must be a list like "0-3,7"'
case_ res-cpu-cpus-space '.linux.resources.cpu = {"cpus": "0, 1"}' 'config.json: linux.resources.cpu.cpus: must be a list like "0-3,7"'
case_ res-cpu-mems-letters '.linux.resources.cpu = {"mems": "all"}' 'config.json: linux.resources.cpu.mems: must be a list like "0-3,7"'
case_ res-cpu-quota '.linux.resources.cpu = {"quota": -2}' 'config.json: linux.resources.cpu.quota: must be an integer in -1..9223372036854775807'
case_ res-cpu-period '.linux.resources.cpu = {"period": 500}' 'config.json: linux.resources.cpu.period: must be 0 or in 1000..1000000 (microseconds)'
case_ res-cpu-idle '.linux.resources.cpu = {"idle": 2}' 'config.json: linux.resources.cpu.idle: must be an integer in 0..1'
case_ res-cpu-shares-negative '.linux.resources.cpu = {"shares": -1}' 'config.json: linux.resources.cpu.shares: must be an integer in 0..18446744073709551615'
case_ res-pids-string '.linux.resources.pids = {"limit": "max"}' 'config.json: linux.resources.pids.limit: must be an integer'
case_ res-blkio-weight-low '.linux.resources.blockIO = {"weight": 5}' 'config.json: linux.resources.blockIO.weight: must be in 10..1000'
case_ res-blkio-weight-high '.linux.resources.blockIO = {"leafWeight": 1001}' 'config.json: linux.resources.blockIO.leafWeight: must be in 10..1000'
case_ res-blkio-weight-u16 '.linux.resources.blockIO = {"weight": 70000}' 'config.json: linux.resources.blockIO.weight: must be an integer in 0..65535'
case_ res-blkio-weight-device '.linux.resources.blockIO = {"weightDevice": [{"major": 8, "minor": 0, "weight": 2000}]}' 'config.json: linux.resources.blockIO.weightDevice[0].weight: must be in 10..1000'
case_ res-blkio-weight-device-major '.linux.resources.blockIO = {"weightDevice": [{"minor": 0, "weight": 200}]}' 'config.json: linux.resources.blockIO.weightDevice[0].major: required'
case_ res-blkio-throttle-rate '.linux.resources.blockIO = {"throttleReadBpsDevice": [{"major": 8, "minor": 0}]}' 'config.json: linux.resources.blockIO.throttleReadBpsDevice[0].rate: required'
case_ res-blkio-throttle-negative '.linux.resources.blockIO = {"throttleWriteIOPSDevice": [{"major": 8, "minor": 0, "rate": -1}]}' 'config.json: linux.resources.blockIO.throttleWriteIOPSDevice[0].rate: must be an integer in 0..18446744073709551615'
case_ res-hugepage-size '.linux.resources.hugepageLimits = [{"pageSize": "2M", "limit": 1}]' 'config.json: linux.resources.hugepageLimits[0].pageSize: must be a size like "2MB" or "1GB"'
case_ res-hugepage-size-zero '.linux.resources.hugepageLimits = [{"pageSize": "0MB", "limit": 1}]' 'config.json: linux.resources.hugepageLimits[0].pageSize: must be a size like "2MB" or "1GB"'
case_ res-hugepage-limit-missing '.linux.resources.hugepageLimits = [{"pageSize": "2MB"}]' 'config.json: linux.resources.hugepageLimits[0].limit: required'
case_ res-unified-slash '.linux.resources.unified = {"../memory.max": "1"}' 'config.json: linux.resources.unified["../memory.max"]: must be a cgroup file name (not empty, no "/", not "." or "..")'
case_ res-unified-dotdot '.linux.resources.unified = {"..": "1"}' 'config.json: linux.resources.unified[".."]: must be a cgroup file name (not empty, no "/", not "." or "..")'
case_ res-unified-empty '.linux.resources.unified = {"": "1"}' 'config.json: linux.resources.unified[""]: must be a cgroup file name (not empty, no "/", not "." or "..")'
case_ res-unified-value-number '.linux.resources.unified = {"memory.max": 1}' 'config.json: linux.resources.unified["memory.max"]: must be a string'
case_ res-rdma-handles '.linux.resources.rdma = {"mlx5_1": {"hcaHandles": 4294967296}}' 'config.json: linux.resources.rdma["mlx5_1"].hcaHandles: must be an integer in 0..4294967295'
case_ res-network-priority-name '.linux.resources.network = {"priorities": [{"priority": 1}]}' 'config.json: linux.resources.network.priorities[0].name: required'
case_ res-network-classid '.linux.resources.network = {"classID": -1}' 'config.json: linux.resources.network.classID: must be an integer in 0..4294967295'

# ---- linux.seccomp ---------------------------------------------------------------------------------
SC='.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}'
case_ seccomp-array '.linux.seccomp = []' 'config.json: linux.seccomp: must be an object'
case_ seccomp-default-missing "$SC"' | .linux.seccomp |= del(.defaultAction)' 'config.json: linux.seccomp.defaultAction: required'
case_ seccomp-default-unknown "$SC"' | .linux.seccomp.defaultAction = "SCMP_ACT_DENY"' 'config.json: linux.seccomp.defaultAction: unknown action "SCMP_ACT_DENY"'
case_ seccomp-default-notify "$SC"' | .linux.seccomp.defaultAction = "SCMP_ACT_NOTIFY" | .linux.seccomp.listenerPath = "/run/agent.sock"' 'config.json: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action'
case_ seccomp-default-errnoret-allow "$SC"' | .linux.seccomp.defaultAction = "SCMP_ACT_ALLOW" | .linux.seccomp.defaultErrnoRet = 1' 'config.json: linux.seccomp.defaultErrnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE'
case_ seccomp-arch-unknown "$SC"' | .linux.seccomp.architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_Z80"]' 'config.json: linux.seccomp.architectures[1]: unknown architecture "SCMP_ARCH_Z80"'
case_ seccomp-flag-unknown "$SC"' | .linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_NEW_LISTENER"]' 'config.json: linux.seccomp.flags[0]: unknown flag "SECCOMP_FILTER_FLAG_NEW_LISTENER"'
case_ seccomp-flags-string "$SC"' | .linux.seccomp.flags = "SECCOMP_FILTER_FLAG_LOG"' 'config.json: linux.seccomp.flags: must be an array'
case_ seccomp-syscalls-object "$SC"' | .linux.seccomp.syscalls = {}' 'config.json: linux.seccomp.syscalls: must be an array'
case_ seccomp-names-empty "$SC"' | .linux.seccomp.syscalls[0].names = []' 'config.json: linux.seccomp.syscalls[0].names: must be a non-empty array of strings'
case_ seccomp-names-missing "$SC"' | .linux.seccomp.syscalls[0] |= del(.names)' 'config.json: linux.seccomp.syscalls[0].names: required'
case_ seccomp-name-empty "$SC"' | .linux.seccomp.syscalls[0].names = ["read", ""]' 'config.json: linux.seccomp.syscalls[0].names[1]: must not be empty'
case_ seccomp-action-unknown "$SC"' | .linux.seccomp.syscalls += [{"names": ["write"], "action": "ALLOW"}]' 'config.json: linux.seccomp.syscalls[1].action: unknown action "ALLOW"'
case_ seccomp-action-missing "$SC"' | .linux.seccomp.syscalls[0] |= del(.action)' 'config.json: linux.seccomp.syscalls[0].action: required'
case_ seccomp-errnoret-allow "$SC"' | .linux.seccomp.syscalls[0].errnoRet = 1' 'config.json: linux.seccomp.syscalls[0].errnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE'
case_ seccomp-errnoret-too-big "$SC"' | .linux.seccomp.syscalls[0].action = "SCMP_ACT_ERRNO" | .linux.seccomp.syscalls[0].errnoRet = 65536' 'config.json: linux.seccomp.syscalls[0].errnoRet: must be an integer in 0..65535'
case_ seccomp-arg-index "$SC"' | .linux.seccomp.syscalls[0].args = [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]' 'config.json: linux.seccomp.syscalls[0].args[0].index: must be an integer in 0..5'
case_ seccomp-arg-op-unknown "$SC"' | .linux.seccomp.syscalls[0].args = [{"index": 0, "value": 1, "op": "SCMP_CMP_XOR"}]' 'config.json: linux.seccomp.syscalls[0].args[0].op: unknown operator "SCMP_CMP_XOR"'
case_ seccomp-arg-value-missing "$SC"' | .linux.seccomp.syscalls[0].args = [{"index": 0, "op": "SCMP_CMP_EQ"}]' 'config.json: linux.seccomp.syscalls[0].args[0].value: required'
case_ seccomp-arg-value-negative "$SC"' | .linux.seccomp.syscalls[0].args = [{"index": 0, "value": -1, "op": "SCMP_CMP_EQ"}]' 'config.json: linux.seccomp.syscalls[0].args[0].value: must be an integer in 0..18446744073709551615'
case_ seccomp-notify-no-listener "$SC"' | .linux.seccomp.syscalls[0].action = "SCMP_ACT_NOTIFY"' 'config.json: linux.seccomp.listenerPath: required by SCMP_ACT_NOTIFY'
case_ seccomp-listener-relative "$SC"' | .linux.seccomp.listenerPath = "agent.sock"' 'config.json: linux.seccomp.listenerPath: must be an absolute path'

# ---- exec process JSON ---------------------------------------------------------------------------------
raw process-invalid-json '{"args": ["sh"' 'process.json: invalid JSON: premature EOF'
case_ process-not-object '[.]' 'process.json: must be an object'
case_ process-args-missing 'del(.args)' 'process.json: args: required'
case_ process-args-empty '.args = []' 'process.json: args: must be a non-empty array of strings'
case_ process-cwd-relative '.cwd = "."' 'process.json: cwd: must be an absolute path'
case_ process-user-missing 'del(.user)' 'process.json: user: required'
case_ process-uid-too-big '.user.uid = 99999999999' 'process.json: user.uid: must be an integer in 0..4294967295'
case_ process-env-bad '.env = ["TERM"]' 'process.json: env[0]: must have the form NAME=value'
case_ process-cap-unknown '.capabilities = {"permitted": ["CAP_SYS_FOO"]}' 'process.json: capabilities.permitted[0]: unknown capability "CAP_SYS_FOO"'
case_ process-rlimit-duplicate '.rlimits = [{"type": "RLIMIT_NPROC", "soft": 1, "hard": 1}, {"type": "RLIMIT_NPROC", "soft": 1, "hard": 1}]' 'process.json: rlimits[1].type: duplicate rlimit "RLIMIT_NPROC"'
case_ process-scheduler-policy '.scheduler = {"policy": "fifo"}' 'process.json: scheduler.policy: unknown policy "fifo"'

# ---- update resources JSON -------------------------------------------------------------------------------
raw resources-invalid-json '{"memory": {"limit": 1}' 'resources.json: invalid JSON: premature EOF'
case_ resources-not-object '["memory"]' 'resources.json: must be an object'
case_ resources-memory-limit-string '.memory = {"limit": "1g"}' 'resources.json: memory.limit: must be an integer'
case_ resources-cpu-cpus '.cpu = {"cpus": "0-1-2"}' 'resources.json: cpu.cpus: must be a list like "0-3,7"'
case_ resources-pids-float '.pids = {"limit": 10.5}' 'resources.json: pids.limit: must be an integer'
case_ resources-blkio-weight '.blockIO = {"weight": 1}' 'resources.json: blockIO.weight: must be in 10..1000'
case_ resources-unified-slash '.unified = {"memory/max": "1"}' 'resources.json: unified["memory/max"]: must be a cgroup file name (not empty, no "/", not "." or "..")'
case_ resources-device-access '.devices = [{"allow": true, "access": "x"}]' 'resources.json: devices[0].access: must be a non-empty subset of "rwm"'
case_ resources-swappiness '.memory = {"swappiness": 200}' 'resources.json: memory.swappiness: must be an integer in 0..100'
case_ resources-hugepage '.hugepageLimits = [{"pageSize": "2mb", "limit": 1}]' 'resources.json: hugepageLimits[0].pageSize: must be a size like "2MB" or "1GB"'

echo "$(find . -maxdepth 1 -name "*.json" | wc -l) cases written to $(pwd)"
