#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/demo.sh  (= make demo)
#
# Install what the demo needs, build the modules and an initramfs whose
# harness runs tests/demo/*.sh, boot Debian's kernel with it under QEMU
# (TCG) and show the console live.  Exit status 0 iff the demo ran to its
# end.  Console log: build/logs/demo-console.log.
# Environment: HV_QEMU_TIMEOUT (s, default 300), HV_KERNEL_ARGS, HV_QEMU_ARGS.
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

mkdir -p "$HV_LOGS"
"$HV_REPO/scripts/deps.sh" demo >/dev/null
kver=$(hv_kver)

hv_note "demo: building the modules"
make -C "$HV_REPO" KDIR="/lib/modules/$kver/build" ||
	hv_die "the modules do not build (see above)"

initrd=$HV_BUILD/demo-$kver.cpio.gz
"$HV_REPO/tests/mkinitramfs.sh" --tests "$HV_REPO/tests/demo" "$initrd" "$kver"

console=$HV_LOGS/demo-console.log
: >"$console"
cmdline="console=ttyS0 loglevel=4 hvtest.loglevel=7 panic=-1 oops=panic"
cmdline+=" printk.devkmsg=on ${HV_KERNEL_ARGS:-}"
mapfile -t qemu_args < <(hv_qemu_base_args)
read -r -a extra_qemu <<<"${HV_QEMU_ARGS:-}"
timeout=${HV_QEMU_TIMEOUT:-300}

hv_note "demo: booting $kver under QEMU/TCG (up to ${timeout}s)"
tail -n +1 -f "$console" &
tail_pid=$!
rc=0
timeout -k 10 "$timeout" "$HV_QEMU" "${qemu_args[@]}" \
	-kernel "/boot/vmlinuz-$kver" -initrd "$initrd" -append "$cmdline" \
	-serial "file:$console" "${extra_qemu[@]}" </dev/null || rc=$?
sleep 0.5
kill "$tail_pid" 2>/dev/null || true
wait "$tail_pid" 2>/dev/null || true

if grep -q '^HARNESS: done' "$console"; then
	hv_note "demo: finished (console log: build/logs/demo-console.log)"
	exit 0
fi
[ "$rc" = 124 ] && hv_note "demo: QEMU timed out after ${timeout}s"
hv_die "demo: the guest did not reach the end (QEMU exit $rc; build/logs/demo-console.log)"
