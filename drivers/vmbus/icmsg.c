// SPDX-License-Identifier: GPL-2.0
/*
 * Integration-component version negotiation, shared by the IC drivers
 * (hv_utils): the host offers framework and service versions, the guest
 * answers in the same buffer with one of each, or none.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include "vmbus_core.h"

/* First of @ours (newest first) that is among the @cnt versions at @offer. */
static bool icmsg_pick(const struct ic_version *offer, u32 cnt,
		       const int *ours, int ours_cnt, struct ic_version *pick)
{
	int i;
	u32 j;

	for (i = 0; i < ours_cnt; i++)
		for (j = 0; j < cnt; j++)
			if (offer[j].major == ours[i] >> 16 &&
			    offer[j].minor == (ours[i] & 0xffff)) {
				*pick = offer[j];
				return true;
			}
	return false;
}

/**
 * vmbus_prep_negotiate_resp() - answer an IC version negotiation
 * @icmsghdrp: header of the received message, inside @buf
 * @buf: the received packet (pipe header, IC header, negotiate body)
 * @buflen: bytes received in @buf
 * @fw_version: framework versions we support, newest first, major << 16 | minor
 * @fw_vercnt: their count
 * @srv_version: service versions we support, newest first
 * @srv_vercnt: their count
 * @nego_fw_version: the framework version picked, if not NULL
 * @nego_srv_version: the service version picked, if not NULL
 *
 * Rewrites the negotiate body in @buf into the response: one framework and
 * one service version, or zero counts when nothing matches.  The counts in
 * @buf come from the host and are checked against @buflen.
 *
 * Return: true if both a framework and a service version matched.
 */
bool vmbus_prep_negotiate_resp(struct icmsg_hdr *icmsghdrp, u8 *buf, u32 buflen,
			       const int *fw_version, int fw_vercnt,
			       const int *srv_version, int srv_vercnt,
			       int *nego_fw_version, int *nego_srv_version)
{
	struct ic_version fw = {}, srv = {};
	struct icmsg_negotiate *neg;
	u32 fw_cnt, srv_cnt;
	bool ok = false;

	if (buflen < ICMSG_NEGOTIATE_PKT_SIZE(1, 1)) {
		pr_err_ratelimited("IC negotiate message too short (%u)\n", buflen);
		return false;
	}
	neg = (struct icmsg_negotiate *)(buf + ICMSG_HDR);
	fw_cnt = neg->icframe_vercnt;
	srv_cnt = neg->icmsg_vercnt;
	icmsghdrp->icmsgsize = 0x10;

	if (fw_cnt > IC_VERSION_NEGOTIATION_MAX_VER_COUNT ||
	    srv_cnt > IC_VERSION_NEGOTIATION_MAX_VER_COUNT ||
	    ICMSG_NEGOTIATE_PKT_SIZE(fw_cnt, srv_cnt) > buflen) {
		pr_err_ratelimited("IC negotiate with bad counts %u/%u\n",
				   fw_cnt, srv_cnt);
	} else {
		ok = icmsg_pick(neg->icversion_data, fw_cnt, fw_version,
				fw_vercnt, &fw) &&
		     icmsg_pick(neg->icversion_data + fw_cnt, srv_cnt,
				srv_version, srv_vercnt, &srv);
	}

	neg->icframe_vercnt = ok;
	neg->icmsg_vercnt = ok;
	neg->icversion_data[0] = fw;
	neg->icversion_data[1] = srv;
	if (nego_fw_version)
		*nego_fw_version = fw.major << 16 | fw.minor;
	if (nego_srv_version)
		*nego_srv_version = srv.major << 16 | srv.minor;
	return ok;
}
EXPORT_SYMBOL_GPL(vmbus_prep_negotiate_resp);
