#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Network helpers for guest tests and the network benchmark (busybox sh):
# synthetic NICs and their drivers, two interfaces in two network
# namespaces, verified traffic (ping of many sizes, TCP with sha256, UDP
# with sequence numbers and checksums), traffic that must survive an
# operation, ethtool counters, XDP.  Sourced only, after common.sh.
# tests/guest/89-net-lib.sh proves every helper on veth pairs.
#
# Tools (tests/mkinitramfs.sh): iproute2's ip, ethtool, iperf3, sockperf in
# /usr/sbin; netcheck and xdpload (tests/tools/) in /usr/bin.  busybox sh
# runs its own applet for a bare "ip", hence the ip function below.
# shellcheck disable=SC2034 # variables for the tests that source this
# shellcheck source=tests/guest/lib/common.sh
. /tests/lib/common.sh

IP=/usr/sbin/ip
NIC_CLASS="{f8615163-df3e-46c5-913f-f2d2f965ed0e}"
KVER=$(cat /etc/hvtest-kver)
OURS_NETVSC=$(find "/lib/modules/$KVER/updates" -name hv_netvsc.ko 2>/dev/null | head -n 1)
DEBIAN_NETVSC=$(find "/lib/modules/$KVER/debian" -name hv_netvsc.ko 2>/dev/null | head -n 1)
# Debian's hv_netvsc with its module and driver name changed to hv_netdeb
# (tests/mkinitramfs.sh), so that it can drive one NIC while ours drives
# the other: two modules cannot both be called hv_netvsc.
DEBIAN_NETDEB=/usr/lib/hvtest/hv_netdeb.ko
NETVSP=$SIM/netvsp
NETVSP_CTL=$SIM/netvsp_ctl
# Packet sizes for ping: the length of the IP packet, header included.
NET_SIZES="64 128 576 1000 1280 1400 1500 1501 2000 4000 8000 8999 9000"
NET_PORT=5201
# The default pair: namespace, IPv4 and IPv6 address of each side.
NS_A=hvA
NS_B=hvB
A4=10.77.0.1
B4=10.77.0.2
A6=fd77::1
B6=fd77::2

ip() { "$IP" "$@"; }

# in_ns NS COMMAND...: run a program in network namespace NS (with its own
# /sys).  NS "-" runs it in the initial namespace.
in_ns() {
	_ns=$1
	shift
	if [ "$_ns" = - ]; then
		"$@"
	else
		"$IP" netns exec "$_ns" "$@"
	fi
}

# require NAME COMMAND...: like check, but a failure ends the test (what
# follows would only fail for the same reason, slowly).
# The command runs in this shell (not in $( )), so what it sets, such as
# net_setup's IF_A and IF_B, stays set.
require() {
	_rn=$1
	shift
	if "$@" >/tmp/require.out 2>&1; then
		pass "$_rn"
	else
		_rrc=$?
		fail "$_rn" "'$*' exited $_rrc: $(tail -n 3 /tmp/require.out | tr '\n' ' ' | cut -c1-300); the rest of $HVTEST_NAME is not run"
		ns_del_all >/dev/null 2>&1
		finish
	fi
}

# --- interfaces and drivers ------------------------------------------------

# nic_is_synthetic IF [NS]: IF's device is a VMBus device of the NIC class.
nic_is_synthetic() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	in_ns "${2:--}" sh -c '
		d=/sys/class/net/$1/device
		[ -e "$d/class_id" ] || exit 1
		[ "$(basename "$(readlink -f "$d/subsystem")")" = vmbus ] || exit 1
		[ "$(cat "$d/class_id")" = "$2" ]' sh "$1" "$NIC_CLASS"
}

# synthetic_nics [NS]: the names of the synthetic NICs, sorted by MAC.
synthetic_nics() {
	for _i in $(in_ns "${1:--}" ls /sys/class/net); do
		nic_is_synthetic "$_i" "${1:--}" || continue
		echo "$(in_ns "${1:--}" cat "/sys/class/net/$_i/address") $_i"
	done | sort | cut -d' ' -f2
}
nic_count() { synthetic_nics "$@" | wc -l; }

