#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Interop: Debian's own hv_netvsc.ko (unmodified, symbol versions dropped)
# binds through our core to the simulated NetVSP, two NICs, and works
# through the virtual switch: each NIC in a network namespace of its own,
# the switch's host port hvsw0 in the init namespace.  Link control, pings
# of every size (v4, v6, jumbo after MTU 9000), TCP transfers checked by
# sha256, several queues, an MTU change under ping, driver reload; zero
# violations and a clean kernel log.
# hvtest-timeout: 500
. /tests/lib/netvsp.sh
mark netvsc-debian

A=nsA
B=nsB
A4=10.71.0.1
B4=10.71.0.2
H4=10.71.0.254
A6=fd00:71::1
B6=fd00:71::2
H6=fd00:71::fe
SIZES="56 64 200 512 1000 1400 1472"

# ping_sizes NAME NETNS|- PING DEST [SIZES]: one check per size.
ping_sizes() {
	_n=$1 _ns=$2 _p=$3 _d=$4
	for _s in ${5:-$SIZES}; do
		if [ "$_ns" = - ]; then
			check "$_n-$_s" $_p -c 2 -W 3 -s "$_s" "$_d"
		else
			check "$_n-$_s" in_ns "$_ns" $_p -c 2 -W 3 -s "$_s" "$_d"
		fi
	done
}

# run_in NETNS|- CMD...: in the namespace, or in the init one for "-"; an
# executable (timeout can run it), not a shell function.
run_in() {
	_ns=$1
	shift
	if [ "$_ns" = - ]; then
		"$@"
	else
		$IP netns exec "$_ns" "$@"
	fi
}

# tcp_copy NAME SRC_NS|- DST_NS|- DST_ADDR PORT BYTES: nc, then sha256.
tcp_copy() {
	_name=$1 _src=$2 _dst=$3 _addr=$4 _port=$5
	head -c "$6" /dev/urandom >/tmp/tcp.src
	rm -f /tmp/tcp.dst
	# The listener's stdin stays open (its EOF would end it) until the
	# transfer is over; a sleep of a length unique to this port.
	(sleep "9$_port" | run_in "$_dst" nc -l -p "$_port" >/tmp/tcp.dst) &
	sleep 1
	run_in "$_src" timeout 90 nc "$_addr" "$_port" </tmp/tcp.src
	wait_for 60 sh -c "! pgrep -f 'nc -l -p $_port' >/dev/null"
	pkill -f "nc -l -p $_port" 2>/dev/null
	pkill -f "sleep 9$_port" 2>/dev/null
	_want=$(sha256sum </tmp/tcp.src | cut -d' ' -f1)
	_got=$(sha256sum </tmp/tcp.dst | cut -d' ' -f1)
	kmsg "$_name: $(wc -c </tmp/tcp.dst) of $6 bytes"
	check "$_name" test "$_want" = "$_got"
}

# queue_rx NETNS IF Q: packets the guest driver counted on RX queue Q.
queue_rx() {
	in_ns "$1" $ETHTOOL -S "$2" | awk -v q="rx_queue_$3_packets:" '$1 == q { print $2 }'
}

# iperf NAME CLIENT_NS|- SERVER_NS|- SERVER_ADDR ARGS...: Mbit/s in the log.
iperf() {
	_name=$1 _c=$2 _s=$3 _addr=$4
	shift 4
	run_in "$_s" $IPERF3 -s -1 -D -p 5201 >/dev/null 2>&1
	sleep 1
	_out=$(run_in "$_c" timeout 60 $IPERF3 -c "$_addr" -p 5201 "$@" 2>&1)
	_rc=$?
	kmsg "$_name: $(echo "$_out" | grep -E 'receiver|sender' | tail -n 2 | tr -s ' ' | tr '\n' ';')"
	check "$_name" test "$_rc" = 0
	pkill -f "$IPERF3 -s" 2>/dev/null
}

