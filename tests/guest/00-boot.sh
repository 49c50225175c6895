#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The test VM booted Debian's kernel with both vCPUs online.
. /tests/lib.sh

online=$(cat /sys/devices/system/cpu/online)
if [ "$online" = 0-1 ]; then
	pass boot-2-cpus
else
	fail boot-2-cpus "cpus online '$online', expected 0-1"
fi

kver=$(cat /etc/hvtest-kver)
if [ "$(uname -r)" = "$kver" ]; then
	pass boot-kernel-version
else
	fail boot-kernel-version "running $(uname -r), initramfs built for $kver"
fi

finish