# nic_by_mac MAC [NS]: the interface with that MAC.
nic_by_mac() {
	for _i in $(in_ns "${2:--}" ls /sys/class/net); do
		[ "$(in_ns "${2:--}" cat "/sys/class/net/$_i/address")" = "$1" ] &&
			{ echo "$_i"; return 0; }
	done
	return 1
}

# nic_vmbus_dev IF [NS]: the VMBus device name; nic_driver IF [NS]: the
# name of the driver bound to it (hv_netvsc, or hv_netdeb).
nic_vmbus_dev() { basename "$(in_ns "${2:--}" readlink -f "/sys/class/net/$1/device")"; }
nic_driver() {
	basename "$(in_ns "${2:--}" readlink -f "/sys/class/net/$1/device/driver")"
}

# The loaded hv_netvsc is ours (out of tree: taint O) or Debian's.
netvsc_loaded() { grep -q '^hv_netvsc ' /proc/modules; }
netvsc_is_ours() { netvsc_loaded && grep -q O /sys/module/hv_netvsc/taint; }
netvsc_is_debian() { netvsc_loaded && ! grep -q O /sys/module/hv_netvsc/taint; }

# load_netvsc ours|debian [PARAMS...]: unload any hv_netvsc, load the one
# asked for (with module parameters), wait until WANT NICs (default 2)
# have a netdev.
load_netvsc() {
	_which=$1
	shift
	unload_netvsc || return 1
	if [ "$_which" = debian ]; then
		insmod "$DEBIAN_NETVSC" "$@" || return 1
	else
		modprobe hv_netvsc "$@" || return 1
	fi
	wait_for 30 nic_count_is "${WANT_NICS:-2}"
}
nic_count_is() { [ "$(nic_count "${2:--}")" = "$1" ]; }
unload_netvsc() {
	ns_del_all
	for _m in hv_netvsc hv_netdeb; do
		grep -q "^$_m " /proc/modules || continue
		wait_for 10 rmmod "$_m" || return 1
	done
}

# --- namespaces ------------------------------------------------------------

# ns_add NS IF ADDR4 ADDR6 [MTU]: move IF into NS (created if needed) and
# configure it: ADDR4/24, ADDR6/64 without duplicate address detection, MTU
# (default: unchanged), up.  The namespace's lo is up too.
ns_add() {
	[ -e "/run/netns/$1" ] || ip netns add "$1" || return 1
	ip link set "$2" netns "$1" || return 1
	in_ns "$1" "$IP" link set lo up || return 1
	[ -n "${5:-}" ] && { in_ns "$1" "$IP" link set "$2" mtu "$5" || return 1; }
	in_ns "$1" "$IP" addr add "$3/24" dev "$2" || return 1
	in_ns "$1" "$IP" -6 addr add "$4/64" dev "$2" nodad || return 1
	in_ns "$1" "$IP" link set "$2" up
}

# pair_setup IF_A IF_B [MTU]: IF_A into NS_A as A4/A6, IF_B into NS_B as
# B4/B6, and wait for carrier on both.
pair_setup() {
	ns_add "$NS_A" "$1" "$A4" "$A6" "${3:-}" || return 1
	ns_add "$NS_B" "$2" "$B4" "$B6" "${3:-}" || return 1
	IF_A=$1
	IF_B=$2
	wait_carrier "$NS_A" "$1" 20 && wait_carrier "$NS_B" "$2" 20
}