# --- bring-up ---------------------------------------------------------------
check unload unload_all
check load-core modprobe hv_vmbus
check load-sim modprobe vmbus_sim devices=heartbeat,shutdown,nic,nic heartbeat_ms=200
mount_debugfs
settle 20
check debian-loaded load_netvsc debian
check debian-is-debians netvsc_is_debian
check nic0-mac has_if_of_mac $NIC0_MAC
check nic1-mac has_if_of_mac $NIC1_MAC
check nic0-ready test "$(nic_field 0 rndis)" = ready
check nic1-ready test "$(nic_field 1 rndis)" = ready
check nic0-nvsp-6.1 test "$(nic_field 0 nvsp)" = 0x60001
check nic0-ndis-6.30 test "$(nic_field 0 ndis)" = 6.30
check netns-a netns_nic $A $NIC0_MAC $A4 $A6
check netns-b netns_nic $B $NIC1_MAC $B4 $B6
IFA=$(if_of_mac $NIC0_MAC $A)
IFB=$(if_of_mac $NIC1_MAC $B)
check hostport-exists test -d /sys/class/net/$HOSTPORT
check hostport-up sh -c "$IP addr add $H4/24 dev $HOSTPORT && $IP addr add $H6/64 dev $HOSTPORT nodad && $IP link set $HOSTPORT up"
check a-carrier wait_for 10 carrier_is $A "$IFA" 1
check b-carrier wait_for 10 carrier_is $B "$IFB" 1
check a-filter-open test "$(nic_field 0 filter)" = 0xd

# --- link control -------------------------------------------------------------
net_ctl link 0 down
check link-down-carrier wait_for 15 carrier_is $A "$IFA" 0
check link-down-host test "$(nic_field 0 link)" = down
net_ctl link 0 up
check link-up-carrier wait_for 15 carrier_is $A "$IFA" 1
net_ctl network-change 1
check network-change-carrier-back wait_for 20 carrier_is $B "$IFB" 1
sleep 3

# --- pings ----------------------------------------------------------------------
ping_sizes ping-a-b $A ping $B4
ping_sizes ping-b-host $B ping $H4 "56 1472"
ping_sizes ping-host-a - ping $A4 "56 1000 1472"
ping_sizes ping6-a-b $A ping6 $B6 "56 512 1452"
ping_sizes ping6-host-b - ping6 $B6 "56 1452"

# --- VLAN --------------------------------------------------------------------------
# VLAN 10 on both NICs (the tag in the VLAN PPI) and on the host port
# (inline 802.1Q): the switch forwards by MAC + VLAN ID.
vlan_if() { # NETNS|- LOWER ADDR4
	run_in "$1" $IP link add link "$2" name "$2.10" type vlan id 10 &&
		run_in "$1" $IP addr add "$3/24" dev "$2.10" &&
		run_in "$1" $IP link set dev "$2.10" up
}
check vlan-module modprobe 8021q
check vlan-a vlan_if $A "$IFA" 10.72.0.1
check vlan-b vlan_if $B "$IFB" 10.72.0.2
check vlan-host vlan_if - $HOSTPORT 10.72.0.254
sleep 2
ping_sizes ping-vlan-a-b $A ping 10.72.0.2 "56 1472"
ping_sizes ping-vlan-host-a - ping 10.72.0.1 "56 1472"
check vlan-learnt grep -q "^mac $NIC1_MAC vlan=10 port=nic1" "$VSWITCH"
tcp_copy tcp-vlan-a-to-b $A $B 10.72.0.2 5010 2097152
run_in $A $IP link del "$IFA.10"
run_in $B $IP link del "$IFB.10"
$IP link del $HOSTPORT.10

# --- TCP --------------------------------------------------------------------------
tcp_copy tcp-a-to-b $A $B $B4 5001 8388608
tcp_copy tcp-host-to-a - $A $A4 5002 8388608
tcp_copy tcp-b-to-host $B - $H4 5003 4194304
tcp_copy tcp6-b-to-a $B $A "$A6" 5004 4194304
iperf iperf-a-to-b $A $B $B4 -t 5
iperf iperf-host-to-a - $A $A4 -t 5
iperf iperf-b-to-a-4streams $B $A $A4 -t 4 -P 4
cat "$NETVSP"

