// SPDX-License-Identifier: GPL-2.0
/*
 * xdpload: attach a one-verdict XDP program to a network interface, for the
 * guest network tests (no clang, no libbpf).
 *
 *   xdpload [-d|-s|-a] [-f] IFACE pass|drop|tx|swap|aborted|redirect:IFINDEX|off
 *
 * The program is built from raw instructions: "r0 = verdict; exit", or for
 * redirect "r1 = ifindex; r2 = 0; call bpf_redirect; exit".  "swap" swaps
 * the Ethernet destination and source addresses and returns XDP_TX, so the
 * frame goes back to its sender, who can count it (plain "tx" sends it
 * back addressed to the interface itself, which a switch does not return).  It is loaded
 * with bpf(BPF_PROG_LOAD) and attached with an RTM_SETLINK netlink request
 * carrying IFLA_XDP.  The kernel keeps the program while it is attached, so
 * the tool exits right away.  "off" detaches whatever program is attached,
 * in either mode; attaching in one mode first detaches a program of the
 * other mode.
 *
 *   -d  native (driver) mode only: XDP_FLAGS_DRV_MODE (the default)
 *   -s  generic (skb) mode: XDP_FLAGS_SKB_MODE
 *   -a  native mode, and generic mode if the driver has no native XDP
 *   -f  load the program as multi-buffer capable (BPF_F_XDP_HAS_FRAGS), which
 *       drivers need before they take XDP with an MTU above a page
 *
 * Exit status 0 on success; 1 with a message naming the failing step (and
 * the verifier log or the kernel's extended netlink ack) otherwise; 2 on a
 * usage error.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

/* Instruction encodings (include/uapi/linux/bpf_common.h, bpf.h). */
#define INSN_MOV64_IMM	(BPF_ALU64 | BPF_MOV | BPF_K)
#define INSN_CALL	(BPF_JMP | BPF_CALL)
#define INSN_EXIT	(BPF_JMP | BPF_EXIT)
#define INSN_MOV64_REG	(BPF_ALU64 | BPF_MOV | BPF_X)
#define INSN_ADD64_IMM	(BPF_ALU64 | BPF_ADD | BPF_K)
#define INSN_JGT_REG	(BPF_JMP | BPF_JGT | BPF_X)
#define INSN_LDX(size)	(BPF_LDX | BPF_MEM | (size))
#define INSN_STX(size)	(BPF_STX | BPF_MEM | (size))

/* Verdict value of "swap": not an XDP action, a program of its own. */
#define VERDICT_SWAP	(-1)

static const char *prog_name = "xdpload";

static void print_usage(void)
{
	fprintf(stderr,
		"usage: %s [-d|-s|-a] [-f] IFACE pass|drop|tx|swap|aborted|redirect:IFINDEX|off\n"
		"  -d native (driver) mode only (default)\n"
		"  -s generic (skb) mode\n"
		"  -a native mode, generic if the driver has no native XDP\n"
		"  -f multi-buffer capable program (BPF_F_XDP_HAS_FRAGS)\n",
		prog_name);
	exit(2);
}

static struct bpf_insn insn(__u8 code, __u8 dst, __s32 imm)
{
	struct bpf_insn i;

	memset(&i, 0, sizeof(i));
	i.code = code;
	i.dst_reg = dst;
	i.imm = imm;
	return i;
}

static struct bpf_insn insn_mem(__u8 code, __u8 dst, __u8 src, __s16 off)
{
	struct bpf_insn i = insn(code, dst, 0);

	i.src_reg = src;
	i.off = off;
	return i;
}

/*
 * The "swap" program: if the frame holds an Ethernet header, exchange its
 * destination (bytes 0-5) and source (6-11) addresses and return XDP_TX;
 * else XDP_PASS.  r1 = struct xdp_md *: data at +0, data_end at +4.
 * Returns the number of instructions.
 */