# ns_del_all: delete every namespace; physical interfaces in them (the
# synthetic NICs) come back to the initial namespace, veths are destroyed.
# Processes still in a namespace keep it (and its NICs) alive: they are
# killed first.
ns_del_all() {
	for _n in $(ip netns list 2>/dev/null | cut -d' ' -f1); do
		for _p in $(ip netns pids "$_n" 2>/dev/null); do
			kill -KILL "$_p" 2>/dev/null
		done
		ip netns del "$_n" || return 1
	done
	# Namespaces are dismantled by a work item: wait for the NICs (if a
	# driver is there to give them a netdev).
	[ -n "${WANT_NICS:-}" ] || return 0
	grep -qE '^hv_net(vsc|deb) ' /proc/modules || return 0
	wait_for 20 nic_count_is "$WANT_NICS"
}

# wait_carrier NS IF SECS / wait_no_carrier NS IF SECS
wait_carrier() { wait_for "$3" _carrier_is "$1" "$2" 1; }
wait_no_carrier() { wait_for "$3" _carrier_is "$1" "$2" 0; }
_carrier_is() {
	[ "$(in_ns "$1" cat "/sys/class/net/$2/carrier" 2>/dev/null)" = "$3" ]
}

# if_stat NS IF NAME: /sys/class/net/IF/statistics/NAME (rx_packets, ...).
if_stat() { in_ns "$1" cat "/sys/class/net/$2/statistics/$3"; }

# --- ping ------------------------------------------------------------------