# --- channels -------------------------------------------------------------------
combined=$(in_ns $A $ETHTOOL -l "$IFA" | awk '/^Combined:/ { v = $2 } END { print v }')
kmsg "ethtool -l $IFA: combined $combined"
check a-channels-2 test "${combined:-0}" -ge 2
q0=$(queue_rx $A "$IFA" 0)
q1=$(queue_rx $A "$IFA" 1)
kmsg "nic0 rx queues: $q0 $q1"
check a-rx-queue0-used test "${q0:-0}" -gt 0
check a-rx-queue1-used test "${q1:-0}" -gt 0
check host-rx-on-sub-channels test "$(nic_chans 0 | awk '$4 == "sub=1"' | tr ' ' '\n' | sed -n 's/^rx_frames=//p')" -gt 0

# --- MTU --------------------------------------------------------------------------
# MTU change under ping: the driver detaches and attaches again, with new
# sub-channels; the ping must go on afterwards.
(in_ns $A ping -i 0.2 -c 60 -W 1 $B4 >/tmp/ping-mtu.log 2>&1) &
ping_pid=$!
sleep 2
check mtu-9000-a in_ns $A $IP link set dev "$IFA" mtu 9000
check mtu-9000-b in_ns $B $IP link set dev "$IFB" mtu 9000
check mtu-9000-host $IP link set dev $HOSTPORT mtu 9000
check mtu-a-reattached wait_for 30 test "$(nic_field 0 mtu)" = 9014
check mtu-b-reattached wait_for 30 test "$(nic_field 1 mtu)" = 9014
check a-carrier-after-mtu wait_for 20 carrier_is $A "$IFA" 1
check b-carrier-after-mtu wait_for 20 carrier_is $B "$IFB" 1
wait $ping_pid
kmsg "ping under MTU change: $(tail -n 2 /tmp/ping-mtu.log | tr '\n' ' ')"
check ping-survived-mtu grep -qE ' [1-9][0-9]* packets received' /tmp/ping-mtu.log
check a-subchannel-again test "$(nic_field 0 subs_open)" -ge 1
ping_sizes ping-jumbo-a-b $A ping $B4 "1473 4000 8972"
ping_sizes ping-jumbo-host-a - ping $A4 "8972"
ping_sizes ping6-jumbo-a-b $A ping6 $B6 "8952"
tcp_copy tcp-jumbo-a-to-b $A $B $B4 5005 8388608
check mtu-1500-a in_ns $A $IP link set dev "$IFA" mtu 1500
check mtu-1500-b in_ns $B $IP link set dev "$IFB" mtu 1500
check mtu-back wait_for 30 test "$(nic_field 0 mtu)" = 1514
check a-carrier-after-mtu-back wait_for 20 carrier_is $A "$IFA" 1
check b-carrier-after-mtu-back wait_for 20 carrier_is $B "$IFB" 1
sleep 3
check ping-after-mtu-back in_ns $A ping -c 3 -W 3 $B4
# A 9000-byte host port to a 1500-byte NIC: TCP segments to the NIC's MTU.
tcp_copy tcp-jumbo-host-to-a - $A $A4 5006 4194304

# --- driver reload ------------------------------------------------------------------
check rmmod-netvsc rmmod hv_netvsc
check nics-gone wait_for 10 sh -c "! $IP -n $A link show $IFA >/dev/null 2>&1"
check reload-netvsc load_netvsc debian
check reload-netns-a netns_nic $A $NIC0_MAC $A4 $A6
check reload-netns-b netns_nic $B $NIC1_MAC $B4 $B6
IFA=$(if_of_mac $NIC0_MAC $A)
IFB=$(if_of_mac $NIC1_MAC $B)
check reload-a-carrier wait_for 10 carrier_is $A "$IFA" 1
check reload-b-carrier wait_for 10 carrier_is $B "$IFB" 1
sleep 2
check reload-ping-a-b in_ns $A ping -c 3 -W 3 $B4
tcp_copy reload-tcp-b-to-a $B $A $A4 5007 4194304

