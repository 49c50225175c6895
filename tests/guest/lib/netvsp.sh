#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Helpers about the simulated NetVSP for guest tests, on top of
# lib/net.sh: its state file (netvsp: one "nicN mac=..." line per NIC and
# one "nicN chan ..." line per open channel), its control file, the
# virtual switch and its host port.  Sourced only.
# shellcheck source=tests/guest/lib/net.sh
. /tests/lib/net.sh

VSWITCH=$SIM/vswitch
HOSTPORT=$HOST_PORT
ETHTOOL=/usr/sbin/ethtool
IPERF3=/usr/sbin/iperf3
# The simulated host's default MACs (nic_macs): 00:15:5d:56:00:<index + 1>.
NIC0_MAC=$NIC_MAC_A
NIC1_MAC=$NIC_MAC_B

net_ctl() { netvsp_ctl "$@"; }

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
if_of_mac() { nic_by_mac "$1" "${2:--}"; }
has_if_of_mac() { [ -n "$(if_of_mac "$@")" ]; }

# carrier_is NETNS IF 0|1
carrier_is() { _carrier_is "$@"; }

# netns_nic NETNS MAC ADDR4 ADDR6: move the NIC into NETNS, address it, up.
netns_nic() {
	_if=$(if_of_mac "$2") || return 1
	ns_add "$1" "$_if" "$3" "$4"
}
