#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Synthetic NIC helpers for guest tests: the simulated NetVSP (debugfs
# netvsp, netvsp_ctl, vswitch), the virtual switch's host port hvsw0, the
# guest's NICs found by MAC, network namespaces.  Sourced only, after
# common.sh.
. /tests/lib/common.sh

NIC_CLASS="{f8615163-df3e-46c5-913f-f2d2f965ed0e}"
NETVSP=$SIM/netvsp
NETVSP_CTL=$SIM/netvsp_ctl
VSWITCH=$SIM/vswitch
KVER=$(cat /etc/hvtest-kver)
DEBIAN_NETVSC=$(find "/lib/modules/$KVER/debian" -name hv_netvsc.ko | head -n 1)
HOSTPORT=hvsw0
# iproute2's (busybox's sh runs its own applet for a bare "ip").
IP=/usr/bin/ip
ETHTOOL=/usr/bin/ethtool
IPERF3=/usr/bin/iperf3
# The simulated host's default MACs (nic_macs): 00:15:5d:56:00:<index + 1>.
NIC0_MAC=00:15:5d:56:00:01
NIC1_MAC=00:15:5d:56:00:02

net_ctl() { echo "$*" >"$NETVSP_CTL"; }

# The loaded hv_netvsc is ours (out of tree: taint flag O) or Debian's.
netvsc_loaded() { grep -q '^hv_netvsc ' /proc/modules; }
netvsc_is_ours() { grep '^hv_netvsc ' /proc/modules | grep -q '(.*O.*)'; }
netvsc_is_debian() { netvsc_loaded && ! netvsc_is_ours; }

# nic_field N KEY: KEY's value on the device line of nicN.
nic_field() {
	grep "^nic$1 mac=" "$NETVSP" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
# nic_chans N: the channel lines of nicN.
nic_chans() { grep "^nic$1 chan " "$NETVSP"; }
# nic_chan_sum N KEY: KEY summed over nicN's channels.
nic_chan_sum() {
	nic_chans "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" |
		awk '{ s += $1 } END { print s + 0 }'
}

# if_of_mac MAC [NETNS]: the interface with that address.
if_of_mac() {
	if [ -n "$2" ]; then
		$IP -n "$2" -o link show | awk -v m="$1" '$0 ~ m { sub(":", "", $2); sub("@.*", "", $2); print $2; exit }'
	else
		for _i in /sys/class/net/*; do
			[ "$(cat "$_i/address" 2>/dev/null)" = "$1" ] &&
				{ basename "$_i"; return 0; }
		done
		return 1
	fi
}
has_if_of_mac() { [ -n "$(if_of_mac "$@")" ]; }

# carrier_is NETNS IF 0|1
carrier_is() {
	[ "$($IP netns exec "$1" cat "/sys/class/net/$2/carrier" 2>/dev/null)" = "$3" ]
}

# load_netvsc debian|ours: unload any hv_netvsc, load the one asked for,
# wait until both NICs are bound and have interfaces.
load_netvsc() {
	if netvsc_loaded; then
		rmmod hv_netvsc || return 1
	fi
	if [ "$1" = debian ]; then
		insmod "$DEBIAN_NETVSC" || return 1
	else
		modprobe hv_netvsc || return 1
	fi
	wait_for 30 bound_to "$NIC_CLASS" hv_netvsc &&
		wait_for 20 has_if_of_mac "$NIC0_MAC" &&
		wait_for 20 has_if_of_mac "$NIC1_MAC"
}

# netns_nic NETNS MAC ADDR4 ADDR6: move the NIC into NETNS, address it, up.
netns_nic() {
	_if=$(if_of_mac "$2") || return 1
	$IP netns add "$1" 2>/dev/null
	$IP link set dev "$_if" netns "$1" || return 1
	$IP -n "$1" link set lo up || return 1
	$IP -n "$1" addr add "$3/24" dev "$_if" || return 1
	$IP -n "$1" addr add "$4/64" dev "$_if" nodad || return 1
	$IP -n "$1" link set dev "$_if" up
}

# in_ns NETNS CMD...
in_ns() {
	_ns=$1
	shift
	$IP netns exec "$_ns" "$@"
}
