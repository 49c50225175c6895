// SPDX-License-Identifier: GPL-2.0
/*
 * SCSI command emulation for the LUNs of the simulated scsi controller
 * (sim_stor.c): a thin-provisioned direct-access block device of 512-byte
 * blocks with a volatile write-back cache that is always clean (RAM).
 *
 * Commands: INQUIRY (standard; VPD 0x00, 0x80, 0x83, 0xB0, 0xB2), READ
 * CAPACITY (10) and (16), READ/WRITE (6), (10), (16), SYNCHRONIZE CACHE
 * (10) and (16), UNMAP, WRITE SAME (10) and (16), MODE SENSE (6) and (10)
 * (caching and control pages), TEST UNIT READY, REPORT LUNS, REQUEST
 * SENSE.  Anything else is CHECK CONDITION, ILLEGAL REQUEST, INVALID
 * COMMAND OPERATION CODE.  Errors carry fixed-format sense data.
 *
 * Addressing (storvsc.md 7.3): disks exist on path 0.  A standard INQUIRY
 * to an absent LUN succeeds with peripheral qualifier 3 (0x7F), a VPD
 * INQUIRY fails with ILLEGAL REQUEST, REPORT LUNS is answered for any
 * target, and everything else gets SRB_STATUS_INVALID_LUN without sense.
 *
 * READ and WRITE data moves page by page between the guest's pages (the
 * PFNs of the request's GPA range) and the disk's pages, with no bounce
 * buffer; short replies (INQUIRY, MODE SENSE...) are built on the stack
 * and copied out, clipped to the allocation length and the buffer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include <scsi/scsi_proto.h>
#include "vstor_proto.h"
#include "sim.h"

/* Additional sense codes (ASC, ASCQ) of SPC/SBC. */
#define SIM_ASC_WRITE_ERROR		0x0C	/* ASCQ 0 */
#define SIM_ASC_UNRECOVERED_READ	0x11	/* ASCQ 0 */
#define SIM_ASC_PARAM_LIST_LENGTH	0x1A	/* ASCQ 0 */
#define SIM_ASC_INVALID_OPCODE		0x20	/* ASCQ 0 */
#define SIM_ASC_LBA_OUT_OF_RANGE	0x21	/* ASCQ 0 */
#define SIM_ASC_INVALID_FIELD_CDB	0x24	/* ASCQ 0 */
#define SIM_ASC_LUN_NOT_SUPPORTED	0x25	/* ASCQ 0 */
#define SIM_ASC_INVALID_FIELD_PARAM	0x26	/* ASCQ 0 */
#define SIM_ASC_SPACE_ALLOC_FAILED	0x27	/* ASCQ 7 */
#define SIM_ASC_SAVING_NOT_SUPPORTED	0x39	/* ASCQ 0 */

/* Device identity: what Hyper-V's virtual disks report. */
#define SIM_SCSI_VENDOR		"Msft    "
#define SIM_SCSI_PRODUCT	"Virtual Disk    "
#define SIM_SCSI_REVISION	"1.0 "
#define SIM_SCSI_VERSION_SPC4	0x06
#define SIM_SCSI_STD_INQ_LEN	36

/* Block limits (VPD 0xB0). */
#define SIM_SCSI_MAX_UNMAP_BLOCKS	0x100000	/* 512 MiB per UNMAP */
#define SIM_SCSI_MAX_UNMAP_DESC		64
#define SIM_SCSI_UNMAP_GRANULARITY	8		/* blocks: 4 KiB */
#define SIM_SCSI_MAX_WS_BLOCKS		0x40000		/* 128 MiB */

/* Mode pages. */
#define SIM_MP_CACHING		0x08
#define SIM_MP_CONTROL		0x0A
#define SIM_MP_ALL		0x3F
#define SIM_MP_CACHING_LEN	20
#define SIM_MP_CONTROL_LEN	12
#define SIM_MP_WCE		0x04
#define SIM_MODE_DPOFUA		0x10	/* device-specific parameter */

