#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tests/clients/run.sh [SUITE.bats...] — run the client suites against
# $RUNTIME (default: the repo's ./berth), one file after the other, and
# print each file's wall time and a closing "clients: N passed, N failed".
#
# CLIENTS_ARGV_LOG=FILE records every runtime invocation (argv, parent,
# fds) the clients make; see runtime_path in lib/common.bash.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
export RUNTIME=${RUNTIME:-$repo/berth}

if (($# == 0)); then
	set -- "$here/containerd.bats" "$here/cri.bats" "$here/podman.bats" "$here/docker.bats"
fi

if [[ $RUNTIME != /* || ! -x $RUNTIME ]]; then
	echo "clients: RUNTIME must be an absolute path to an executable (got '$RUNTIME')" >&2
	echo "clients: 0 passed, 1 failed"
	exit 1
fi
echo "clients: runtime under test: $RUNTIME ($("$RUNTIME" --version 2>/dev/null | head -n1))"

pass=0 fail=0 rc=0 times=()
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for suite in "$@"; do
	start=$(date +%s%N)
	bats --timing "$suite" | tee "$out"
	((PIPESTATUS[0] == 0)) || rc=1
	ms=$((($(date +%s%N) - start) / 1000000))
	times+=("$(printf '%-16s %3d.%d s' "$(basename "$suite")" $((ms / 1000)) $((ms % 1000 / 100)))")
	pass=$((pass + $(grep -c '^ok ' "$out")))
	fail=$((fail + $(grep -c '^not ok ' "$out")))
done
printf 'clients: wall time %s\n' "${times[@]}"
# a suite that failed without a "not ok" line (bats itself broke) still fails
if ((rc != 0 && fail == 0)); then
	fail=1
fi
echo "clients: $pass passed, $fail failed"
exit $rc
