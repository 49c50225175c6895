// SPDX-License-Identifier: GPL-2.0
/*
 * netcheck: verified TCP and UDP transfers for the guest network tests
 * (busybox nc can do neither reliably: it drops what is in flight when its
 * input ends, and it has no UDP).
 *
 *   netcheck tcp-recv [-o FILE] [-p] [-w SECS] PORT
 *   netcheck tcp-send [-f FILE | -n BYTES | -t SECS] [-r MBIT] HOST PORT
 *   netcheck udp-recv [-l MAXLOSS] [-w SECS] PORT COUNT
 *   netcheck udp-send [-r PPS] HOST PORT COUNT SIZE
 *
 * tcp-recv accepts one connection on PORT (IPv4 or IPv6), writes what
 * arrives to FILE (-o) and/or checks it against the generated pattern (-p),
 * and prints "tcp-recv: bytes=N pattern_errors=N".  tcp-send sends FILE
 * (-f; the test compares sha256 sums of both files), or N bytes (-n) or SECS
 * seconds (-t) of the pattern, optionally paced to MBIT Mbit/s, shuts its
 * side down and waits until the receiver has read everything; it prints
 * "tcp-send: bytes=N".
 *
 * udp-send sends COUNT datagrams of SIZE bytes (at least 16), each carrying
 * a magic, a sequence number, its length and a checksum of a payload that
 * depends on the sequence number, paced to PPS per second (default 2000, 0:
 * as fast as possible).  udp-recv takes them until it has all COUNT or no
 * datagram came for SECS seconds (default 3) and prints
 *   udp-recv: received=N unique=N duplicates=N corrupt=N missing=N reordered=N
 * It exits 0 iff nothing was corrupt or duplicated and at most MAXLOSS
 * (default 0) were missing.
 *
 * Both receivers print "listening" (flushed) once their socket is bound, so
 * a test can start the sender without a race.  Each gives up after 30 s
 * without a first connection or datagram; tcp-recv also after SECS (-w,
 * default 30) seconds without data.  Exit status: 0 success, 1
 * failure (message on stderr), 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAT_LEN		65521		/* prime: shifts and losses show */
#define CHUNK		65536
#define UDP_MAGIC	0x4e435531u	/* "NCU1" */
#define UDP_HDR		16
#define UDP_MAX		65507

static unsigned char pattern[PAT_LEN + CHUNK];
static unsigned char buf[CHUNK];

/* The header of every test datagram, network byte order on the wire. */
struct udp_hdr {
	uint32_t magic;
	uint32_t seq;
	uint32_t len;
	uint32_t sum;			/* FNV-1a of the payload */
};

static void die(const char *what)
{
	fprintf(stderr, "netcheck: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: netcheck tcp-recv [-o FILE] [-p] [-w SECS] PORT\n"
		"       netcheck tcp-send [-f FILE | -n BYTES | -t SECS] [-r MBIT] HOST PORT\n"
		"       netcheck udp-recv [-l MAXLOSS] [-w SECS] PORT COUNT\n"
		"       netcheck udp-send [-r PPS] HOST PORT COUNT SIZE\n");
	exit(2);
}

static unsigned long num(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end)
		print_usage();
	return v;
}

/*
 * A fixed pseudo-random pattern (xorshift32) of PAT_LEN bytes, repeated for
 * CHUNK more so that any CHUNK-long window is contiguous.
 */