/* CDB bits. */
#define SIM_CDB_FUA		0x08	/* READ/WRITE (10), (16) byte 1 */
#define SIM_CDB_WS_UNMAP	0x08	/* WRITE SAME byte 1 */
#define SIM_CDB_WS_NDOB		0x01	/* WRITE SAME (16) byte 1 */
#define SIM_CDB_EVPD		0x01	/* INQUIRY byte 1 */
#define SIM_CDB_DBD		0x08	/* MODE SENSE byte 1 */

static void sim_scsi_check(struct sim_scsi_cmd *cmd, u8 srb_status, u8 key,
			   u8 asc, u8 ascq, const u64 *info)
{
	u8 *s = cmd->sense;

	memset(s, 0, SIM_SCSI_SENSE_LEN);
	s[0] = 0x70;			/* current error, fixed format */
	s[2] = key;
	s[7] = SIM_SCSI_SENSE_LEN - 8;	/* additional sense length */
	s[12] = asc;
	s[13] = ascq;
	if (info && *info <= U32_MAX) {
		s[0] |= 0x80;		/* VALID: INFORMATION holds the LBA */
		put_unaligned_be32(*info, &s[3]);
	}
	cmd->sense_len = SIM_SCSI_SENSE_LEN;
	cmd->srb_status = srb_status | SRB_STATUS_AUTOSENSE_VALID;
	cmd->scsi_status = SAM_STAT_CHECK_CONDITION;
	cmd->transferred = 0;
}

static void sim_scsi_illegal(struct sim_scsi_cmd *cmd, u8 asc)
{
	sim_scsi_check(cmd, SRB_STATUS_ERROR, ILLEGAL_REQUEST, asc, 0, NULL);
}

/* The guest page holding byte @pos of the buffer, and the offset in it. */
static struct page *sim_scsi_buf_page(const struct sim_gpa_buf *buf, u32 pos,
				      u32 *off)
{
	u64 at = (u64)buf->offset + pos;

	*off = at % HV_HYP_PAGE_SIZE;
	return pfn_to_page(get_unaligned((const u64 *)buf->pfns +
					 at / HV_HYP_PAGE_SIZE));
}

/* Copy @len bytes between the guest buffer at @pos and @mem. */
static void sim_scsi_buf_copy(const struct sim_gpa_buf *buf, u32 pos,
			      void *mem, u32 len, bool to_guest)
{
	struct page *page;
	u32 off, chunk;

	while (len) {
		page = sim_scsi_buf_page(buf, pos, &off);
		chunk = min_t(u32, len, HV_HYP_PAGE_SIZE - off);
		if (to_guest)
			memcpy_to_page(page, off, mem, chunk);
		else
			memcpy_from_page(mem, page, off, chunk);
		mem += chunk;
		pos += chunk;
		len -= chunk;
	}
}

/*
 * Reply data: bytes [@pos, @pos + @len) of the command's data-in,
 * clipped to the allocation length @alloc and to the guest's buffer.
 */
static void sim_scsi_put(struct sim_scsi_cmd *cmd, u32 pos, const void *data,
			 u32 len, u32 alloc)
{
	u32 limit = cmd->data_in == VSTOR_DATA_IN ?
		    min(alloc, cmd->buf.len) : 0;

	if (pos >= limit)
		return;
	len = min(len, limit - pos);
	sim_scsi_buf_copy(&cmd->buf, pos, (void *)data, len, true);
	cmd->transferred = max(cmd->transferred, pos + len);
}

/* Data-out bytes [@pos, @pos + @len) into @mem; false if not there. */
static bool sim_scsi_get(struct sim_scsi_cmd *cmd, u32 pos, void *mem,
			 u32 len)
{
	if (cmd->data_in != VSTOR_DATA_OUT || pos > cmd->buf.len ||
	    len > cmd->buf.len - pos)
		return false;
	sim_scsi_buf_copy(&cmd->buf, pos, mem, len, false);
	return true;
}

/* Is [lba, lba + count) inside the disk? */
static bool sim_scsi_range_ok(const struct sim_disk *disk, u64 lba,
			      u64 count)
{
	return lba <= disk->blocks && count <= disk->blocks - lba;
}

/* ---------------------------------------------------------------- */
/* INQUIRY                                                           */

