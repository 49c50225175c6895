#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Last test: the simulated host asks for a shutdown; Debian's hv_utils
# powers the guest off cleanly.  The runner checks the power-down.
. /tests/lib/common.sh
check stack-up ensure_stack

check shutdown-bound wait_for 10 bound_to "$SD_CLASS" hv_utils
check no-violations-before-shutdown violations_zero
echo "EXPECT-POWEROFF"
echo 1 >"$SIM/shutdown"
sleep 60
fail shutdown "guest still running 60 s after the shutdown request"
