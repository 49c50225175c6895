#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/mkinitramfs.sh [options] <out.cpio.gz> <kver>
#
# Build the test initramfs for the Debian kernel <kver>:
#   /bin/busybox + applet links, busybox init as PID 1 (/init, /sbin/init)
#   /bin/kmod + its shared libraries, modprobe/insmod/... -> kmod
#   /usr/bin: mke2fs, e2fsck, fio, blkdiscard (storage tests)
#   /usr/sbin: ip (iproute2), ethtool, iperf3, sockperf (network tests)
#   /usr/bin: xdpload, netcheck (tests/tools/*.c, built static here)
#   /lib/modules/<kver>/updates/  our modules (drivers/**.ko, sim/*.ko)
#   /lib/modules/<kver>/debian/   Debian's hv_utils, hv_netvsc, hv_storvsc
#                                 (+ extra modules) and their dependencies;
#                                 modules that link against hv_vmbus have
#                                 their __versions section removed
#   /tests/                       the guest tests (default tests/guest/),
#                                 /tests/harness.sh and /tests/lib.sh
# Debian's own hv_vmbus.ko is never included: "modprobe hv_vmbus" must load
# ours.
#
# Options:
#   --tests DIR        guest test directory (default tests/guest)
#   --filter PATTERN   only tests whose file name contains PATTERN (an
#                      extended regex; default: all)
#   --no-repo-modules  leave our modules out (e.g. when the build failed)
#   --root DIR         staging directory (default: a temporary directory,
#                      removed afterwards; a given DIR is kept)
#   --debian-modules "m1 m2"  Debian modules to include (default
#                      "$HV_DEBIAN_MODULES" or "hv_utils hv_netvsc
#                      hv_storvsc sd_mod ext4 brd veth 8021q")
#   --cmdline-default "k=v ..." harness defaults written to /etc/hvtest.conf
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"

tests_dir=$HV_REPO/tests/guest
filter=
repo_modules=1
root=
keep_root=0
debian_modules=${HV_DEBIAN_MODULES:-hv_utils hv_netvsc hv_storvsc sd_mod ext4 brd veth 8021q}

usage() {
	sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--tests) tests_dir=$2; shift 2 ;;
	--filter) filter=$2; shift 2 ;;
	--no-repo-modules) repo_modules=0; shift ;;
	--root) root=$2; keep_root=1; shift 2 ;;
	--debian-modules) debian_modules=$2; shift 2 ;;
	-h|--help) usage ;;
	-*) hv_die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || usage
out=$1
kver=$2
moddir=/lib/modules/$kver

[ -d "$moddir/kernel" ] || hv_die "$moddir/kernel missing (linux-image-$kver not installed?)"
[ -x /bin/busybox ] || hv_die "/bin/busybox missing (apt-get install busybox-static)"
if ldd /bin/busybox >/dev/null 2>&1; then
	hv_die "/bin/busybox is dynamically linked: install busybox-static"
fi
command -v kmod >/dev/null || hv_die "kmod missing (apt-get install kmod)"
command -v cpio >/dev/null || hv_die "cpio missing (apt-get install cpio)"
command -v objcopy >/dev/null || hv_die "objcopy missing (apt-get install binutils)"

if [ -z "$root" ]; then
	root=$(mktemp -d "${TMPDIR:-/tmp}/hv-initramfs.XXXXXX")