static void sim_scsi_std_inquiry(struct sim_scsi_cmd *cmd, bool present,
				 u32 alloc)
{
	u8 d[SIM_SCSI_STD_INQ_LEN] = {};

	d[0] = present ? TYPE_DISK : TYPE_NO_LUN;
	d[2] = SIM_SCSI_VERSION_SPC4;
	d[3] = 0x12;			/* HISUP, response data format 2 */
	d[4] = sizeof(d) - 5;		/* additional length */
	d[7] = 0x02;			/* CMDQUE */
	memcpy(&d[8], SIM_SCSI_VENDOR, 8);
	memcpy(&d[16], SIM_SCSI_PRODUCT, 16);
	memcpy(&d[32], SIM_SCSI_REVISION, 4);
	sim_scsi_put(cmd, 0, d, sizeof(d), alloc);
}

static void sim_scsi_vpd_header(u8 *d, u8 page, u16 len)
{
	d[0] = TYPE_DISK;
	d[1] = page;
	put_unaligned_be16(len, &d[2]);
}

/* The LUN's 8-byte NAA locally assigned name: unique per device/T/L. */
static void sim_scsi_naa(const struct sim_disks *disks,
			 const struct sim_disk *disk, u8 *naa)
{
	/* NAA 3 (locally assigned), "VMBS" signature, device, target, LUN. */
	naa[0] = 0x35;
	naa[1] = 0x64;
	naa[2] = 0xd4;
	naa[3] = 0x25;
	put_unaligned_be16(disks->dev_index, &naa[4]);
	naa[6] = disk->target;
	naa[7] = disk->lun;
}

static void sim_scsi_vpd(struct sim_scsi_cmd *cmd, struct sim_disks *disks,
			 struct sim_disk *disk, u8 page, u32 alloc)
{
	static const u8 pages[] = { 0x00, 0x80, 0x83, 0xb0, 0xb2 };
	u8 d[64] = {};
	u16 len;
	int n;

	switch (page) {
	case 0x00:	/* supported VPD pages */
		len = sizeof(pages);
		memcpy(&d[4], pages, len);
		break;
	case 0x80:	/* unit serial number */
		n = scnprintf(&d[4], sizeof(d) - 4, "VMBSIM-%04X-%02X-%02X",
			      disks->dev_index & 0xffff, disk->target,
			      disk->lun);
		len = n;
		break;
	case 0x83:	/* device identification */
		/* NAA designator: binary, LU association, type 3. */
		d[4] = 0x01;
		d[5] = 0x03;
		d[7] = 8;
		sim_scsi_naa(disks, disk, &d[8]);
		/* T10 vendor ID designator: ASCII, LU, type 1. */
		d[16] = 0x02;
		d[17] = 0x01;
		memcpy(&d[20], SIM_SCSI_VENDOR, 8);
		n = scnprintf(&d[28], sizeof(d) - 28, "vmbus_sim-%04X-%02X-%02X",
			      disks->dev_index & 0xffff, disk->target,
			      disk->lun);
		d[19] = 8 + n;
		len = 4 + 8 + 4 + d[19];
		break;
	case 0xb0:	/* block limits */
		len = 0x3c;
		d[4] = 0x01;		/* WSNZ: WRITE SAME of 0 blocks refused */
		put_unaligned_be16(1, &d[6]);	/* optimal granularity */
		put_unaligned_be32(disks->max_transfer >> SIM_DISK_BLOCK_SHIFT,
				   &d[8]);
		put_unaligned_be32(SIM_SCSI_MAX_UNMAP_BLOCKS, &d[20]);
		put_unaligned_be32(SIM_SCSI_MAX_UNMAP_DESC, &d[24]);
		put_unaligned_be32(SIM_SCSI_UNMAP_GRANULARITY, &d[28]);
		put_unaligned_be64(SIM_SCSI_MAX_WS_BLOCKS, &d[36]);
		break;
	case 0xb2:	/* logical block provisioning */
		len = 4;
		d[5] = 0x80 | 0x40 | 0x04;	/* LBPU, LBPWS, LBPRZ */
		d[6] = 0x02;			/* thin provisioned */
		break;
	default:
		sim_scsi_illegal(cmd, SIM_ASC_INVALID_FIELD_CDB);
		return;
	}
	sim_scsi_vpd_header(d, page, len);
	sim_scsi_put(cmd, 0, d, 4 + len, alloc);
}