# ping_sizes NS DST "SIZES" [COUNT]: COUNT (default 5) echo requests of
# each size (IP packet length) from NS to DST (IPv6 if it has a colon);
# prints one line per size with what was lost; status 1 if any was lost.
ping_sizes() {
	_lost=0
	case $2 in
	*:*) _fam=-6 _hdr=48 ;;
	*) _fam=-4 _hdr=28 ;;
	esac
	for _s in $3; do
		_out=$(in_ns "$1" ping "$_fam" -q -c "${4:-5}" -A -W 2 -w 20 \
			-s $((_s - _hdr)) "$2" 2>&1)
		_tx=$(echo "$_out" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
		_rx=$(echo "$_out" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
		echo "ping $_fam $2 size $_s: sent ${_tx:-?} received ${_rx:-?}"
		[ -n "$_tx" ] && [ "$_tx" = "${_rx:-x}" ] && [ "$_tx" -gt 0 ] ||
			_lost=$((_lost + 1))
	done
	[ "$_lost" = 0 ]
}

# ping_lost NS DST COUNT [SIZE]: how many of COUNT pings got no answer;
# "error: ..." if ping did not send them all (so that a check for "all
# lost" cannot pass on a ping that never ran).
ping_lost() {
	case $2 in
	*:*) _fam=-6 ;;
	*) _fam=-4 ;;
	esac
	_out=$(in_ns "$1" ping "$_fam" -q -c "$3" -i 0.05 -W 1 -w $(($3 / 5 + 5)) \
		-s "${4:-56}" "$2" 2>&1)
	_tx=$(echo "$_out" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
	_rx=$(echo "$_out" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
	if [ "${_tx:-0}" != "$3" ]; then
		echo "error: $(echo "$_out" | tail -n 2 | tr '\n' ' ')"
		return 1
	fi
	echo $(($3 - ${_rx:-0}))
}

# --- verified transfers ----------------------------------------------------

# _wait_listening LOG: the netcheck receiver writing to LOG is bound.
_wait_listening() { wait_for 10 grep -q '^listening' "$1"; }

# _src_file MIB: a file of MIB MiB of random data (made once per size).
_src_file() {
	_f=/tmp/net-src-$1M
	[ -s "$_f" ] || dd if=/dev/urandom of="$_f" bs=1M count="$1" 2>/dev/null
	echo "$_f"
}

# tcp_xfer NS_SRC NS_DST DST MIB [PORT]: send MIB MiB of random data from
# NS_SRC to DST (an address in NS_DST) over TCP; the sha256 of what arrived
# must be that of what was sent.
tcp_xfer() {
	_src=$(_src_file "$4")
	_p=${5:-$NET_PORT}
	rm -f /tmp/net-dst /tmp/net-recv.log
	in_ns "$2" netcheck tcp-recv -o /tmp/net-dst "$_p" >/tmp/net-recv.log 2>&1 &
	_rpid=$!
	_wait_listening /tmp/net-recv.log || { kill "$_rpid"; cat /tmp/net-recv.log; return 1; }
	if ! _out=$(in_ns "$1" netcheck tcp-send -f "$_src" "$3" "$_p" 2>&1); then
		kill "$_rpid" 2>/dev/null
		wait "$_rpid"
		echo "tcp-send: $_out; receiver: $(cat /tmp/net-recv.log)"
		return 1
	fi
	wait "$_rpid" || { echo "tcp-recv failed: $(cat /tmp/net-recv.log)"; return 1; }
	_s1=$(sha256sum <"$_src" | cut -d' ' -f1)
	_s2=$(sha256sum </tmp/net-dst | cut -d' ' -f1)
	echo "tcp $4 MiB to $3: sent $_s1 received $_s2 ($(tail -n 1 /tmp/net-recv.log))"
	rm -f /tmp/net-dst
	[ "$_s1" = "$_s2" ]
}

# udp_xfer NS_SRC NS_DST DST COUNT SIZE [MAXLOSS] [PPS]: COUNT datagrams of
# SIZE bytes, every one checked by the receiver (none corrupt or
# duplicated, at most MAXLOSS missing, default 0), PPS per second (2000).
udp_xfer() {
	_p=${NET_UDP_PORT:-$((NET_PORT + 1))}
	rm -f /tmp/net-urecv.log
	in_ns "$2" netcheck udp-recv -l "${6:-0}" "$_p" "$4" >/tmp/net-urecv.log 2>&1 &
	_rpid=$!
	_wait_listening /tmp/net-urecv.log || { kill "$_rpid"; cat /tmp/net-urecv.log; return 1; }
	_out=$(in_ns "$1" netcheck udp-send -r "${7:-2000}" "$3" "$_p" "$4" "$5" 2>&1) ||
		{ kill "$_rpid" 2>/dev/null; wait "$_rpid"; echo "udp-send: $_out"; return 1; }
	wait "$_rpid"
	_rc=$?
	echo "udp $4 x $5 B to $3: $(grep '^udp-recv' /tmp/net-urecv.log || cat /tmp/net-urecv.log)"
	return "$_rc"
}

# --- traffic that must survive an operation -----------------------------------

# traffic_start NS_SRC NS_DST DST SECS [MBIT]: a TCP stream of the netcheck
# pattern for SECS seconds (paced to MBIT Mbit/s if given), in the
# background; traffic_end checks it.
traffic_start() {
	_tp=$((NET_PORT + 2))
	rm -f /tmp/net-tr.recv /tmp/net-tr.send
	in_ns "$2" netcheck tcp-recv -p -w 60 "$_tp" >/tmp/net-tr.recv 2>&1 &
	TRAFFIC_RPID=$!
	_wait_listening /tmp/net-tr.recv || return 1
	if [ -n "${5:-}" ]; then
		in_ns "$1" netcheck tcp-send -t "$4" -r "$5" "$3" "$_tp" >/tmp/net-tr.send 2>&1 &
	else
		in_ns "$1" netcheck tcp-send -t "$4" "$3" "$_tp" >/tmp/net-tr.send 2>&1 &
	fi
	TRAFFIC_SPID=$!
}

# traffic_end: both ends finished, the receiver got every byte the sender
# sent, in order and intact, and something was sent.
traffic_end() {
	_ok=0
	wait "$TRAFFIC_SPID" || _ok=1
	wait "$TRAFFIC_RPID" || _ok=1
	_sb=$(sed -n 's/^tcp-send: bytes=\([0-9]*\).*/\1/p' /tmp/net-tr.send)
	_rb=$(sed -n 's/^tcp-recv: bytes=\([0-9]*\).*/\1/p' /tmp/net-tr.recv)
	echo "traffic: sent ${_sb:-?} received ${_rb:-?} bytes" \
		"($(tr '\n' ' ' </tmp/net-tr.send) / $(tr '\n' ' ' </tmp/net-tr.recv))"
	[ "$_ok" = 0 ] && [ -n "$_sb" ] && [ "$_sb" = "$_rb" ] && [ "$_sb" -gt 0 ]
}

# under_traffic SECS COMMAND...: run COMMAND one second into a SECS-second
# TCP stream from NS_A to B4; status 0 iff COMMAND succeeded and the stream
# survived it intact.  TRAFFIC_MBIT paces the stream.
under_traffic() {
	_secs=$1
	shift
	traffic_start "$NS_A" "$NS_B" "$B4" "$_secs" "${TRAFFIC_MBIT:-}" || return 1
	sleep 1
	_crc=0
	"$@" || { _crc=$?; echo "under traffic: '$*' failed ($_crc)"; }
	traffic_end || return 1
	return "$_crc"
}

# --- ethtool -----------------------------------------------------------------

# eth_stat NS IF NAME: the ethtool -S counter NAME (status 1 if none).
eth_stat() {
	in_ns "$1" ethtool -S "$2" 2>/dev/null |
		awk -v k="$3:" '$1 == k { print $2; f = 1 } END { exit !f }'
}

# eth_sum NS IF REGEX: the sum of the ethtool -S counters whose names match.
eth_sum() {
	in_ns "$1" ethtool -S "$2" 2>/dev/null |
		awk -v re="$3" '{ n = $1; sub(/:$/, "", n) } n ~ re { s += $2 } END { print s + 0 }'
}

# eth_nonzero NS IF REGEX: how many of the matching counters are non-zero
# (e.g. '^rx[0-9]+_packets$': receive queues that carried traffic).
eth_nonzero() {
	in_ns "$1" ethtool -S "$2" 2>/dev/null |
		awk -v re="$3" '{ n = $1; sub(/:$/, "", n) } n ~ re && $2 > 0 { c++ } END { print c + 0 }'
}

# eth_channels NS IF: the "Combined" count of the current channel settings.
eth_channels() {
	in_ns "$1" ethtool -l "$2" 2>/dev/null |
		awk '/^Current/ { cur = 1 } cur && /^Combined:/ { print $2; exit }'
}

# --- XDP ---------------------------------------------------------------------

# xdp NS IF VERDICT [xdpload options]: attach a one-verdict program (see
# tests/tools/xdpload.c; VERDICT off detaches).
xdp() {
	_ns=$1 _if=$2 _v=$3
	shift 3
	in_ns "$_ns" xdpload "$@" "$_if" "$_v"
}
# xdp_attached NS IF: an XDP program is attached (ip link shows prog/xdp).
xdp_attached() { in_ns "$1" "$IP" -d link show "$2" | grep -q 'prog/xdp'; }
# ip_in_addr_errors NS: IPv4 packets NS received for an address not its own
# (how a frame that XDP "swap" sent back shows up at its sender).
ip_in_addr_errors() {
	# shellcheck disable=SC2016 # awk program
	in_ns "$1" awk '$1 == "Ip:" { if (!h) { for (i = 2; i <= NF; i++) c[$i] = i; h = 1 }
		else print $c["InAddrErrors"] }' /proc/net/snmp
}
# ifindex NS IF
ifindex() { in_ns "$1" cat "/sys/class/net/$2/ifindex"; }