fi
cleanup() {
	[ "$keep_root" = 1 ] || rm -rf "$root"
}
trap cleanup EXIT
rm -rf "${root:?}"/*
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,mnt,tests,usr/bin,usr/sbin,lib64}
mkdir -p "$root/lib/x86_64-linux-gnu" "$root$moddir"
chmod 1777 "$root/tmp"

# --- busybox and its applets ---------------------------------------------
cp /bin/busybox "$root/bin/busybox"
while read -r applet; do
	[ -n "$applet" ] || continue
	[ -e "$root/$applet" ] && continue
	mkdir -p "$root/$(dirname "$applet")"
	ln -s /bin/busybox "$root/$applet"
done < <(/bin/busybox --list-full)

# copy_bin PATH DEST: a dynamically linked program and its libraries.
copy_bin() {
	local bin lib
	bin=$(readlink -f "$1")
	mkdir -p "$root$(dirname "$2")"
	cp "$bin" "$root$2"
	# ldd prints "libx.so => /path (addr)" and "/lib64/ld-linux-x86-64.so.2 (addr)".
	ldd "$bin" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' |
	while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

# --- kmod (replaces busybox's module applets) -----------------------------
copy_bin "$(command -v kmod)" /bin/kmod
# --- disk tools for the storage tests (not in busybox, or weaker there) ---
for t in mke2fs e2fsck fio blkdiscard; do
	p=$(PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v "$t") ||
		hv_die "$t missing (apt-get install e2fsprogs fio util-linux, or scripts/deps.sh)"
	rm -f "$root/usr/sbin/$t" "$root/sbin/$t" "$root/bin/$t" "$root/usr/bin/$t"
	copy_bin "$p" "/usr/bin/$t"
done
ln -sf /usr/bin/mke2fs "$root/usr/bin/mkfs.ext4"
ln -sf /usr/bin/e2fsck "$root/usr/bin/fsck.ext4"
for d in sbin usr/sbin bin; do
	rm -f "$root/$d/mkfs.ext4" "$root/$d/fsck.ext4" "$root/$d/mke2fs" "$root/$d/e2fsck"
done
printf '[defaults]\n' >"$root/etc/mke2fs.conf"

# --- network tools for the network tests and the benchmark ------------------
# iproute2's ip (netns, XDP state; busybox's ip has neither) replaces the
# busybox applet links; busybox sh still runs its own applet for a bare
# "ip", so the tests call /usr/sbin/ip (tests/guest/lib/net.sh).
for t in ip ethtool iperf3 sockperf; do
	p=$(PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v "$t") ||
		hv_die "$t missing (apt-get install iproute2 ethtool iperf3 sockperf, or scripts/deps.sh)"
	for d in sbin usr/sbin bin usr/bin; do
		rm -f "$root/$d/$t"
	done
	copy_bin "$p" "/usr/sbin/$t"
	ln -s "/usr/sbin/$t" "$root/sbin/$t"
done
mkdir -p "$root/etc/netns" "$root/var"
ln -sfn /run "$root/var/run"
# Our own small static tools (tests/tools/*.c): built once per change into
# build/tools/, copied to /usr/bin.
mkdir -p "$HV_BUILD/tools"
for src in "$HV_REPO"/tests/tools/*.c; do
	[ -e "$src" ] || continue
	t=$(basename "$src" .c)
	bin=$HV_BUILD/tools/$t
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
		gcc -static -O2 -Wall -Wextra -Werror -o "$bin.tmp" "$src" ||
			hv_die "building tests/tools/$t.c failed"
		mv -f "$bin.tmp" "$bin"
	fi
	rm -f "$root/usr/bin/$t" "$root/bin/$t"
	cp "$bin" "$root/usr/bin/$t"
done

for t in modprobe insmod rmmod lsmod modinfo depmod; do
	for d in sbin bin usr/sbin usr/bin; do
		rm -f "$root/$d/$t"
	done
	ln -s /bin/kmod "$root/sbin/$t"
	ln -s /bin/kmod "$root/bin/$t"
done

# --- modules ---------------------------------------------------------------
mkdir -p "$root$moddir/updates" "$root$moddir/debian"
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$moddir/$f" ] && cp "$moddir/$f" "$root$moddir/$f"
done

n_ours=0
if [ "$repo_modules" = 1 ]; then
	while IFS= read -r -d '' ko; do
		rel=${ko#"$HV_REPO"/}
		mkdir -p "$root$moddir/updates/$(dirname "$rel")"
		cp "$ko" "$root$moddir/updates/$rel"
		n_ours=$((n_ours + 1))
	done < <(find "$HV_REPO/drivers" "$HV_REPO/sim" "$HV_REPO/tests/modules" \
		-name '*.ko' -type f -print0 2>/dev/null)
fi
hv_note "initramfs: $n_ours module(s) of ours"

# Debian modules: the requested ones plus, recursively, their dependencies
# ("depends" and soft "pre:"/"post:" dependencies).  hv_vmbus is ours.
declare -A seen=()
queue=()
for m in $debian_modules; do
	queue+=("$m")
done
while [ "${#queue[@]}" -gt 0 ]; do
	m=${queue[0]}
	queue=("${queue[@]:1}")
	[ "${m//-/_}" = hv_vmbus ] && continue
	# A name or an alias; an alias may stand for several modules.
	paths=$(modinfo -k "$kver" -n "$m" 2>/dev/null) ||
		hv_die "Debian module $m not found in $moddir"
	while read -r path; do
		case $path in
		/*.ko) ;;
		*) continue ;; # "(builtin)", compressed: not supported
		esac
		key=$(basename "$path" .ko)
		key=${key//-/_}
		[ -n "${seen[$key]:-}" ] && continue
		seen[$key]=1
		[ "$key" = hv_vmbus ] && continue
		rel=${path#"$moddir"/kernel/}
		dst=$root$moddir/debian/$rel
		mkdir -p "$(dirname "$dst")"
		deps=$(modinfo -F depends "$path")
		if [[ ",$deps," == *,hv_vmbus,* ]]; then
			# Its symbol CRCs are those of Debian's hv_vmbus: drop them;
			# the (taint-only) forced load then resolves against ours.
			objcopy --remove-section=__versions "$path" "$dst"
		else
			cp "$path" "$dst"
		fi
		for d in ${deps//,/ }; do
			queue+=("$d")
		done
		for d in $(modinfo -F softdep "$path" | tr ' ' '\n' | grep -v ':$' || true); do
			modinfo -k "$kver" -n "$d" >/dev/null 2>&1 && queue+=("$d")
		done
	done <<<"$paths"
done
# Debian's hv_netvsc once more, renamed hv_netdeb (module and driver name:
# every "hv_netvsc" string, same length), outside the module tree so that
# no alias finds it: insmod'ed by the interop test, it drives one NIC while
# our hv_netvsc drives the other.
netvsc_deb=$(find "$root$moddir/debian" -name hv_netvsc.ko | head -n 1)
if [ -n "$netvsc_deb" ]; then
	mkdir -p "$root/usr/lib/hvtest"
	perl -0777 -pe 's/hv_netvsc/hv_netdeb/g' "$netvsc_deb" >"$root/usr/lib/hvtest/hv_netdeb.ko"
fi
hv_note "initramfs: Debian modules: $(cd "$root$moddir/debian" && find . -name '*.ko' | sed 's,.*/,,; s,\.ko$,,' | sort | tr '\n' ' ')"

