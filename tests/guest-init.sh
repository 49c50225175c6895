#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest test harness, installed as /tests/harness.sh in the test initramfs
# and run by busybox init (see /etc/inittab, written by tests/mkinitramfs.sh):
#   harness.sh sysinit   mount file systems, start the hotplug helper
#   harness.sh run       run every /tests/NN-name.sh in lexical order, print
#                        a dmesg summary, "HARNESS: done", power off
#   harness.sh shutdown  init's shutdown action
#
# Protocol (parsed by tests/run.sh):
#   HARNESS: start <kver> tests: <name> <name> ...
#   HARNESS: running <name>
#   ...whatever the test prints: "PASS: <what>", "FAIL: <what>: <why>",
#      "SKIP: <what>", "EXPECT-POWEROFF", other log lines...
#   HARNESS: exit <name> <status>      or  HARNESS: timeout <name> <secs>
#   HARNESS: dmesg-begin / <full dmesg> / HARNESS: dmesg-end
#   HARNESS: done
# Everything goes to the device named by hvtest.out= on the kernel command
# line (tests/run.sh: /dev/ttyS1, a serial port of its own, so kernel
# messages on the console never interleave with it), else /dev/console.
# Other kernel parameters read: hvtest.timeout=<s> (default per-test
# timeout, 120), hvtest.nopoweroff (stay up at the end, for debugging),
# hvtest.loglevel=<n> (console log level once booted, for the demo).
# A test overrides its timeout with a line "# hvtest-timeout: <s>".

PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH

OUT=/dev/console
TIMEOUT=120
POWEROFF=1
LOGLEVEL=
if [ -r /proc/cmdline ]; then
	# shellcheck disable=SC2013 # words, not lines
	for w in $(cat /proc/cmdline); do
		case $w in
		hvtest.out=*) OUT=${w#*=} ;;
		hvtest.timeout=*) TIMEOUT=${w#*=} ;;
		hvtest.nopoweroff) POWEROFF=0 ;;
		hvtest.loglevel=*) LOGLEVEL=${w#*=} ;;
		esac
	done
fi
[ -c "$OUT" ] || OUT=/dev/console

# say: to the result channel.  mark: also to the console and the kernel log,
# so that the three logs can be lined up.
say() {
	echo "$*" >>"$OUT"
}
mark() {
	echo "$*" >>"$OUT"
	[ "$OUT" = /dev/console ] || echo "$*" >/dev/console
	echo "<7>hvtest: $*" >/dev/kmsg 2>/dev/null
}

do_sysinit() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev 2>/dev/null
	mkdir -p /dev/pts /dev/shm
	mount -t devpts devpts /dev/pts
	mount -t tmpfs tmpfs /run
	mount -t tmpfs tmpfs /tmp
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	hostname hvtest
	# Re-read the kernel command line now that /proc is there.
	exec "$0" sysinit2
}

do_sysinit2() {
	[ "$OUT" = /dev/console ] || stty -F "$OUT" raw -echo 2>/dev/null
	# Driver autoloading: every uevent with MODALIAS= makes /sbin/hotplug
	# run "modprobe $MODALIAS", as udev would.  The Debian kernel has no
	# CONFIG_UEVENT_HELPER, so normally busybox "uevent" listens on netlink.
	echo 0 >/run/hotplug.seq
	: >/run/hotplug.log
	if [ -w /proc/sys/kernel/hotplug ]; then
		echo /sbin/hotplug >/proc/sys/kernel/hotplug
	else
		setsid uevent /sbin/hotplug </dev/null >/dev/null 2>&1 &
	fi
}

run_tests() {
	cd /tests || return
	[ -n "$LOGLEVEL" ] && dmesg -n "$LOGLEVEL"
	list=
	for t in /tests/[0-9]*.sh; do
		[ -f "$t" ] || continue
		n=${t##*/}
		list="$list ${n%.sh}"
	done
	mark "HARNESS: start $(uname -r) tests:$list"
	say "HARNESS: cpus $(cat /sys/devices/system/cpu/online) mem $(awk '/MemTotal/ { print $2 " kB" }' /proc/meminfo)"

	for n in $list; do
		t=/tests/$n.sh
		to=$(sed -n 's/^# *hvtest-timeout: *\([0-9][0-9]*\).*/\1/p' "$t" | head -n 1)
		to=${to:-$TIMEOUT}
		mark "HARNESS: running $n"
		rm -f /tmp/hvtest.timedout
		# Own session and process group: a timeout kills every process
		# the test started, and leftovers are killed after it exits.
		HVTEST_NAME=$n HVTEST_OUT=$OUT setsid sh "$t" </dev/null >>"$OUT" 2>&1 &
		pid=$!
		(
			sleep "$to"
			: >/tmp/hvtest.timedout
			kill -KILL -"$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
		) &
		wd=$!
		wait "$pid"
		rc=$?
		kill "$wd" 2>/dev/null
		kill -KILL -"$pid" 2>/dev/null
		# SIGKILL is asynchronous: a leftover may still write.  Let the
		# group go first, then begin a fresh line (a killed writer may
		# have left half of one).
		w=20
		while [ "$w" -gt 0 ] && kill -0 -"$pid" 2>/dev/null; do
			sleep 0.1
			w=$((w - 1))
		done
		echo >>"$OUT"
		if [ -e /tmp/hvtest.timedout ]; then
			mark "HARNESS: timeout $n $to"
		else
			mark "HARNESS: exit $n $rc"
		fi
	done

	say "HARNESS: hotplug events handled (last seq $(cat /run/hotplug.seq)," \
		"kernel seq $(cat /sys/kernel/uevent_seqnum)):"
	sed 's/^/  hotplug: /' /run/hotplug.log >>"$OUT"
	say "HARNESS: modules loaded:"
	sed 's/^/  lsmod: /' /proc/modules >>"$OUT"
	say "HARNESS: taint $(cat /proc/sys/kernel/tainted)"
	# Kernel messages of level warning or worse (dmesg -r: "<N>", level N&7).
	dmesg -r | awk '{
		if (match($0, /^<[0-9]+>/)) {
			lvl = substr($0, 2, RLENGTH - 2) % 8
			if (lvl <= 4) { n++; print "  dmesg-warn: " substr($0, RLENGTH + 1) }
		}
	} END { print "HARNESS: dmesg warnings (level <= 4): " n + 0 }' >>"$OUT"
	# The whole log, for tests/run.sh to keep and scan (not on the console:
	# the demo shows it live).
	if [ "$OUT" != /dev/console ]; then
		say "HARNESS: dmesg-begin"
		dmesg >>"$OUT"
		say "HARNESS: dmesg-end"
	fi
	mark "HARNESS: done"
	sync
	if [ "$POWEROFF" = 1 ]; then
		poweroff
	fi
}

case ${1:-run} in
sysinit) do_sysinit ;;
sysinit2) do_sysinit2 ;;
run) run_tests ;;
shutdown)
	mark "HARNESS: shutdown"
	sync
	;;
*) echo "usage: $0 sysinit|run|shutdown" >&2; exit 2 ;;
esac
exit 0
