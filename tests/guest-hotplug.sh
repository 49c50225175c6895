#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /sbin/hotplug in the test initramfs: run for every kernel uevent, by
# busybox "uevent" (netlink) or by the kernel (/proc/sys/kernel/hotplug).
# Does what udev does for driver autoloading: "modprobe $MODALIAS" on "add".
# /run/hotplug.seq holds the SEQNUM of the last event handled, so that
# tests can wait for the queue to drain ("settle" in /tests/lib.sh);
# /run/hotplug.log lists the modalias events and modprobe's verdict.
PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH

if [ "$ACTION" = add ] && [ -n "$MODALIAS" ]; then
	if err=$(modprobe -q "$MODALIAS" 2>&1); then
		r=ok
	else
		r="failed: $err"
	fi
	echo "$SEQNUM $DEVPATH $MODALIAS $r" >>/run/hotplug.log
fi
if [ -n "$SEQNUM" ]; then
	echo "$SEQNUM" >/run/hotplug.seq
fi
exit 0