static void sim_scsi_inquiry(struct sim_scsi_cmd *cmd, struct sim_disks *disks,
			     struct sim_disk *disk)
{
	const u8 *cdb = cmd->cdb;
	u32 alloc = get_unaligned_be16(&cdb[3]);

	if (cdb[1] & ~SIM_CDB_EVPD || (!(cdb[1] & SIM_CDB_EVPD) && cdb[2])) {
		sim_scsi_illegal(cmd, SIM_ASC_INVALID_FIELD_CDB);
		return;
	}
	if (!(cdb[1] & SIM_CDB_EVPD)) {
		sim_scsi_std_inquiry(cmd, disk, alloc);
		return;
	}
	if (!disk) {
		sim_scsi_check(cmd, SRB_STATUS_INVALID_REQUEST, ILLEGAL_REQUEST,
			       SIM_ASC_LUN_NOT_SUPPORTED, 0, NULL);
		return;
	}
	sim_scsi_vpd(cmd, disks, disk, cdb[2], alloc);
}

/* ---------------------------------------------------------------- */
/* Capacity, mode pages, LUNs                                        */

static void sim_scsi_read_capacity10(struct sim_scsi_cmd *cmd,
				     struct sim_disk *disk)
{
	u8 d[8];

	put_unaligned_be32(min_t(u64, disk->blocks - 1, U32_MAX), &d[0]);
	put_unaligned_be32(SIM_DISK_BLOCK, &d[4]);
	sim_scsi_put(cmd, 0, d, sizeof(d), sizeof(d));
}

static void sim_scsi_read_capacity16(struct sim_scsi_cmd *cmd,
				     struct sim_disk *disk)
{
	u8 d[32] = {};

	put_unaligned_be64(disk->blocks - 1, &d[0]);
	put_unaligned_be32(SIM_DISK_BLOCK, &d[8]);
	d[14] = 0x80 | 0x40;		/* LBPME, LBPRZ */
	sim_scsi_put(cmd, 0, d, sizeof(d),
		     get_unaligned_be32(&cmd->cdb[10]));
}

/* Append mode page @page (current values, or the changeable mask). */
static u32 sim_scsi_mode_page(u8 *d, u8 page, bool changeable)
{
	switch (page) {
	case SIM_MP_CACHING:
		memset(d, 0, SIM_MP_CACHING_LEN);
		d[0] = SIM_MP_CACHING;
		d[1] = SIM_MP_CACHING_LEN - 2;
		if (!changeable)
			d[2] = SIM_MP_WCE;
		return SIM_MP_CACHING_LEN;
	case SIM_MP_CONTROL:
		memset(d, 0, SIM_MP_CONTROL_LEN);
		d[0] = SIM_MP_CONTROL;
		d[1] = SIM_MP_CONTROL_LEN - 2;
		if (!changeable)
			d[3] = 0x10;	/* unrestricted reordering */
		return SIM_MP_CONTROL_LEN;
	}
	return 0;
}

static void sim_scsi_mode_sense(struct sim_scsi_cmd *cmd,
				struct sim_disk *disk, bool ten)
{
	const u8 *cdb = cmd->cdb;
	u8 d[8 + 8 + SIM_MP_CACHING_LEN + SIM_MP_CONTROL_LEN] = {};
	u8 pc = cdb[2] >> 6, page = cdb[2] & 0x3f, subpage = cdb[3];
	u32 hdr = ten ? 8 : 4, len, alloc;
	bool dbd = cdb[1] & SIM_CDB_DBD;