static unsigned int swap_prog(struct bpf_insn *p)
{
	unsigned int n = 0;

	p[n++] = insn_mem(INSN_LDX(BPF_W), BPF_REG_2, BPF_REG_1, 0);
	p[n++] = insn_mem(INSN_LDX(BPF_W), BPF_REG_3, BPF_REG_1, 4);
	p[n++] = insn_mem(INSN_MOV64_REG, BPF_REG_4, BPF_REG_2, 0);
	p[n++] = insn(INSN_ADD64_IMM, BPF_REG_4, 14);
	/* if (data + 14 > data_end) goto pass: 10 instructions ahead */
	p[n++] = insn_mem(INSN_JGT_REG, BPF_REG_4, BPF_REG_3, 10);
	p[n++] = insn_mem(INSN_LDX(BPF_W), BPF_REG_4, BPF_REG_2, 0);
	p[n++] = insn_mem(INSN_LDX(BPF_H), BPF_REG_5, BPF_REG_2, 4);
	p[n++] = insn_mem(INSN_LDX(BPF_W), BPF_REG_6, BPF_REG_2, 6);
	p[n++] = insn_mem(INSN_LDX(BPF_H), BPF_REG_7, BPF_REG_2, 10);
	p[n++] = insn_mem(INSN_STX(BPF_W), BPF_REG_2, BPF_REG_6, 0);
	p[n++] = insn_mem(INSN_STX(BPF_H), BPF_REG_2, BPF_REG_7, 4);
	p[n++] = insn_mem(INSN_STX(BPF_W), BPF_REG_2, BPF_REG_4, 6);
	p[n++] = insn_mem(INSN_STX(BPF_H), BPF_REG_2, BPF_REG_5, 10);
	p[n++] = insn(INSN_MOV64_IMM, BPF_REG_0, XDP_TX);
	p[n++] = insn(INSN_EXIT, 0, 0);
	/* pass: */
	p[n++] = insn(INSN_MOV64_IMM, BPF_REG_0, XDP_PASS);
	p[n++] = insn(INSN_EXIT, 0, 0);
	return n;
}

/*
 * Load the program; returns its fd or -1 (message printed).  ifindex < 0:
 * return the fixed verdict (or run the swap program), else redirect to
 * that interface.  FRAGS: the
 * program copes with multi-buffer frames (it never looks at the data).
 */
static int load_prog(int verdict, int ifindex, int frags)
{
	static char log[65536];
	struct bpf_insn prog[20];
	union bpf_attr attr;
	unsigned int n = 0;
	int fd;

	if (verdict == VERDICT_SWAP) {
		n = swap_prog(prog);
	} else if (ifindex < 0) {
		prog[n++] = insn(INSN_MOV64_IMM, BPF_REG_0, verdict);
		prog[n++] = insn(INSN_EXIT, 0, 0);
	} else {
		prog[n++] = insn(INSN_MOV64_IMM, BPF_REG_1, ifindex);
		prog[n++] = insn(INSN_MOV64_IMM, BPF_REG_2, 0);
		prog[n++] = insn(INSN_CALL, 0, BPF_FUNC_redirect);
		prog[n++] = insn(INSN_EXIT, 0, 0);
	}

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.expected_attach_type = BPF_XDP;
	if (frags)
		attr.prog_flags = BPF_F_XDP_HAS_FRAGS;
	attr.insn_cnt = n;
	attr.insns = (__u64)(uintptr_t)prog;
	attr.license = (__u64)(uintptr_t)"GPL";
	attr.log_level = 1;
	attr.log_size = sizeof(log);
	attr.log_buf = (__u64)(uintptr_t)log;
	strncpy(attr.prog_name, "xdpload", sizeof(attr.prog_name) - 1);
	fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0) {
		fprintf(stderr, "%s: BPF_PROG_LOAD failed: %s\n", prog_name,
			strerror(errno));
		if (log[0])
			fprintf(stderr, "%s: verifier log:\n%s\n", prog_name, log);
	}
	return fd;
}

/* Append attribute TYPE with LEN bytes of DATA at *pos of BUF. */
static struct nlattr *put_attr(char *buf, size_t *pos, __u16 type,
			       const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(buf + *pos);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(buf + *pos + NLA_HDRLEN, data, len);
	*pos += NLA_ALIGN(a->nla_len);
	return a;
}