# --- measurements (the benchmark) ----------------------------------------------

# median V1 V2 ...: the median (the lower one of an even count).
median() {
	echo "$@" | tr ' ' '\n' | sed '/^$/d' | sort -n |
		awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'
}

# iperf_tcp NS_SRV NS_CLI DST SECS STREAMS: TCP throughput in Gbit/s, as
# the receiver counted it.
iperf_tcp() {
	in_ns "$1" iperf3 -s -1 -p "$NET_PORT" >/tmp/iperf-s.log 2>&1 &
	_spid=$!
	sleep 0.5
	in_ns "$2" iperf3 -c "$3" -p "$NET_PORT" -t "$4" -P "$5" -f m \
		>/tmp/iperf-c.log 2>&1
	_rc=$?
	wait "$_spid"
	[ "$_rc" = 0 ] || { cat /tmp/iperf-c.log >&2; return 1; }
	awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") v = $(i - 1) }
		END { if (v == "") exit 1; printf "%.3f\n", v / 1000 }' /tmp/iperf-c.log
}

# iperf_udp_pps NS_SRV NS_CLI DST SECS LEN: UDP datagrams of LEN bytes sent
# as fast as iperf3 can (-b 0), the datagrams per second that arrived.
iperf_udp_pps() {
	in_ns "$1" iperf3 -s -1 -p "$NET_PORT" >/tmp/iperf-s.log 2>&1 &
	_spid=$!
	sleep 0.5
	in_ns "$2" iperf3 -c "$3" -p "$NET_PORT" -t "$4" -u -l "$5" -b 0 -f m \
		>/tmp/iperf-c.log 2>&1
	_rc=$?
	wait "$_spid"
	[ "$_rc" = 0 ] || { cat /tmp/iperf-c.log >&2; return 1; }
	# "... 0.00-5.00 sec ... lost/total (x%)  receiver"
	awk -v t="$4" '/receiver/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\/[0-9]+$/) lt = $i }
		END { if (lt == "") exit 1; split(lt, a, "/"); printf "%d\n", (a[2] - a[1]) / t }' \
		/tmp/iperf-c.log
}