	if (ten && cmd->cdb_len < 10) {
		sim_scsi_illegal(cmd, SIM_ASC_INVALID_FIELD_CDB);
		return;
	}
	alloc = ten ? get_unaligned_be16(&cdb[7]) : cdb[4];
	if (pc == 3) {
		sim_scsi_illegal(cmd, SIM_ASC_SAVING_NOT_SUPPORTED);
		return;
	}
	if ((page != SIM_MP_CACHING && page != SIM_MP_CONTROL &&
	     page != SIM_MP_ALL) ||
	    (subpage && !(page == SIM_MP_ALL && subpage == 0xff))) {
		sim_scsi_illegal(cmd, SIM_ASC_INVALID_FIELD_CDB);
		return;
	}
	len = hdr;
	if (!dbd) {
		/* Short block descriptor: blocks (saturated), block length. */
		put_unaligned_be32(min_t(u64, disk->blocks, 0xffffffff),
				   &d[len]);
		put_unaligned_be32(SIM_DISK_BLOCK, &d[len + 4]);
		len += 8;
	}
	if (page == SIM_MP_CACHING || page == SIM_MP_ALL)
		len += sim_scsi_mode_page(&d[len], SIM_MP_CACHING, pc == 1);
	if (page == SIM_MP_CONTROL || page == SIM_MP_ALL)
		len += sim_scsi_mode_page(&d[len], SIM_MP_CONTROL, pc == 1);
	if (ten) {
		put_unaligned_be16(len - 2, &d[0]);
		d[3] = SIM_MODE_DPOFUA;
		d[7] = dbd ? 0 : 8;
	} else {
		d[0] = len - 1;
		d[2] = SIM_MODE_DPOFUA;
		d[3] = dbd ? 0 : 8;
	}
	sim_scsi_put(cmd, 0, d, len, alloc);
}

/* REPORT LUNS: the LUNs of (path, target), single-level addressing. */
static void sim_scsi_report_luns(struct sim_scsi_cmd *cmd,
				 struct sim_disks *disks)
{
	u32 alloc = get_unaligned_be32(&cmd->cdb[6]), n = 0;
	u8 ent[8] = {};
	int lun = -1;

	if (cmd->cdb_len < 12 || alloc < 16) {
		sim_scsi_illegal(cmd, SIM_ASC_INVALID_FIELD_CDB);
		return;
	}
	while (!cmd->path_id &&
	       (lun = sim_disk_next_lun(disks, cmd->target_id, lun)) >= 0) {
		ent[1] = lun;
		sim_scsi_put(cmd, 8 + 8 * n, ent, sizeof(ent), alloc);
		n++;
	}
	memset(ent, 0, sizeof(ent));
	put_unaligned_be32(8 * n, &ent[0]);
	sim_scsi_put(cmd, 0, ent, sizeof(ent), alloc);
}

static void sim_scsi_request_sense(struct sim_scsi_cmd *cmd)
{
	u8 d[SIM_SCSI_SENSE_LEN] = {};

	d[0] = 0x70;
	d[2] = NO_SENSE;
	d[7] = SIM_SCSI_SENSE_LEN - 8;
	sim_scsi_put(cmd, 0, d, sizeof(d), cmd->cdb[4]);
}

/* ---------------------------------------------------------------- */
/* Data                                                              */

/* Move @bytes between the disk at @lba and the guest buffer. */
static int sim_scsi_xfer(struct sim_scsi_cmd *cmd, struct sim_disk *disk,
			 u64 lba, u32 bytes, bool write)
{
	u64 dpos = lba << SIM_DISK_BLOCK_SHIFT;
	struct page *gpage, *dpage;
	u32 pos = 0, goff, doff, chunk;
	int ret = 0;

	sim_disk_io_begin(disk);
	while (pos < bytes) {
		gpage = sim_scsi_buf_page(&cmd->buf, pos, &goff);
		doff = offset_in_page(dpos);
		chunk = min3(bytes - pos, (u32)HV_HYP_PAGE_SIZE - goff,
			     (u32)PAGE_SIZE - doff);
		dpage = sim_disk_page(disk, dpos >> PAGE_SHIFT, write);
		if (write) {
			if (!dpage) {
				ret = -ENOMEM;
				break;
			}
			memcpy_page(dpage, doff, gpage, goff, chunk);
		} else if (dpage) {
			memcpy_page(gpage, goff, dpage, doff, chunk);
		} else {
			memzero_page(gpage, goff, chunk);
		}
		pos += chunk;
		dpos += chunk;
	}
	sim_disk_io_end(disk);
	return ret;
}

