#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The host rescinds a bound device at run time, then offers it again; and
# rescinds a device whose driver is blocked in vmbus_open().  Only one
# heartbeat device exists at a time: hv_utils keeps one buffer per IC type.
. /tests/lib/common.sh
check stack-up ensure_stack

hb_relid() { awk '$2 == "heartbeat" { print $1; exit }' "$SIM/offers"; }

relid=$(hb_relid)
check have-heartbeat test -n "$relid"
check rescind-accepted sh -c "echo $relid > $SIM/rescind"
check device-removed wait_for 10 no_class "$HB_CLASS"
check relid-released wait_for 5 relid_gone "$relid"
check shutdown-untouched bound_to "$SD_CLASS" hv_utils

# Rescind while the guest waits for OPENCHANNEL_RESULT: the host holds the
# answer back, hv_utils' probe blocks in vmbus_open(); the rescind must
# abort the wait, the probe fail cleanly and the relid be released.
check hold-open-armed sh -c "echo hold-open > $SIM/fault"
check offer-during-hold sh -c "echo heartbeat > $SIM/offer"
check held-device-appears wait_for 10 has_class "$HB_CLASS"
held=$(hb_relid)
sleep 1
# The driver's probe is still inside vmbus_open(): the channel is opening.
check held-channel-opening grep -qx 1 "$(devices_of_class "$HB_CLASS" | head -n1)/state"
check rescind-while-opening sh -c "echo $held > $SIM/rescind"
check held-device-removed wait_for 10 no_class "$HB_CLASS"
check held-relid-released wait_for 10 relid_gone "$held"

check re-offer-accepted sh -c "echo heartbeat > $SIM/offer"
check device-back-and-bound wait_for 10 bound_to "$HB_CLASS" hv_utils
a1=$(hb_acked); sleep 1; a2=$(hb_acked)
check heartbeats-after-re-offer test "${a2:-0}" -gt "${a1:-0}"
check no-violations violations_zero