# sockperf_rtt NS_SRV NS_CLI DST SECS: UDP ping-pong round trip, "avg p99"
# in microseconds.
sockperf_rtt() {
	# A port of its own: the server may take a moment to go.
	_pp=$((NET_PORT + 10))
	in_ns "$1" sockperf sr -i "$3" -p "$_pp" >/tmp/sockperf-s.log 2>&1 &
	_spid=$!
	sleep 0.5
	in_ns "$2" sockperf pp -i "$3" -p "$_pp" -t "$4" --full-rtt \
		>/tmp/sockperf-c.log 2>&1
	_rc=$?
	kill -KILL "$_spid" 2>/dev/null
	wait "$_spid" 2>/dev/null
	[ "$_rc" = 0 ] || { cat /tmp/sockperf-c.log >&2; return 1; }
	sed 's/\x1b\[[0-9;]*m//g' /tmp/sockperf-c.log | awk '
		/avg-rtt=/ { s = $0; sub(/.*avg-rtt=/, "", s); sub(/[^0-9.].*/, "", s); avg = s }
		/percentile 99.000 =/ { p99 = $NF }
		END { if (avg == "" || p99 == "") exit 1; print avg, p99 }'
}

# --- the synthetic NICs of the simulated host ------------------------------------
# Assumed interfaces of vmbus_sim's "nic" device kind (sim/, branch
# sim-netvsp): the parameters below; debugfs netvsp (state), netvsp_ctl
# ("link <nic-index> up|down", "network-change <nic-index>", faults
# "malformed|ppi0|badrange|badpageset|drop-send|dup-send N"), vswitch;
# NIC indices count from 0 in the order of nic_macs.  The host's own port
# on the switch is the netdev hvsw0 (initial namespace).
NIC_MAC_A=00:15:5d:56:00:01
NIC_MAC_B=00:15:5d:56:00:02
NIC_IDX_A=0
NIC_IDX_B=1
NET_SIM_PARAMS="devices=heartbeat,shutdown,nic,nic nic_macs=$NIC_MAC_A,$NIC_MAC_B net_max_version=6.1 net_max_subchannels=7"
HOST_PORT=hvsw0
# Sizes of the pings over the synthetic NICs (IP packet length).
[ "$(grep -c hvtest.quick /proc/cmdline)" = 0 ] || NET_SIZES="64 1400 1500 4000 9000"

netvsp_ctl() { echo "$*" >"$NETVSP_CTL"; }
# The synthetic NIC devices the host offers (VMBus devices of the class).
nic_devices() { devices_of_class "$NIC_CLASS" | grep -c .; }
nic_devices_are() { [ "$(nic_devices)" = "$1" ]; }

