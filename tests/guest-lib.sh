# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# /tests/lib.sh: harness helpers for guest tests (busybox sh):
#   . /tests/lib.sh
# The result protocol (parsed by tests/run.sh, see tests/guest-init.sh): a
# test prints one line per check, "PASS: <name>" or "FAIL: <name>: <why>"
# ("SKIP: <name>: <why>" is shown, not counted).  A test that prints no such
# line, or exits non-zero without a FAIL line, counts as failed.
# pass/fail/check/wait_for have the same signatures as the helpers of
# tests/guest/lib/common.sh, so a test may source both.
# HVTEST_NAME is the test's name (its file name without .sh).

HVTEST_NAME=${HVTEST_NAME:-$(basename "$0" .sh)}
HVTEST_FAILED=0

# pass NAME / fail NAME WHY / skip NAME WHY
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: ${2:-failed}"; HVTEST_FAILED=1; }
skip() { echo "SKIP: $1: ${2:-skipped}"; }

# check NAME COMMAND...: PASS if the command succeeds, else FAIL with its
# exit status and the end of its output.
check() {
	_name=$1
	shift
	if _out=$("$@" 2>&1); then
		pass "$_name"
	else
		fail "$_name" "'$*' exited $?: $(echo "$_out" | tail -n 3 | tr '\n' ' ' | cut -c1-200)"
	fi
}

# wait_for SECONDS COMMAND...: poll every 0.1 s until the command succeeds;
# the command's status after the time is up.
wait_for() {
	_n=$(($1 * 10))
	shift
	while [ "$_n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	"$@"
}

# settle [SECONDS]: wait until the hotplug helper (/sbin/hotplug: modprobe
# $MODALIAS) has handled every uevent the kernel sent so far, like
# "udevadm settle".  Default 10 s.  Status 1 on timeout.
settle() {
	wait_for "${1:-10}" _hvtest_settled
}
_hvtest_settled() {
	[ "$(cat /run/hotplug.seq)" -ge "$(cat /sys/kernel/uevent_seqnum)" ]
}

# kmsg TEXT: into the kernel log (and stdout), to line up with kernel output.
kmsg() {
	echo "<6>hvtest: $HVTEST_NAME: $*" >/dev/kmsg 2>/dev/null
	echo "$*"
}

# load MODULE [PARAMS...]: modprobe; prints modprobe's error on failure.
load() {
	_out=$(modprobe "$@" 2>&1) && return 0
	echo "modprobe $*: $_out"
	return 1
}

# expect_poweroff SECONDS COMMAND...: for a test (the last one) in which the
# host makes the guest shut down.  Tells tests/run.sh a power-off is
# expected, runs the command, waits.  The guest should power off meanwhile
# (tests/run.sh then counts "<test>/poweroff" as passed); if it is still up
# after SECONDS, prints a FAIL.
expect_poweroff() {
	_secs=$1
	shift
	echo "EXPECT-POWEROFF"
	if ! _out=$("$@" 2>&1); then
		fail "$HVTEST_NAME/poweroff-trigger" "'$*' failed: $_out"
		return 1
	fi
	sleep "$_secs"
	fail "$HVTEST_NAME/poweroff" "guest still running $_secs s after '$*'"
	return 1
}

# finish: exit 1 if any FAIL was printed by fail/check, else 0.
finish() {
	exit "$HVTEST_FAILED"
}
