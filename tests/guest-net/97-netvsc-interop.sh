#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Interop across the simulated switch: NIC A driven by Debian's hv_netvsc
# (the same module, renamed hv_netdeb by tests/mkinitramfs.sh, since two
# modules cannot both be called hv_netvsc), NIC B by ours.  Pings of every
# size at MTU 1500 and 9000, TCP verified both ways over IPv4 and IPv6,
# UDP; then the roles swapped.
# hvtest-timeout: 400
. /tests/lib/net.sh
mark netvsc-interop
QUICK=0
grep -q hvtest.quick /proc/cmdline && QUICK=1
NET_MIB=16
[ "$QUICK" = 1 ] && NET_MIB=4

# interop_setup DEB_MAC: NIC with DEB_MAC driven by hv_netdeb, the other
# one by our hv_netvsc; both set up as in net_setup (A: NIC_MAC_A).
interop_setup() {
	if ! grep -q '^vmbus_sim ' /proc/modules || ! nic_devices_are 2; then
		net_stack || return 1
	fi
	settle 20
	unload_netvsc || return 1
	# Debian's first, so that it binds both; then it lets one go to ours.
	insmod "$DEBIAN_NETDEB" || return 1
	wait_for 30 nic_count_is 2 || { echo "hv_netdeb: $(nic_count) NIC(s)"; return 1; }
	_deb=$(nic_by_mac "$1") || return 1
	for _i in $(synthetic_nics); do
		[ "$_i" = "$_deb" ] && continue
		_d=$(nic_vmbus_dev "$_i")
		echo "$_d" >/sys/bus/vmbus/drivers/hv_netdeb/unbind || return 1
	done
	wait_for 10 nic_count_is 1 || return 1
	modprobe hv_netvsc || return 1
	wait_for 30 nic_count_is 2 || return 1
	_a=$(nic_by_mac "$NIC_MAC_A") && _b=$(nic_by_mac "$NIC_MAC_B") || return 1
	pair_setup "$_a" "$_b" "${NET_MTU:-9000}"
}

interop_checks() {
	_p=$1
	check "$_p-ours-is-ours" netvsc_is_ours
	echo "INFO: $_p: A $IF_A $(nic_driver "$IF_A" "$NS_A"), B $IF_B $(nic_driver "$IF_B" "$NS_B")"
	for m in 1500 9000; do
		in_ns "$NS_A" "$IP" link set "$IF_A" mtu "$m"
		in_ns "$NS_B" "$IP" link set "$IF_B" mtu "$m"
		sizes=$(for s in $NET_SIZES; do [ "$s" -le "$m" ] && echo "$s"; done | tr '\n' ' ')
		check "$_p-mtu-$m-ping4" ping_sizes "$NS_A" "$B4" "$sizes"
		check "$_p-mtu-$m-ping6" ping_sizes "$NS_B" "$A6" "$sizes"
		check "$_p-mtu-$m-tcp4-a-to-b" tcp_xfer "$NS_A" "$NS_B" "$B4" "$NET_MIB"
		check "$_p-mtu-$m-tcp6-b-to-a" tcp_xfer "$NS_B" "$NS_A" "$A6" "$NET_MIB"
	done
	check "$_p-tcp6-a-to-b" tcp_xfer "$NS_A" "$NS_B" "$B6" "$NET_MIB"
	check "$_p-tcp4-b-to-a" tcp_xfer "$NS_B" "$NS_A" "$A4" "$NET_MIB"
	check "$_p-udp-a-to-b" udp_xfer "$NS_A" "$NS_B" "$B4" 2000 1400
	check "$_p-udp-b-to-a" udp_xfer "$NS_B" "$NS_A" "$A6" 2000 64
	check "$_p-no-violations" violations_zero
}

require debian-a-setup interop_setup "$NIC_MAC_A"
check debian-a-drivers sh -c "[ $(nic_driver "$IF_A" "$NS_A") = hv_netdeb ] && [ $(nic_driver "$IF_B" "$NS_B") = hv_netvsc ]"
interop_checks debian-a
check debian-b-setup interop_setup "$NIC_MAC_B"
check debian-b-drivers sh -c "[ $(nic_driver "$IF_A" "$NS_A") = hv_netvsc ] && [ $(nic_driver "$IF_B" "$NS_B") = hv_netdeb ]"
interop_checks debian-b

check teardown net_teardown
check unload-both unload_netvsc
check back-to-ours net_setup ours
check ours-drive-both nics_ours
check teardown-ours net_teardown
check no-violations violations_zero
check log-clean log_clean_since netvsc-interop
finish
