#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Interop: Debian's own hv_netvsc.ko (unmodified, symbol versions dropped)
# binds through our core to the simulated NetVSP, two NICs, and works
# through the virtual switch: each NIC in a network namespace of its own,
# the switch's host port hvsw0 in the init namespace.
# hvtest-timeout: 900
. /tests/lib/net.sh
mark netvsc-debian

A=nsA
B=nsB
A4=10.71.0.1
B4=10.71.0.2
H4=10.71.0.254
A6=fd00:71::1
B6=fd00:71::2
H6=fd00:71::fe

check unload unload_all
check load-core modprobe hv_vmbus
check load-sim modprobe vmbus_sim devices=heartbeat,shutdown,nic,nic heartbeat_ms=200
mount_debugfs
settle 20
check debian-loaded load_netvsc debian
check debian-is-debians netvsc_is_debian
IFA=$(if_of_mac $NIC0_MAC)
IFB=$(if_of_mac $NIC1_MAC)
kmsg "nics: $IFA $IFB"
cat "$NETVSP"
check nic0-ready test "$(nic_field 0 rndis)" = ready
check nic1-ready test "$(nic_field 1 rndis)" = ready
check nic0-nvsp-6.1 test "$(nic_field 0 nvsp)" = 0x60001
check netns-a netns_nic $A $NIC0_MAC $A4 $A6
check netns-b netns_nic $B $NIC1_MAC $B4 $B6
IFA=$(if_of_mac $NIC0_MAC $A)
IFB=$(if_of_mac $NIC1_MAC $B)
check hostport-up sh -c "$IP addr add $H4/24 dev $HOSTPORT && $IP addr add $H6/64 dev $HOSTPORT nodad && $IP link set $HOSTPORT up"
check a-carrier wait_for 10 carrier_is $A "$IFA" 1
check b-carrier wait_for 10 carrier_is $B "$IFB" 1
cat "$NETVSP"
check ping-a-b in_ns $A ping -c 3 -W 2 $B4
check ping-a-host in_ns $A ping -c 3 -W 2 $H4
check ping6-a-b in_ns $A ping6 -c 3 -W 2 $B6
cat "$NETVSP"
cat "$VSWITCH"
dmesg | tail -n 40
check no-violations violations_zero
check log-clean log_clean_since netvsc-debian
finish
