#!/usr/bin/env bash
# qemu-matrix.sh: what make test boots.
#
# 1. Every stock configuration of run-qemu.sh; each must pass.
# 2. Configuration none with a malformed DMAR handed to the firmware through
#    -acpitable: each run must end in the named failing dmar cases and exit
#    1, not hang, crash or pass.
# The last line totals the cases: vtdtest: P passed, F failed, S skipped,
# where each malformed-table run counts as one case of its own.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
logs=$top/build/logs
fixtures=$top/build/fixtures/dmar
unit_totals=${1:-}	# "P F" from the unit tests, optional

# fixture|dmar cases that must fail
malformed=(
)

passed=0 failed=0 skipped=0 status=0

add_verdict() {	# LOG
	local v
	v=$(tr -d '\r' <"$1" | grep -E '^vtdtest: [0-9]+ passed' | tail -n 1)
	[ -n "$v" ] || return 1
	set -- $v
	passed=$((passed + $2)) failed=$((failed + $4)) skipped=$((skipped + $6))
}

"$top/run-qemu.sh" --all --jobs "${VTDTEST_JOBS:-2}"
rc=$?
[ "$rc" -eq 0 ] || status=1
for log in "$logs"/{none,legacy39,legacy48,sm-ss,sm-fs,sm-fs-pasid,sm-cm}.log; do
	add_verdict "$log" || { echo "qemu-matrix: no verdict in $log" >&2; failed=$((failed + 1)); }
done

for entry in "${malformed[@]}"; do
	fixture=${entry%%|*} want=${entry#*|} missing=""
	"$top/run-qemu.sh" --config none --tests dmar --timeout 60 \
		-- -acpitable "file=$fixtures/$fixture.aml" >/dev/null 2>&1
	rc=$?
	cp "$logs/none.log" "$logs/none+$fixture.log"
	for case in ${want//,/ }; do
		tr -d '\r' <"$logs/none+$fixture.log" |
			grep -qE "^    not ok [0-9]+ $case\$" || missing="$missing $case"
	done
	if [ "$rc" -eq 1 ] && [ -z "$missing" ]; then
		printf 'malformed %-28s ok: exit 1, failed %s\n' "$fixture" "$want"
		passed=$((passed + 1))
	else
		printf 'malformed %-28s NOT OK: exit %s, missing failures:%s\n' \
			"$fixture" "$rc" "${missing:- none}"
		failed=$((failed + 1)) status=1
	fi
done

if [ -n "$unit_totals" ]; then
	set -- $unit_totals
	passed=$((passed + $1)) failed=$((failed + $2))
fi
echo "vtdtest: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || status=1
exit "$status"
