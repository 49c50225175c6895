# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers shared by scripts/*.sh and tests/*.sh.  Source it; it sets no
# shell options of its own.

HV_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HV_BUILD=${HV_BUILD:-$HV_REPO/build}
# shellcheck disable=SC2034 # used by the scripts that source this
HV_LOGS=$HV_BUILD/logs
HV_LINUX_SRC=${HV_LINUX_SRC:-/usr/src/linux-source-6.1}

hv_die() {
	echo "error: $*" >&2
	exit 1
}

hv_note() {
	echo ">>> $*" >&2
}

# Run a command as root: directly when we are root, else through sudo.
hv_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		hv_die "need root for: $* (run as root or install sudo)"
	fi
}

# Print the newest Debian kernel version that has both a module build tree
# (/lib/modules/<ver>/build, from linux-headers-<ver>) and a bootable image
# (/boot/vmlinuz-<ver>, from linux-image-<ver>).  KVER= overrides.
hv_kver() {
	if [ -n "${KVER:-}" ]; then
		[ -e "/lib/modules/$KVER/build/Makefile" ] ||
			hv_die "KVER=$KVER: /lib/modules/$KVER/build is missing"
		echo "$KVER"
		return 0
	fi
	local d v best=
	for d in /lib/modules/*/build; do
		[ -e "$d/Makefile" ] || continue
		v=${d#/lib/modules/}
		v=${v%/build}
		[ -r "/boot/vmlinuz-$v" ] || continue
		[ -d "/lib/modules/$v/kernel" ] || continue
		best+="$v"$'\n'
	done
	# Prefer the generic flavour (6.1.0-NN-amd64) over -cloud-amd64, -rt-amd64.
	if printf '%s' "$best" | grep -qE '^[0-9.]+-[0-9]+-amd64$'; then
		best=$(printf '%s' "$best" | grep -E '^[0-9.]+-[0-9]+-amd64$')
	fi
	best=$(printf '%s\n' "$best" | sed '/^$/d' | sort -V | tail -n 1)
	[ -n "$best" ] || hv_die "no kernel with both /lib/modules/<ver>/build and" \
		"/boot/vmlinuz-<ver> (apt-get install linux-image-amd64" \
		"linux-headers-amd64, or run scripts/deps.sh)"
	echo "$best"
}

# Seconds since the epoch, with fraction, for timings.
hv_now() {
	date +%s.%N
}

# hv_elapsed START -> "12.3s"
hv_elapsed() {
	awk -v s="$1" -v e="$(hv_now)" 'BEGIN { printf "%.1fs", e - s }'
}

# The QEMU binary and the options every boot in this project uses.  TCG
# only: KVM must never be used (the CI machines may not have it, and the
# timing behaviour must be the same everywhere).
HV_QEMU=${HV_QEMU:-qemu-system-x86_64}
hv_qemu_base_args() {
	printf '%s\n' -accel tcg -machine pc -cpu max -smp "${HV_SMP:-2}" -m 1024 \
		-nodefaults -no-reboot -display none -monitor none
}