/* Print the extended ack message (NLMSGERR_ATTR_MSG) of an error, if any. */
static void print_ext_ack(struct nlmsghdr *nh, const struct nlmsgerr *err)
{
	size_t off = sizeof(*nh) + sizeof(*err);
	struct nlattr *a;

	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* Without NLM_F_CAPPED the whole request is echoed in the error. */
	if (!(nh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(err->msg);
	while (off + NLA_HDRLEN <= nh->nlmsg_len) {
		a = (struct nlattr *)((char *)nh + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > nh->nlmsg_len)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
			fprintf(stderr, "%s: kernel says: %.*s\n", prog_name,
				(int)(a->nla_len - NLA_HDRLEN),
				(char *)a + NLA_HDRLEN);
		off += NLA_ALIGN(a->nla_len);
	}
}

/*
 * Attach program FD (-1: detach) to IFINDEX with XDP FLAGS.  Returns 0 or
 * a negative errno; QUIET suppresses the message (for the -a fallback).
 */
static int attach(int ifindex, int fd, __u32 flags, int quiet)
{
	/* long: aligned for the netlink headers. */
	long req[512 / sizeof(long)], rep[4096 / sizeof(long)];
	char *buf = (char *)req, *reply = (char *)rep;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct ifinfomsg *ifi;
	struct nlmsgerr *err;
	struct nlattr *nest;
	size_t pos;
	int one = 1, sock, ret;
	ssize_t len;

	memset(req, 0, sizeof(req));
	nh->nlmsg_type = RTM_SETLINK;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nh->nlmsg_seq = 1;
	ifi = NLMSG_DATA(nh);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	pos = NLMSG_LENGTH(sizeof(*ifi));
	nest = put_attr(buf, &pos, IFLA_XDP | NLA_F_NESTED, NULL, 0);
	put_attr(buf, &pos, IFLA_XDP_FD, &fd, sizeof(fd));
	put_attr(buf, &pos, IFLA_XDP_FLAGS, &flags, sizeof(flags));
	nest->nla_len = buf + pos - (char *)nest;
	nh->nlmsg_len = pos;

	sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sock < 0) {
		fprintf(stderr, "%s: netlink socket: %s\n", prog_name,
			strerror(errno));
		return -errno;
	}
	setsockopt(sock, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (sendto(sock, buf, pos, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		fprintf(stderr, "%s: netlink send: %s\n", prog_name,
			strerror(errno));
		goto out;
	}
	len = recv(sock, rep, sizeof(rep), 0);
	nh = (struct nlmsghdr *)reply;
	if (len < (ssize_t)NLMSG_LENGTH(sizeof(*err)) ||
	    nh->nlmsg_type != NLMSG_ERROR) {
		ret = -EPROTO;
		fprintf(stderr, "%s: no netlink acknowledgment (%zd bytes)\n",
			prog_name, len);
		goto out;
	}
	err = NLMSG_DATA(nh);
	ret = err->error;
	if (ret && !quiet) {
		fprintf(stderr, "%s: attaching (flags %#x) failed: %s\n",
			prog_name, flags, strerror(-ret));
		print_ext_ack(nh, err);
	}
out:
	close(sock);
	return ret;
}

int main(int argc, char **argv)
{
	__u32 mode = XDP_FLAGS_DRV_MODE;
	int verdict = XDP_PASS, target = -1, fallback = 0, frags = 0;
	int opt, ifindex, fd, ret;
	const char *v;
	char *end;

	while ((opt = getopt(argc, argv, "dsafh")) != -1) {
		switch (opt) {
		case 'd':
			mode = XDP_FLAGS_DRV_MODE;
			break;
		case 's':
			mode = XDP_FLAGS_SKB_MODE;
			break;
		case 'a':
			mode = XDP_FLAGS_DRV_MODE;
			fallback = 1;
			break;
		case 'f':
			frags = 1;
			break;
		default:
			print_usage();
		}
	}
	if (argc - optind != 2)
		print_usage();
	ifindex = if_nametoindex(argv[optind]);
	if (!ifindex) {
		fprintf(stderr, "%s: no interface %s: %s\n", prog_name,
			argv[optind], strerror(errno));
		return 1;
	}
	v = argv[optind + 1];

	if (!strcmp(v, "off")) {
		/* Detach from both modes; detaching nothing succeeds. */
		ret = attach(ifindex, -1, XDP_FLAGS_SKB_MODE, 0);
		if (!ret)
			ret = attach(ifindex, -1, XDP_FLAGS_DRV_MODE, 1);
		/* A device without native XDP refuses even a detach. */
		if (ret == -EOPNOTSUPP || ret == -EINVAL)
			ret = 0;
		return ret ? 1 : 0;
	}
	if (!strcmp(v, "pass")) {
		verdict = XDP_PASS;
	} else if (!strcmp(v, "drop")) {
		verdict = XDP_DROP;
	} else if (!strcmp(v, "tx")) {
		verdict = XDP_TX;
	} else if (!strcmp(v, "swap")) {
		verdict = VERDICT_SWAP;
	} else if (!strcmp(v, "aborted")) {
		verdict = XDP_ABORTED;
	} else if (!strncmp(v, "redirect:", 9)) {
		errno = 0;
		target = strtol(v + 9, &end, 10);
		if (errno || *end || end == v + 9 || target <= 0) {
			fprintf(stderr, "%s: bad ifindex in %s\n", prog_name, v);
			return 2;
		}
	} else {
		print_usage();
	}

	fd = load_prog(verdict, target, frags);
	if (fd < 0)
		return 1;
	/* One mode at a time: drop a program of the other mode first. */
	attach(ifindex, -1, mode == XDP_FLAGS_DRV_MODE ? XDP_FLAGS_SKB_MODE :
	       XDP_FLAGS_DRV_MODE, 1);
	ret = attach(ifindex, fd, mode, fallback);
	if (ret && fallback) {
		fprintf(stderr, "%s: native XDP failed (%s): generic mode\n",
			prog_name, strerror(-ret));
		mode = XDP_FLAGS_SKB_MODE;
		ret = attach(ifindex, fd, mode, 0);
	}
	close(fd);
	if (ret)
		return 1;
	printf("%s: %s on %s (%s mode)\n", prog_name, v, argv[optind],
	       mode == XDP_FLAGS_SKB_MODE ? "generic" : "native");
	return 0;
}
