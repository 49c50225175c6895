#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A misbehaving host: every fault mode of the simulated host makes the core
# log a (rate-limited) error and keep working; nothing crashes or leaks.
. /tests/lib/common.sh
check stack-up ensure_stack


fault() { # $1 = mode, $2 = regexp the core must log
	mark "fault-$1"
	if ! echo "$1" >"$SIM/fault" 2>/dev/null; then
		fail "fault-$1" "simulated host refused the fault mode"
		return
	fi
	if ! wait_for 5 sh -c "dmesg | sed -n '/TESTMARK fault-$1\$/,\$p' | grep -qE '$2'"; then
		fail "fault-$1" "core logged nothing matching /$2/"
		return
	fi
	a1=$(hb_acked); sleep 1; a2=$(hb_acked)
	if [ "${a2:-0}" -le "${a1:-0}" ]; then
		fail "fault-$1" "heartbeats stopped after the fault ($a1 -> $a2)"
		return
	fi
	pass "fault-$1"
}

fault bad-offer 'offer with invalid relid (0|2048) dropped'
fault short-msg 'truncated'
fault oversized-msg 'bad size'
fault bad-desc 'bad packet descriptor|exceeds'
fault bad-relid-event 'event for unknown relid'
check still-bound bound_to "$HB_CLASS" hv_utils
check no-violations violations_zero