static void make_pattern(void)
{
	uint32_t x = 0x2545f491;
	size_t i;

	for (i = 0; i < PAT_LEN; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		pattern[i] = x >> 24;
	}
	for (; i < sizeof(pattern); i++)
		pattern[i] = pattern[i - PAT_LEN];
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleep until START + DONE / RATE (units per second); RATE 0: no pacing. */
static void pace(double start, double done, double rate)
{
	struct timespec ts;
	double wait;

	if (rate <= 0)
		return;
	wait = start + done / rate - now();
	if (wait <= 0)
		return;
	ts.tv_sec = (time_t)wait;
	ts.tv_nsec = (long)((wait - ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

/* Wait up to SECS seconds for FD to become readable; 0 on timeout. */
static int wait_in(int fd, int secs)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;

	do {
		r = poll(&p, 1, secs * 1000);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		die("poll");
	return r;
}

/* A socket of TYPE bound to [::]:PORT, accepting IPv4 too. */
static int bind_any(int type, const char *port)
{
	struct sockaddr_in6 sa;
	int fd, zero = 0, one = 1;

	fd = socket(AF_INET6, type, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin6_family = AF_INET6;
	sa.sin6_port = htons(num(port));
	sa.sin6_addr = in6addr_any;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("bind");
	return fd;
}

/*
 * A socket of TYPE connected to HOST:PORT (a numeric IPv4 or IPv6 address:
 * no resolver, which a static binary could not use); TCP retries refusals
 * for 10 s, so the receiver may still be starting.
 */
static int connect_to(int type, const char *host, const char *port)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	double until = now() + 10;
	struct sockaddr *sa;
	socklen_t len;
	int fd;

	if (inet_pton(AF_INET, host, &s4.sin_addr) == 1) {
		s4.sin_port = htons(num(port));
		sa = (struct sockaddr *)&s4;
		len = sizeof(s4);
	} else if (inet_pton(AF_INET6, host, &s6.sin6_addr) == 1) {
		s6.sin6_port = htons(num(port));
		sa = (struct sockaddr *)&s6;
		len = sizeof(s6);
	} else {
		fprintf(stderr, "netcheck: %s is not an IP address\n", host);
		exit(1);
	}
	for (;;) {
		fd = socket(sa->sa_family, type, 0);
		if (fd < 0)
			die("socket");
		if (!connect(fd, sa, len))
			return fd;
		if (errno != ECONNREFUSED || now() > until)
			die("connect");
		close(fd);
		usleep(100000);
	}
}

static void say_listening(void)
{
	printf("listening\n");
	fflush(stdout);
}

static void write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n) {
		w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			die("write");
		c += w;
		n -= w;
	}
}

static int tcp_recv(int argc, char **argv)
{
	unsigned long long bytes = 0, errors = 0, first_bad = 0;
	int opt, lfd, fd, out = -1, check = 0, secs = 30;
	size_t i, off;
	ssize_t n;

	while ((opt = getopt(argc, argv, "o:pw:")) != -1) {
		switch (opt) {
		case 'o':
			out = open(optarg, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (out < 0)
				die(optarg);
			break;
		case 'p':
			check = 1;
			break;
		case 'w':
			secs = num(optarg);
			break;
		default:
			print_usage();
		}
	}
	if (argc - optind != 1)
		print_usage();
	lfd = bind_any(SOCK_STREAM, argv[optind]);
	if (listen(lfd, 1) < 0)
		die("listen");
	say_listening();
	if (!wait_in(lfd, 30)) {
		fprintf(stderr, "netcheck: no connection in 30 s\n");
		return 1;
	}
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	for (;;) {
		if (!wait_in(fd, secs)) {
			fprintf(stderr, "netcheck: no data for %d s after %llu bytes\n",
				secs, bytes);
			return 1;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("read");
		if (!n)
			break;
		if (out >= 0)
			write_all(out, buf, n);
		if (check) {
			off = bytes % PAT_LEN;
			if (memcmp(buf, pattern + off, n)) {
				for (i = 0; i < (size_t)n; i++) {
					if (buf[i] == pattern[off + i])
						continue;
					if (!errors)
						first_bad = bytes + i;
					errors++;
				}
			}
		}
		bytes += n;
	}
	/* Our close is the sender's sign that everything arrived. */
	close(fd);
	if (out >= 0 && close(out) < 0)
		die("close");
	printf("tcp-recv: bytes=%llu pattern_errors=%llu", bytes, errors);
	if (errors)
		printf(" first_bad_offset=%llu", first_bad);
	printf("\n");
	return errors ? 1 : 0;
}

static int tcp_send(int argc, char **argv)
{
	unsigned long long bytes = 0, limit = 0;
	double start, secs = 0, rate = 0;
	int opt, fd, in = -1;
	ssize_t n;

	while ((opt = getopt(argc, argv, "f:n:t:r:")) != -1) {
		switch (opt) {
		case 'f':
			in = open(optarg, O_RDONLY);
			if (in < 0)
				die(optarg);
			break;
		case 'n':
			limit = num(optarg);
			break;
		case 't':
			secs = num(optarg);
			break;
		case 'r':
			rate = num(optarg) * 1e6 / 8;	/* bytes per second */
			break;
		default:
			print_usage();
		}
	}
	if (argc - optind != 2 || (in < 0 && !limit && !secs))
		print_usage();
	fd = connect_to(SOCK_STREAM, argv[optind], argv[optind + 1]);
	start = now();
	for (;;) {
		if (in >= 0) {
			n = read(in, buf, sizeof(buf));
			if (n < 0)
				die("read");
			if (!n)
				break;
			write_all(fd, buf, n);
		} else {
			if (limit && bytes >= limit)
				break;
			if (secs && now() - start >= secs)
				break;
			n = CHUNK;
			if (limit && limit - bytes < (unsigned long long)n)
				n = limit - bytes;
			write_all(fd, pattern + bytes % PAT_LEN, n);
		}
		bytes += n;
		pace(start, bytes, rate);
	}
	if (shutdown(fd, SHUT_WR) < 0)
		die("shutdown");
	/* The receiver closes once it has read everything. */
	for (;;) {
		if (!wait_in(fd, 60)) {
			fprintf(stderr, "netcheck: receiver did not close\n");
			return 1;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("read after shutdown");
		if (!n)
			break;
	}
	printf("tcp-send: bytes=%llu\n", bytes);
	return 0;
}

static uint32_t fnv1a(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

/* Datagram SEQ's payload: a window of the pattern that depends on SEQ. */
static const unsigned char *udp_payload(uint32_t seq)
{
	return pattern + (seq * 131u) % PAT_LEN;
}

static int udp_send(int argc, char **argv)
{
	unsigned long count, size, i;
	double start, rate = 2000;
	struct udp_hdr h;
	int opt, fd;

	while ((opt = getopt(argc, argv, "r:")) != -1) {
		if (opt != 'r')
			print_usage();
		rate = num(optarg);
	}
	if (argc - optind != 4)
		print_usage();
	count = num(argv[optind + 2]);
	size = num(argv[optind + 3]);
	if (size < UDP_HDR || size > UDP_MAX)
		print_usage();
	fd = connect_to(SOCK_DGRAM, argv[optind], argv[optind + 1]);
	start = now();
	for (i = 0; i < count; i++) {
		h.magic = htonl(UDP_MAGIC);
		h.seq = htonl(i);
		h.len = htonl(size);
		h.sum = htonl(fnv1a(udp_payload(i), size - UDP_HDR));
		memcpy(buf, &h, sizeof(h));
		memcpy(buf + UDP_HDR, udp_payload(i), size - UDP_HDR);
		/* ECONNREFUSED: an ICMP error for an earlier datagram. */
		while (send(fd, buf, size, 0) < 0) {
			if (errno != ENOBUFS && errno != ECONNREFUSED &&
			    errno != EINTR)
				die("send");
			usleep(1000);
		}
		pace(start, i + 1, rate);
	}
	printf("udp-send: sent=%lu size=%lu\n", count, size);
	return 0;
}

static int udp_recv(int argc, char **argv)
{
	unsigned long count, maxloss = 0, got = 0, unique = 0, dups = 0;
	unsigned long corrupt = 0, reordered = 0, missing, last = 0;
	int opt, fd, secs = 30, idle = 3, big = 8 << 20;
	unsigned char *seen;
	struct udp_hdr h;
	uint32_t seq;
	ssize_t n;

	while ((opt = getopt(argc, argv, "l:w:")) != -1) {
		switch (opt) {
		case 'l':
			maxloss = num(optarg);
			break;
		case 'w':
			idle = num(optarg);
			break;
		default:
			print_usage();
		}
	}
	if (argc - optind != 2)
		print_usage();
	count = num(argv[optind + 1]);
	seen = calloc(count ? count : 1, 1);
	if (!seen)
		die("calloc");
	fd = bind_any(SOCK_DGRAM, argv[optind]);
	/* A big buffer, past rmem_max as root: a slow reader loses nothing. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	say_listening();
	while (unique < count) {
		if (!wait_in(fd, got ? idle : secs))
			break;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("recv");
		got++;
		if (n < UDP_HDR) {
			corrupt++;
			continue;
		}
		memcpy(&h, buf, sizeof(h));
		seq = ntohl(h.seq);
		if (ntohl(h.magic) != UDP_MAGIC || ntohl(h.len) != (size_t)n ||
		    seq >= count ||
		    ntohl(h.sum) != fnv1a(buf + UDP_HDR, n - UDP_HDR) ||
		    memcmp(buf + UDP_HDR, udp_payload(seq), n - UDP_HDR)) {
			corrupt++;
			continue;
		}
		if (seen[seq]) {
			dups++;
			continue;
		}
		if (unique && seq < last)
			reordered++;
		last = seq;
		seen[seq] = 1;
		unique++;
	}
	missing = count - unique;
	printf("udp-recv: received=%lu unique=%lu duplicates=%lu ", got, unique,
	       dups);
	printf("corrupt=%lu missing=%lu reordered=%lu\n", corrupt, missing,
	       reordered);
	return (corrupt || dups || missing > maxloss) ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2)
		print_usage();
	cmd = argv[1];
	make_pattern();
	/* Options follow the subcommand. */
	argv++;
	argc--;
	if (!strcmp(cmd, "tcp-recv"))
		return tcp_recv(argc, argv);
	if (!strcmp(cmd, "tcp-send"))
		return tcp_send(argc, argv);
	if (!strcmp(cmd, "udp-recv"))
		return udp_recv(argc, argv);
	if (!strcmp(cmd, "udp-send"))
		return udp_send(argc, argv);
	print_usage();
	return 2;
}