# Search order: ours first, so "modprobe hv_vmbus" and friends find them.
mkdir -p "$root/etc/depmod.d"
echo "search updates debian built-in" >"$root/etc/depmod.d/hv-suite.conf"
# With the kernel's own exports (vmlinux lines of Module.symvers; Debian's
# System.map is a stub), depmod -e reports every symbol no module provides.
symvers=$(mktemp "${TMPDIR:-/tmp}/hv-symvers.XXXXXX")
awk -F '\t' '$3 == "vmlinux"' "$moddir/build/Module.symvers" >"$symvers" 2>/dev/null || true
depmod_args=()
[ -s "$symvers" ] && depmod_args=(-e -E "$symvers")
depmod_log=$(depmod -b "$root" -C "$root/etc/depmod.d/hv-suite.conf" "${depmod_args[@]}" "$kver" 2>&1) ||
	{ rm -f "$symvers"; hv_die "depmod failed: $depmod_log"; }
rm -f "$symvers"
# Modules without __versions "disagree" with every CRC: expected, dropped.
depmod_log=$(printf '%s\n' "$depmod_log" | grep -v 'disagrees about version of symbol' || true)
if [ -n "$depmod_log" ]; then
	hv_note "depmod says (unresolved symbols of Debian modules mean our hv_vmbus lacks them):"
	printf '%s\n' "$depmod_log" | sed "s,$root,,g" | awk '
		/needs unknown symbol/ {
			m = $3; sub(/.*\//, "", m); sub(/:$/, "", m)
			if (!(m in n)) order[++k] = m
			n[m]++; if (n[m] <= 8) syms[m] = syms[m] " " $NF
			next
		}
		{ print "    " $0 }
		END {
			for (i = 1; i <= k; i++) {
				m = order[i]
				printf "    %s: %d unknown symbol(s):%s%s\n", m, n[m], syms[m], (n[m] > 8 ? " ..." : "")
			}
		}' >&2
fi

# --- tests and the harness -------------------------------------------------
if [ -d "$tests_dir" ]; then
	cp -r "$tests_dir"/. "$root/tests/"
fi
# Other test directories (bench/guest) share the guest helpers.
[ -d "$root/tests/lib" ] || cp -r "$HV_REPO/tests/guest/lib" "$root/tests/lib"
if [ -n "$filter" ]; then
	for t in "$root"/tests/[0-9]*.sh; do
		[ -e "$t" ] || continue
		basename "$t" | grep -Eq -- "$filter" || rm -f "$t"
	done
fi
cp "$HV_REPO/tests/guest-init.sh" "$root/tests/harness.sh"
cp "$HV_REPO/tests/guest-lib.sh" "$root/tests/lib.sh"
cp "$HV_REPO/tests/guest-hotplug.sh" "$root/sbin/hotplug"
chmod 755 "$root/tests/harness.sh" "$root/sbin/hotplug"
find "$root/tests" -name '*.sh' -exec chmod 755 {} +

cat >"$root/etc/inittab" <<'EOF'
# busybox init: mount and start the hotplug helper, then run the tests once.
# The tests run as a "once" action so that init handles a power-off request
# (SIGUSR2 from /sbin/poweroff, e.g. run by the kernel's orderly_poweroff)
# while a test is still running.
::sysinit:/tests/harness.sh sysinit
::once:/tests/harness.sh run
::shutdown:/tests/harness.sh shutdown
EOF
ln -sf /bin/busybox "$root/init"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
: >"$root/etc/fstab"
echo "$kver" >"$root/etc/hvtest-kver"

# /dev/console for the kernel to open before devtmpfs is mounted (the
# kernel's built-in initramfs has one too; this is belt and braces).
mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
mknod -m 666 "$root/dev/null" c 1 3 2>/dev/null || true

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet --owner 0:0) | gzip -1 >"$out.tmp"
mv -f "$out.tmp" "$out"
hv_note "initramfs: $out ($(du -h "$out" | cut -f1))"