static void sim_scsi_rw(struct sim_scsi_cmd *cmd, struct sim_disk *disk,
			bool write)
{
	const u8 *cdb = cmd->cdb;
	bool fua = false;
	u64 lba, count, first;
	u32 bytes;

	switch (cdb[0]) {
	case READ_6:
	case WRITE_6:
		lba = get_unaligned_be24(&cdb[1]) & 0x1fffff;
		count = cdb[4] ?: 256;
		break;
	case READ_10:
	case WRITE_10:
		if (cmd->cdb_len < 10)
			goto bad_cdb;
		lba = get_unaligned_be32(&cdb[2]);
		count = get_unaligned_be16(&cdb[7]);
		fua = cdb[1] & SIM_CDB_FUA;
		break;
	default:	/* READ_16, WRITE_16 */
		if (cmd->cdb_len < 16)
			goto bad_cdb;
		lba = get_unaligned_be64(&cdb[2]);
		count = get_unaligned_be32(&cdb[10]);
		fua = cdb[1] & SIM_CDB_FUA;
		break;
	}
	if (!sim_scsi_range_ok(disk, lba, count)) {
		sim_scsi_illegal(cmd, SIM_ASC_LBA_OUT_OF_RANGE);
		return;
	}
	if (fua)
		cmd->done |= SIM_SCSI_DID_FUA;
	if (!count)
		return;
	/* The buffer must hold the blocks, in the command's direction. */
	if (count > cmd->buf.len >> SIM_DISK_BLOCK_SHIFT ||
	    cmd->data_in != (write ? VSTOR_DATA_OUT : VSTOR_DATA_IN))
		goto bad_cdb;
	if (sim_disk_medium_hit(disk, lba, count, &first)) {
		sim_scsi_check(cmd, SRB_STATUS_ERROR, MEDIUM_ERROR,
			       write ? SIM_ASC_WRITE_ERROR :
				       SIM_ASC_UNRECOVERED_READ, 0, &first);
		return;
	}
	bytes = count << SIM_DISK_BLOCK_SHIFT;
	if (sim_scsi_xfer(cmd, disk, lba, bytes, write)) {
		sim_scsi_check(cmd, SRB_STATUS_ERROR, DATA_PROTECT,
			       SIM_ASC_SPACE_ALLOC_FAILED, 7, NULL);
		return;
	}
	cmd->transferred = bytes;
	cmd->bytes = bytes;
	cmd->done |= write ? SIM_SCSI_DID_WRITE : SIM_SCSI_DID_READ;
	return;

bad_cdb:
	sim_scsi_illegal(cmd, SIM_ASC_INVALID_FIELD_CDB);
}

static void sim_scsi_sync_cache(struct sim_scsi_cmd *cmd,
				struct sim_disk *disk)
{
	const u8 *cdb = cmd->cdb;
	u64 lba, count;

	if (cdb[0] == SYNCHRONIZE_CACHE) {
		if (cmd->cdb_len < 10)
			goto bad_cdb;
		lba = get_unaligned_be32(&cdb[2]);
		count = get_unaligned_be16(&cdb[7]);
	} else {
		if (cmd->cdb_len < 16)
			goto bad_cdb;
		lba = get_unaligned_be64(&cdb[2]);
		count = get_unaligned_be32(&cdb[10]);
	}
	if (!count && lba <= disk->blocks)
		count = disk->blocks - lba;	/* 0: to the end */
	if (!sim_scsi_range_ok(disk, lba, count)) {
		sim_scsi_illegal(cmd, SIM_ASC_LBA_OUT_OF_RANGE);
		return;
	}
	/* RAM: nothing is ever dirty. */
	cmd->done |= SIM_SCSI_DID_FLUSH;
	return;

bad_cdb:
	sim_scsi_illegal(cmd, SIM_ASC_INVALID_FIELD_CDB);
}

