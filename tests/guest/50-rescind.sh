#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The host rescinds a bound device at run time, then offers it again.
. /tests/lib/common.sh
check stack-up ensure_stack

hb=$(devices_of_class "$HB_CLASS" | head -n1)
relid=$(cat "$hb/id" 2>/dev/null)
check have-heartbeat test -n "$relid"
mark rescind
check rescind-accepted sh -c "echo $relid > $SIM/rescind"
check device-removed wait_for 10 no_class "$HB_CLASS"
check relid-released wait_for 5 relid_gone "$relid"
check shutdown-untouched bound_to "$SD_CLASS" hv_utils
check re-offer-accepted sh -c "echo heartbeat > $SIM/offer"
check device-back-and-bound wait_for 10 bound_to "$HB_CLASS" hv_utils
check no-violations violations_zero

# Rescind while the guest waits for OPENCHANNEL_RESULT: the host holds the
# answer back, hv_utils' probe blocks in vmbus_open(), the rescind must
# abort the wait, the probe fail cleanly and the relid be released.
check hold-open-armed sh -c "echo hold-open > $SIM/fault"
check hot-add-during-hold sh -c "echo heartbeat > $SIM/offer"
check new-device-appears wait_for 10 sh -c "[ \$(grep -c heartbeat $SIM/offers) -gt 1 ]"
new=$(awk '$2 == "heartbeat" { r = $1 } END { print r }' "$SIM/offers")
sleep 1
check rescind-while-opening sh -c "echo $new > $SIM/rescind"
check opening-relid-released wait_for 10 relid_gone "$new"
check old-device-still-bound bound_to "$HB_CLASS" hv_utils
check no-violations-after-hold violations_zero
