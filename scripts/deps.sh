#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/deps.sh [check|demo|bench]
#
# Install (idempotently) the Debian 12 packages the given task needs,
# extract linux-source-6.1 under /usr/src, and print the version of the
# Debian kernel we build against and boot in QEMU.  Runs apt-get update
# only when something is missing.  Safe to run with no stdin (CI).
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

task=${1:-check}

# Build the out-of-tree modules against the Debian kernel.
pkgs_build=(build-essential make gcc libc6-dev binutils kmod git rsync xz-utils
	    linux-image-amd64 linux-headers-amd64 libelf-dev)
# Boot the Debian kernel under QEMU with a busybox initramfs.
pkgs_boot=(qemu-system-x86 busybox-static cpio gzip zstd e2fsprogs fio util-linux
	   iproute2 ethtool iperf3)
# Static checks and KUnit (kunit.py builds a whole kernel).
pkgs_check=(sparse perl python3 linux-source-6.1 bc flex bison libssl-dev
	    dwarves dkms)
pkgs_bench=(fio iperf3)

case $task in
check) want=("${pkgs_build[@]}" "${pkgs_boot[@]}" "${pkgs_check[@]}") ;;
demo) want=("${pkgs_build[@]}" "${pkgs_boot[@]}") ;;
bench) want=("${pkgs_build[@]}" "${pkgs_boot[@]}" "${pkgs_bench[@]}") ;;
*) hv_die "usage: $0 [check|demo|bench]" ;;
esac

installed() {
	local st
	st=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
	[ "$st" = "install ok installed" ]
}

command -v dpkg-query >/dev/null 2>&1 ||
	hv_die "dpkg-query not found: this script supports Debian 12 only"

missing=()
for p in "${want[@]}"; do
	installed "$p" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
	hv_note "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	hv_root env DEBIAN_FRONTEND=noninteractive apt-get update -q ||
		hv_die "apt-get update failed"
	hv_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" </dev/null ||
		hv_die "apt-get install ${missing[*]} failed"
	for p in "${missing[@]}"; do
		installed "$p" || hv_die "package $p is still not installed"
	done
else
	hv_note "all ${#want[@]} packages for '$task' already installed"
fi

# linux-source-6.1 ships a tarball; checkpatch.pl and kunit.py need the tree.
if [ "$task" = check ]; then
	src=$HV_LINUX_SRC
	if [ ! -f "$src/Makefile" ] || [ ! -f "$src/scripts/checkpatch.pl" ] ||
	   [ ! -f "$src/tools/testing/kunit/kunit.py" ]; then
		tarball=$(find /usr/src -maxdepth 1 -name 'linux-source-6.1.tar.*' | head -n 1)
		[ -n "$tarball" ] || hv_die "no /usr/src/linux-source-6.1.tar.* (package linux-source-6.1)"
		hv_note "extracting $tarball into $src"
		tmp=$(dirname "$src")/.$(basename "$src").extract.$$
		hv_root rm -rf "$tmp"
		hv_root mkdir -p "$tmp"
		hv_root tar -C "$tmp" -xf "$tarball" ||
			hv_die "extracting $tarball failed"
		[ -f "$tmp/linux-source-6.1/Makefile" ] ||
			hv_die "$tarball does not contain linux-source-6.1/"
		hv_root rm -rf "$src"
		hv_root mv "$tmp/linux-source-6.1" "$src"
		hv_root rm -rf "$tmp"
	fi
fi

kver=$(hv_kver)
hv_note "Debian kernel: $kver (/boot/vmlinuz-$kver, /lib/modules/$kver/build)"
echo "$kver"