/*
 * UNMAP: an 8-byte header and 16-byte block descriptors; all are checked
 * before any is executed.
 */
static void sim_scsi_unmap(struct sim_scsi_cmd *cmd, struct sim_disk *disk)
{
	u32 plen = get_unaligned_be16(&cmd->cdb[7]), dlen, n, i;
	u8 hdr[8], desc[16];
	u64 lba, count, total = 0;
	bool pass2 = false;

	if (cmd->cdb_len < 10)
		goto bad_cdb;
	cmd->done |= SIM_SCSI_DID_UNMAP;
	if (!plen)
		return;			/* nothing to do */
	if (plen < sizeof(hdr) || !sim_scsi_get(cmd, 0, hdr, sizeof(hdr))) {
		sim_scsi_illegal(cmd, SIM_ASC_PARAM_LIST_LENGTH);
		return;
	}
	plen = min(plen, cmd->buf.len);
	dlen = get_unaligned_be16(&hdr[2]);
	if (get_unaligned_be16(&hdr[0]) < 6 + dlen || dlen > plen - 8) {
		sim_scsi_illegal(cmd, SIM_ASC_PARAM_LIST_LENGTH);
		return;
	}
	n = dlen / sizeof(desc);
	if (n > SIM_SCSI_MAX_UNMAP_DESC) {
		sim_scsi_illegal(cmd, SIM_ASC_INVALID_FIELD_PARAM);
		return;
	}
again:
	for (i = 0; i < n; i++) {
		if (!sim_scsi_get(cmd, 8 + i * sizeof(desc), desc,
				  sizeof(desc)))
			goto bad_param;
		lba = get_unaligned_be64(&desc[0]);
		count = get_unaligned_be32(&desc[8]);
		if (pass2) {
			sim_disk_discard(disk, lba, count);
			continue;
		}
		if (!sim_scsi_range_ok(disk, lba, count)) {
			sim_scsi_illegal(cmd, SIM_ASC_LBA_OUT_OF_RANGE);
			return;
		}
		total += count;
		if (total > SIM_SCSI_MAX_UNMAP_BLOCKS)
			goto bad_param;
	}
	if (!pass2) {
		pass2 = true;
		goto again;
	}
	return;

bad_param:
	sim_scsi_illegal(cmd, SIM_ASC_INVALID_FIELD_PARAM);
	return;
bad_cdb:
	sim_scsi_illegal(cmd, SIM_ASC_INVALID_FIELD_CDB);
}

static void sim_scsi_write_same(struct sim_scsi_cmd *cmd,
				struct sim_disk *disk)
{
	const u8 *cdb = cmd->cdb;
	u8 block[SIM_DISK_BLOCK];
	u64 lba, count, first;
	bool ndob = false;

	if (cdb[0] == WRITE_SAME) {
		if (cmd->cdb_len < 10)
			goto bad_cdb;
		lba = get_unaligned_be32(&cdb[2]);
		count = get_unaligned_be16(&cdb[7]);
	} else {
		if (cmd->cdb_len < 16)
			goto bad_cdb;
		lba = get_unaligned_be64(&cdb[2]);
		count = get_unaligned_be32(&cdb[10]);
		ndob = cdb[1] & SIM_CDB_WS_NDOB;
	}
	cmd->done |= SIM_SCSI_DID_WRITE_SAME;
	if (!count || count > SIM_SCSI_MAX_WS_BLOCKS)
		goto bad_cdb;		/* WSNZ=1 */
	if (!sim_scsi_range_ok(disk, lba, count)) {
		sim_scsi_illegal(cmd, SIM_ASC_LBA_OUT_OF_RANGE);
		return;
	}
	if (ndob)
		memset(block, 0, sizeof(block));
	else if (!sim_scsi_get(cmd, 0, block, sizeof(block)))
		goto bad_cdb;
	if (sim_disk_medium_hit(disk, lba, count, &first)) {
		sim_scsi_check(cmd, SRB_STATUS_ERROR, MEDIUM_ERROR,
			       SIM_ASC_WRITE_ERROR, 0, &first);
		return;
	}
	/*
	 * With or without the UNMAP bit: a block of zeroes deallocates
	 * (LBPRZ), anything else is written to every block.
	 */
	if (sim_disk_fill(disk, lba, count, block)) {
		sim_scsi_check(cmd, SRB_STATUS_ERROR, DATA_PROTECT,
			       SIM_ASC_SPACE_ALLOC_FAILED, 7, NULL);
		return;
	}
	cmd->transferred = ndob ? 0 : SIM_DISK_BLOCK;
	return;

bad_cdb:
	sim_scsi_illegal(cmd, SIM_ASC_INVALID_FIELD_CDB);
}

