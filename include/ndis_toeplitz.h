/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Toeplitz hash of NDIS receive-side scaling (netvsc.md section 12):
 * the host hashes each received flow with the guest's secret key and
 * looks the result up in the guest's indirection table.  The input is
 * the flow's fields in network byte order: source address, destination
 * address, then (for the TCP/UDP hash types) source and destination
 * port.  Checked against Microsoft's published verification vectors
 * (kunit/netvsc_test.c).
 */
#ifndef _NDIS_TOEPLITZ_H
#define _NDIS_TOEPLITZ_H

#include <linux/types.h>

/**
 * ndis_toeplitz() - Toeplitz hash of @len bytes of @data
 * @key: secret key; at least @len + 4 bytes of it are used
 * @key_len: bytes of @key (40 for NDIS)
 * @data: input, network byte order
 * @len: bytes of @data, at most @key_len - 4 (36 for IPv6 + ports)
 *
 * For every set bit of the input, from the most significant bit of
 * @data[0] on, the result is XORed with the 32 key bits that start at
 * the same bit position.
 *
 * Return: the hash; 0 if @len is too long for @key.
 */
static inline u32 ndis_toeplitz(const u8 *key, u32 key_len, const u8 *data,
				u32 len)
{
	u32 hash = 0, window, i;
	int bit;

	if (len + 4 > key_len)
		return 0;
	/* The 32 key bits at the current input bit, shifted in one by one. */
	window = (u32)key[0] << 24 | (u32)key[1] << 16 | (u32)key[2] << 8 |
		 key[3];
	for (i = 0; i < len; i++) {
		for (bit = 7; bit >= 0; bit--) {
			if (data[i] & (1u << bit))
				hash ^= window;
			window <<= 1;
			if (key[i + 4] & (1u << bit))
				window |= 1;
		}
	}
	return hash;
}

#endif /* _NDIS_TOEPLITZ_H */