# net_stack [PARAMS...]: the simulated host afresh with two NICs (vmbus_sim
# reloaded with NET_SIM_PARAMS and PARAMS), the hotplug helper's automatic
# driver load done.  Whatever drives the NICs is unloaded first.
# shellcheck disable=SC2120 # the tests pass parameters
net_stack() {
	mount_debugfs
	unload_netvsc || return 1
	for _m in hv_storvsc hv_utils vmbus_sim; do
		grep -q "^$_m " /proc/modules || continue
		wait_for 10 rmmod "$_m" || { echo "rmmod $_m failed"; return 1; }
	done
	grep -q '^hv_vmbus ' /proc/modules || modprobe hv_vmbus || return 1
	# shellcheck disable=SC2086 # a list of parameters
	modprobe vmbus_sim heartbeat_ms=200 $NET_SIM_PARAMS "$@" || return 1
	wait_for 20 nic_devices_are 2 || return 1
	settle 20
}

# net_setup ours|debian [DRIVER PARAMS...]: two NICs, the driver asked for
# (loaded afresh), NIC A in NS_A and NIC B in NS_B with MTU NET_MTU (default
# 9000), carrier on both.  Sets IF_A and IF_B.  The host is reloaded only
# if it does not offer two NICs.
net_setup() {
	if ! grep -q '^vmbus_sim ' /proc/modules || ! nic_devices_are 2; then
		# shellcheck disable=SC2119
		net_stack || return 1
	fi
	settle 20
	WANT_NICS=2 load_netvsc "$@" || return 1
	_a=$(nic_by_mac "$NIC_MAC_A") || { echo "no interface with MAC $NIC_MAC_A"; return 1; }
	_b=$(nic_by_mac "$NIC_MAC_B") || { echo "no interface with MAC $NIC_MAC_B"; return 1; }
	pair_setup "$_a" "$_b" "${NET_MTU:-9000}"
}

# net_teardown: namespaces gone, the NICs back in the initial namespace.
net_teardown() { WANT_NICS=2 ns_del_all; }

# nics_ours: both NICs exist and our hv_netvsc drives them.
nics_ours() {
	netvsc_is_ours || { echo "hv_netvsc is not ours (taint $(cat /sys/module/hv_netvsc/taint 2>/dev/null))"; return 1; }
	[ "$(nic_driver "$IF_A" "$NS_A")" = hv_netvsc ] && [ "$(nic_driver "$IF_B" "$NS_B")" = hv_netvsc ]
}

# err_sum: the sum of the err_* counters of both NICs (ours).
err_sum() {
	echo $(($(eth_sum "$NS_A" "$IF_A" '^err_') + $(eth_sum "$NS_B" "$IF_B" '^err_')))
}
# stat_pair NAME: NAME's counter on both NICs, summed.
stat_pair() {
	echo $(($(eth_sum "$NS_A" "$IF_A" "^$1\$") + $(eth_sum "$NS_B" "$IF_B" "^$1\$")))
}

# net_healthy P: the checks after anything disruptive: pings both ways and
# families, a verified TCP transfer each way.
net_healthy() {
	check "$1-ping4" ping_sizes "$NS_A" "$B4" "64 1500"
	check "$1-ping6" ping_sizes "$NS_B" "$A6" "64 1500"
	check "$1-tcp-a-to-b" tcp_xfer "$NS_A" "$NS_B" "$B4" "${NET_MIB:-4}"
	check "$1-tcp-b-to-a" tcp_xfer "$NS_B" "$NS_A" "$A6" "${NET_MIB:-4}"
}

# netvsp_version: the NVSP version the host shows for NIC A ("version=" on
# its line of the netvsp file), empty if the file has no such field.
netvsp_version() {
	tr ' ' '\n' <"$NETVSP" 2>/dev/null | sed -n 's/^version=//p' | head -n 1
}
