#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Reconnect without reloading anything: the core unloads the connection
# and negotiates again, also after a pre-3.0 session that has no UNLOAD
# (the host learns of the new session from INITIATE_CONTACT alone).
. /tests/lib/common.sh
check stack-up ensure_stack

P=/sys/module/hv_vmbus/parameters/max_version
echo 1 >"$SIM/trace_enable"
for step in 3.0:5.3:3.0 0.13:5.3:0.13 5.3:4.0:4.0 5.3:5.3:5.3; do
	host=${step%%:*} rest=${step#*:} guest=${rest%%:*} want=${rest#*:}
	echo "$guest" >"$P"
	mark "reconnect-$host-$guest"
	if ! echo "$host" >"$SIM/reconnect" 2>/tmp/err; then
		fail "reconnect-host-$host-guest-$guest" "$(cat /tmp/err)"
		tail -n 40 "$SIM/trace" | sed 's/^/TRACE: /'
		continue
	fi
	check "reconnect-host-$host-guest-$guest" sh -c \
		"dmesg | sed -n '/TESTMARK reconnect-$host-$guest\$/,\$p' | grep -q 'Vmbus version:$want\$'"
done
echo 0 >"$SIM/trace_enable"
check rebound-after-reconnects wait_for 10 bound_to "$HB_CLASS" hv_utils
check no-violations violations_zero