# --- packet filter, a host fault ------------------------------------------------------
# Down: the driver sets filter 0 and the host delivers it nothing.
check b-down in_ns $B $IP link set dev "$IFB" down
check b-filter-0 wait_for 5 test "$(nic_field 1 filter)" = 0x0
d1=$(nic_field 1 rx_drops)
check ping-b-down-fails sh -c "! $IP netns exec $A ping -c 2 -W 1 $B4"
check b-down-frames-dropped test "$(nic_field 1 rx_drops)" -gt "$d1"
check b-up in_ns $B $IP link set dev "$IFB" up
check b-carrier-again wait_for 10 carrier_is $B "$IFB" 1
check b-filter-open wait_for 5 test "$(nic_field 1 filter)" = 0xd
# One transfer packet with a range outside the receive buffer: the guest
# drops that frame, completes the packet with status FAIL, goes on.
net_ctl nic=0 badrange 1
in_ns $B ping -c 5 -i 0.3 -W 2 $A4 >/dev/null 2>&1
check badrange-fired test "$(nic_field 0 badrange)" = 1/0
check badrange-guest-failed test "$(nic_field 0 rx_guest_fail)" = 1
check ping-after-badrange in_ns $B ping -c 3 -W 3 $A4

# --- older NVSP versions -----------------------------------------------------------
# The host caps the version; the driver negotiates down (5: NDIS 6.30 and
# RSS, 4: NDIS 6.1, 2: NDIS config, 1: none) and still works.
for v in 5:0x50000 4:0x40000 2:0x30002 1:0x00002; do
	n=${v%%:*}
	echo "$n" >/sys/module/vmbus_sim/parameters/net_max_version
	check "nvsp$n-reload" load_netvsc debian
	check "nvsp$n-negotiated" test "$(nic_field 0 nvsp)" = "${v#*:}"
	check "nvsp$n-netns" netns_nic $A $NIC0_MAC $A4 $A6
	IFA=$(if_of_mac $NIC0_MAC $A)
	check "nvsp$n-carrier" wait_for 10 carrier_is $A "$IFA" 1
	check "nvsp$n-ping" in_ns $A ping -c 2 -W 3 -s 1400 $H4
	tcp_copy "nvsp$n-tcp" - $A $A4 "502$n" 1048576
done
echo 6.1 >/sys/module/vmbus_sim/parameters/net_max_version
check nvsp61-reload load_netvsc debian
check nvsp61-netns-a netns_nic $A $NIC0_MAC $A4 $A6
check nvsp61-netns-b netns_nic $B $NIC1_MAC $B4 $B6
IFA=$(if_of_mac $NIC0_MAC $A)
IFB=$(if_of_mac $NIC1_MAC $B)
check nvsp61-carrier wait_for 10 carrier_is $B "$IFB" 1

cat "$NETVSP"
cat "$VSWITCH"
check no-violations violations_zero
check nics-no-violations test "$(nic_field 0 violations)$(nic_field 1 violations)" = 00
check rx-guest-fail-only-badrange test "$(nic_field 0 rx_guest_fail)$(nic_field 1 rx_guest_fail)" = 10

# --- unload under traffic ------------------------------------------------------------
# TCP from the host port into nsA and pings from nsB to the host port while
# the simulated host goes (hv_netvsc bound): the core removes the NICs
# first, then the host port hvsw0 goes with frames still sent to it.
in_ns $A $IPERF3 -s -1 -D -p 5202 >/dev/null 2>&1
sleep 1
($IPERF3 -c $A4 -p 5202 -t 30 >/dev/null 2>&1) &
(in_ns $B ping -i 0.05 -c 2000 $H4 >/dev/null 2>&1) &
host_in() { awk '$2 == "host" { sub("in_frames=", "", $3); print $3 }' "$VSWITCH"; }
h1=$(host_in)
sleep 3
check traffic-before-unload test "$(host_in)" -gt "$h1"
check rmmod-sim-under-traffic rmmod vmbus_sim
check nics-removed-with-host no_class "$NIC_CLASS"
check hostport-gone test ! -e /sys/class/net/$HOSTPORT
pkill -f "$IPERF3" 2>/dev/null
pkill -f "ping -i 0.05" 2>/dev/null
$IP netns del $A
$IP netns del $B
check unload-all unload_all
check stack-back ensure_stack
check log-clean log_clean_since netvsc-debian
finish