/* Minimum CDB length of the commands with a fixed one. */
static u8 sim_scsi_cdb_min(u8 opcode)
{
	switch (opcode >> 5) {
	case 0:
		return 6;
	case 1:
	case 2:
		return 10;
	case 4:
		return 16;
	case 5:
		return 12;
	}
	return 1;
}

/**
 * sim_scsi_execute() - run one SCSI command
 * @disks: the LUNs of the device
 * @cmd: command; the results are filled in
 *
 * Process context (the channel work of the channel the command came on).
 * Never fails: every error is a SCSI status (with sense) or an SRB status
 * in @cmd.
 */
void sim_scsi_execute(struct sim_disks *disks, struct sim_scsi_cmd *cmd)
{
	const u8 op = cmd->cdb[0];
	struct sim_disk *disk = NULL;

	cmd->srb_status = SRB_STATUS_SUCCESS;
	cmd->scsi_status = SAM_STAT_GOOD;
	cmd->transferred = 0;
	cmd->sense_len = 0;
	cmd->done = 0;
	cmd->bytes = 0;
	if (!cmd->buf.len)
		cmd->data_in = VSTOR_DATA_NONE;

	if (!cmd->path_id)
		disk = sim_disk_get(disks, cmd->target_id, cmd->lun);
	if (cmd->cdb_len < sim_scsi_cdb_min(op)) {
		sim_scsi_illegal(cmd, SIM_ASC_INVALID_FIELD_CDB);
		goto out;
	}
	/* Answered for any LUN, present or not. */
	if (op == INQUIRY) {
		sim_scsi_inquiry(cmd, disks, disk);
		goto out;
	}
	if (op == REPORT_LUNS) {
		sim_scsi_report_luns(cmd, disks);
		goto out;
	}
	if (!disk) {
		cmd->srb_status = SRB_STATUS_INVALID_LUN;
		cmd->scsi_status = SAM_STAT_CHECK_CONDITION;
		goto out;
	}

	switch (op) {
	case TEST_UNIT_READY:
		break;
	case REQUEST_SENSE:
		sim_scsi_request_sense(cmd);
		break;
	case READ_CAPACITY:
		sim_scsi_read_capacity10(cmd, disk);
		break;
	case SERVICE_ACTION_IN_16:
		if ((cmd->cdb[1] & 0x1f) == SAI_READ_CAPACITY_16)
			sim_scsi_read_capacity16(cmd, disk);
		else
			sim_scsi_illegal(cmd, SIM_ASC_INVALID_FIELD_CDB);
		break;
	case READ_6:
	case READ_10:
	case READ_16:
		sim_scsi_rw(cmd, disk, false);
		break;
	case WRITE_6:
	case WRITE_10:
	case WRITE_16:
		sim_scsi_rw(cmd, disk, true);
		break;
	case SYNCHRONIZE_CACHE:
	case SYNCHRONIZE_CACHE_16:
		sim_scsi_sync_cache(cmd, disk);
		break;
	case UNMAP:
		sim_scsi_unmap(cmd, disk);
		break;
	case WRITE_SAME:
	case WRITE_SAME_16:
		sim_scsi_write_same(cmd, disk);
		break;
	case MODE_SENSE:
		sim_scsi_mode_sense(cmd, disk, false);
		break;
	case MODE_SENSE_10:
		sim_scsi_mode_sense(cmd, disk, true);
		break;
	default:
		sim_scsi_illegal(cmd, SIM_ASC_INVALID_OPCODE);
		break;
	}
out:
	sim_disk_put(disk);
}
