// SPDX-License-Identifier: GPL-2.0
/*
 * RAM-backed LUNs of the simulated scsi controller (sim_stor.c): sparse
 * disks of 512-byte blocks and the registry of a device's LUNs.
 *
 * Storage: an xarray of 4 KiB pages, allocated on the first write to
 * them; a hole reads as zeroes.  Discarding (UNMAP, WRITE SAME of zeroes)
 * frees the pages the range covers whole and zeroes the parts of the
 * others, so what reads back is always what SBC's LBPRZ=1 promises.
 *
 * Concurrency: the channel works of all CPUs do I/O at once, and debugfs
 * adds and removes LUNs meanwhile.
 *   - Data I/O holds io_lock for reading: page lookups and page
 *     allocation (xa_cmpxchg: of two racing writers one page wins) may run
 *     in parallel; freeing pages takes io_lock for writing, so no copy
 *     ever touches a freed page.
 *   - The registry is an xarray read under RCU: sim_disk_get() takes a
 *     reference (kref_get_unless_zero) and the registry holds one.
 *     Removing a LUN erases it and drops the registry's reference; the
 *     last user's put frees the pages, the struct after a grace period.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "sim.h"

/* The disks' pages are the guest's 4 KiB pages: one copy loop for both. */
static_assert(PAGE_SIZE == HV_HYP_PAGE_SIZE);

#define SIM_DISK_BLOCKS_PER_PAGE	(PAGE_SIZE / SIM_DISK_BLOCK)

static unsigned long sim_disk_key(u8 target, u8 lun)
{
	return (unsigned long)target << 8 | lun;
}

/**
 * sim_disk_parse_size() - parse a disk size
 * @s: decimal bytes with an optional suffix K, M or G (powers of 1024)
 * @bytes: the size
 *
 * Return: 0, or -EINVAL unless it is a non-zero multiple of 512 bytes up
 * to SIM_DISK_MAX_BYTES.
 */
int sim_disk_parse_size(const char *s, u64 *bytes)
{
	unsigned long long v;
	unsigned int shift = 0;
	char num[24];
	size_t len = strlen(s);

	if (!len || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, len + 1);
	switch (num[len - 1]) {
	case 'K': case 'k':
		shift = 10;
		break;
	case 'M': case 'm':
		shift = 20;
		break;
	case 'G': case 'g':
		shift = 30;
		break;
	}
	if (shift)
		num[len - 1] = '\0';
	if (kstrtoull(num, 10, &v) || !v || v > SIM_DISK_MAX_BYTES >> shift)
		return -EINVAL;
	v <<= shift;
	if (v % SIM_DISK_BLOCK)
		return -EINVAL;
	*bytes = v;
	return 0;
}

/**
 * sim_disk_parse_addr() - parse a LUN address "T:L"
 * @s: target 0..SIM_DISK_MAX_TARGET, a colon, LUN 0..255 (decimal)
 * @target: the target
 * @lun: the LUN
 *
 * Return: 0 or -EINVAL.
 */
int sim_disk_parse_addr(const char *s, u8 *target, u8 *lun)
{
	const char *colon = strchr(s, ':');
	char t[4];
	u8 tv, lv;

	if (!colon || colon == s || colon - s >= sizeof(t))
		return -EINVAL;
	memcpy(t, s, colon - s);
	t[colon - s] = '\0';
	if (kstrtou8(t, 10, &tv) || tv > SIM_DISK_MAX_TARGET ||
	    kstrtou8(colon + 1, 10, &lv))
		return -EINVAL;
	*target = tv;
	*lun = lv;
	return 0;
}

static void sim_disk_release(struct kref *ref)
{
	struct sim_disk *disk = container_of(ref, struct sim_disk, ref);
	struct page *page;
	unsigned long index;

	xa_for_each(&disk->pages, index, page) {
		__free_page(page);
		cond_resched();
	}
	xa_destroy(&disk->pages);
	/* A lookup may still hold the pointer under RCU. */
	kfree_rcu(disk, rcu);
}

/**
 * sim_disk_put() - drop a reference from sim_disk_get()
 * @disk: disk, or NULL
 *
 * Process context: the last put of a removed disk frees its pages.
 */
void sim_disk_put(struct sim_disk *disk)
{
	if (disk)
		kref_put(&disk->ref, sim_disk_release);
}

/**
 * sim_disk_get() - look up a LUN for I/O
 * @disks: the device's LUNs
 * @target: target
 * @lun: LUN
 *
 * Any context.  The disk stays usable (even if it is removed meanwhile)
 * until sim_disk_put().
 *
 * Return: the disk with a reference, or NULL if there is no such LUN.
 */
struct sim_disk *sim_disk_get(struct sim_disks *disks, u8 target, u8 lun)
{
	struct sim_disk *disk;

	rcu_read_lock();
	disk = xa_load(&disks->luns, sim_disk_key(target, lun));
	if (disk && !kref_get_unless_zero(&disk->ref))
		disk = NULL;
	rcu_read_unlock();
	return disk;
}

/**
 * sim_disk_next_lun() - enumerate the LUNs of a target
 * @disks: the device's LUNs
 * @target: target
 * @after: the LUN returned last, or -1 to start
 *
 * Any context.
 *
 * Return: the next LUN of @target above @after, or -1 when there is none.
 */
int sim_disk_next_lun(struct sim_disks *disks, u8 target, int after)
{
	unsigned long index = sim_disk_key(target, 0) + after + 1;

	if (after >= 255)
		return -1;
	if (!xa_find(&disks->luns, &index, sim_disk_key(target, 255),
		     XA_PRESENT))
		return -1;
	return index & 0xff;
}

/**
 * sim_disk_add() - create an empty LUN
 * @disks: the device's LUNs
 * @target: target, 0..SIM_DISK_MAX_TARGET
 * @lun: LUN
 * @bytes: size, a multiple of 512
 *
 * Process context.
 *
 * Return: 0, -EEXIST if the LUN exists, -EINVAL, -ENOMEM.
 */
int sim_disk_add(struct sim_disks *disks, u8 target, u8 lun, u64 bytes)
{
	struct sim_disk *disk;
	int ret;

	if (target > SIM_DISK_MAX_TARGET || !bytes ||
	    bytes > SIM_DISK_MAX_BYTES || bytes % SIM_DISK_BLOCK)
		return -EINVAL;
	disk = kzalloc(sizeof(*disk), GFP_KERNEL);
	if (!disk)
		return -ENOMEM;
	kref_init(&disk->ref);
	disk->target = target;
	disk->lun = lun;
	disk->blocks = bytes >> SIM_DISK_BLOCK_SHIFT;
	xa_init(&disk->pages);
	atomic_long_set(&disk->npages, 0);
	init_rwsem(&disk->io_lock);
	spin_lock_init(&disk->medium_lock);
	ret = xa_insert(&disks->luns, sim_disk_key(target, lun), disk,
			GFP_KERNEL);
	if (ret) {
		kfree(disk);
		return ret == -EBUSY ? -EEXIST : ret;
	}
	return 0;
}

/**
 * sim_disk_remove() - remove a LUN
 * @disks: the device's LUNs
 * @target: target
 * @lun: LUN
 *
 * Process context.  I/O in flight on the disk finishes on it; its memory
 * goes with the last reference.
 *
 * Return: 0 or -ENOENT.
 */
int sim_disk_remove(struct sim_disks *disks, u8 target, u8 lun)
{
	struct sim_disk *disk;

	disk = xa_erase(&disks->luns, sim_disk_key(target, lun));
	if (!disk)
		return -ENOENT;
	sim_disk_put(disk);
	return 0;
}

/**
 * sim_disk_set_medium() - set the range of blocks that fail with MEDIUM
 *	ERROR
 * @disks: the device's LUNs
 * @target: target
 * @lun: LUN
 * @lba: first failing block
 * @count: blocks; 0 clears
 *
 * Process context.
 *
 * Return: 0, -ENOENT for no such LUN, -EINVAL for a range that overflows.
 */
int sim_disk_set_medium(struct sim_disks *disks, u8 target, u8 lun,
			u64 lba, u64 count)
{
	struct sim_disk *disk;

	if (count && lba + count < lba)
		return -EINVAL;
	disk = sim_disk_get(disks, target, lun);
	if (!disk)
		return -ENOENT;
	spin_lock(&disk->medium_lock);
	disk->medium_lba = count ? lba : 0;
	disk->medium_count = count;
	spin_unlock(&disk->medium_lock);
	sim_disk_put(disk);
	return 0;
}

/**
 * sim_disk_medium_hit() - does I/O to blocks [@lba, @lba + @count) touch
 *	the failing range?
 * @disk: disk
 * @lba: first block
 * @count: blocks
 * @first: set to the first failing block of the I/O when it does
 *
 * Any context.
 *
 * Return: true if it does.
 */
bool sim_disk_medium_hit(struct sim_disk *disk, u64 lba, u64 count,
			 u64 *first)
{
	u64 mlba, mcount;

	spin_lock(&disk->medium_lock);
	mlba = disk->medium_lba;
	mcount = disk->medium_count;
	spin_unlock(&disk->medium_lock);
	if (!mcount || !count || lba >= mlba + mcount || mlba >= lba + count)
		return false;
	*first = max(lba, mlba);
	return true;
}

/**
 * sim_disk_io_begin() - start data I/O on a disk
 * @disk: disk (referenced)
 *
 * Process context.  Pages returned by sim_disk_page() stay until
 * sim_disk_io_end().
 */
void sim_disk_io_begin(struct sim_disk *disk)
{
	down_read(&disk->io_lock);
}

/**
 * sim_disk_io_end() - end what sim_disk_io_begin() started
 * @disk: disk
 */
void sim_disk_io_end(struct sim_disk *disk)
{
	up_read(&disk->io_lock);
}

/**
 * sim_disk_page() - a page of the disk's data
 * @disk: disk, between sim_disk_io_begin() and sim_disk_io_end()
 * @index: page number (byte offset >> PAGE_SHIFT), inside the disk
 * @alloc: allocate a zeroed page for a hole (to write it)
 *
 * Process context.  Allocations do no I/O: the guest may be reclaiming
 * memory by writing to this very disk.
 *
 * Return: the page; NULL for a hole when !@alloc, or when the page cannot
 * be allocated.
 */
struct page *sim_disk_page(struct sim_disk *disk, pgoff_t index, bool alloc)
{
	struct page *page, *old;

	page = xa_load(&disk->pages, index);
	if (page || !alloc)
		return page;
	page = alloc_page(GFP_NOIO | __GFP_ZERO | __GFP_NOWARN);
	if (!page)
		return NULL;
	old = xa_cmpxchg(&disk->pages, index, NULL, page,
			 GFP_NOIO | __GFP_NOWARN);
	if (!old) {
		atomic_long_inc(&disk->npages);
		return page;
	}
	__free_page(page);
	return xa_is_err(old) ? NULL : old;
}

/* Free the pages [first, last] of the disk; io_lock held for writing. */
static void sim_disk_free_pages(struct sim_disk *disk, pgoff_t first,
				pgoff_t last)
{
	unsigned long index;
	struct page *page;

	xa_for_each_range(&disk->pages, index, page, first, last) {
		xa_erase(&disk->pages, index);
		__free_page(page);
		atomic_long_dec(&disk->npages);
		cond_resched();
	}
}

/* Zero bytes [off, off + len) of an allocated page; io_lock held. */
static void sim_disk_zero_part(struct sim_disk *disk, pgoff_t index,
			       u32 off, u32 len)
{
	struct page *page = xa_load(&disk->pages, index);

	if (page)
		memzero_page(page, off, len);
}

/**
 * sim_disk_discard() - deallocate blocks: they read as zeroes afterwards
 * @disk: disk (referenced), not between sim_disk_io_begin() and _end()
 * @lba: first block
 * @count: blocks; the range is inside the disk
 *
 * Process context.  Pages inside the range are freed, the covered parts
 * of the pages at its ends zeroed.
 */
void sim_disk_discard(struct sim_disk *disk, u64 lba, u64 count)
{
	u64 start = lba << SIM_DISK_BLOCK_SHIFT;
	u64 end = (lba + count) << SIM_DISK_BLOCK_SHIFT;
	pgoff_t first = DIV_ROUND_UP_ULL(start, PAGE_SIZE);
	pgoff_t last = end >> PAGE_SHIFT;	/* first page not covered whole */

	if (!count)
		return;
	down_write(&disk->io_lock);
	if (first > last) {
		/* Inside one page. */
		sim_disk_zero_part(disk, start >> PAGE_SHIFT,
				   offset_in_page(start), end - start);
	} else {
		if (offset_in_page(start))
			sim_disk_zero_part(disk, start >> PAGE_SHIFT,
					   offset_in_page(start),
					   PAGE_SIZE - offset_in_page(start));
		if (last > first)
			sim_disk_free_pages(disk, first, last - 1);
		if (offset_in_page(end))
			sim_disk_zero_part(disk, last, 0, offset_in_page(end));
	}
	up_write(&disk->io_lock);
}

/**
 * sim_disk_fill() - write one block's data to a range of blocks
 * @disk: disk (referenced), not between sim_disk_io_begin() and _end()
 * @lba: first block
 * @count: blocks; the range is inside the disk
 * @block: SIM_DISK_BLOCK bytes
 *
 * Process context.  A block of zeroes deallocates (sim_disk_discard()):
 * it reads back the same and keeps the disk sparse.
 *
 * Return: 0, or -ENOMEM when a page cannot be allocated (the blocks
 * before it are written).
 */
int sim_disk_fill(struct sim_disk *disk, u64 lba, u64 count,
		  const u8 *block)
{
	struct page *page = NULL;
	pgoff_t cur = ULONG_MAX;
	int ret = 0;
	u64 i;

	if (!memchr_inv(block, 0, SIM_DISK_BLOCK)) {
		sim_disk_discard(disk, lba, count);
		return 0;
	}
	sim_disk_io_begin(disk);
	for (i = lba; i < lba + count; i++) {
		pgoff_t index = i / SIM_DISK_BLOCKS_PER_PAGE;

		if (index != cur) {
			page = sim_disk_page(disk, index, true);
			if (!page) {
				ret = -ENOMEM;
				break;
			}
			cur = index;
			cond_resched();
		}
		memcpy_to_page(page, (i % SIM_DISK_BLOCKS_PER_PAGE) *
				     SIM_DISK_BLOCK, block, SIM_DISK_BLOCK);
	}
	sim_disk_io_end(disk);
	return ret;
}

/**
 * sim_disks_init() - a device's LUNs at creation
 * @disks: registry to set up
 * @dev_index: the device's index (for unique designators)
 * @max_transfer: bytes per command the device allows
 * @layout: comma-separated "T:L=SIZE" (sim_disk_parse_addr(),
 *	sim_disk_parse_size()), may be empty
 *
 * Process context.
 *
 * Return: 0, -EINVAL for a bad layout (also a LUN given twice: not
 * -EEXIST, which module loading would take for "already loaded"; nothing
 * is left allocated), -ENOMEM.
 */
int sim_disks_init(struct sim_disks *disks, unsigned int dev_index,
		   u32 max_transfer, const char *layout)
{
	char *list, *cur, *item, *eq;
	u8 target, lun;
	u64 bytes;
	int ret = 0;

	xa_init(&disks->luns);
	disks->dev_index = dev_index;
	disks->max_transfer = max_transfer;
	list = kstrdup(layout ?: "", GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cur = list;
	while ((item = strsep(&cur, ",")) != NULL) {
		item = strim(item);
		if (!*item)
			continue;
		eq = strchr(item, '=');
		if (!eq) {
			ret = -EINVAL;
			break;
		}
		*eq = '\0';
		ret = sim_disk_parse_addr(strim(item), &target, &lun) ?:
		      sim_disk_parse_size(strim(eq + 1), &bytes) ?:
		      sim_disk_add(disks, target, lun, bytes);
		if (ret) {
			if (ret == -EEXIST)
				ret = -EINVAL;
			break;
		}
	}
	kfree(list);
	if (ret)
		sim_disks_exit(disks);
	return ret;
}

/**
 * sim_disks_exit() - remove every LUN of a device
 * @disks: registry
 *
 * Process context, when no channel of the device runs any more.
 */
void sim_disks_exit(struct sim_disks *disks)
{
	struct sim_disk *disk;
	unsigned long index;

	xa_for_each(&disks->luns, index, disk) {
		xa_erase(&disks->luns, index);
		sim_disk_put(disk);
	}
	xa_destroy(&disks->luns);
}

/**
 * sim_disks_show() - debugfs: one line per LUN
 * @m: seq_file
 * @disks: registry
 * @dev_index: device index for the "scsi<D>" prefix
 *
 * "scsi<D> disk <T>:<L> size=<bytes> pages=<pages> medium=<lba>+<count>"
 */
void sim_disks_show(struct seq_file *m, struct sim_disks *disks,
		    unsigned int dev_index)
{
	struct sim_disk *disk;
	unsigned long index;
	u64 mlba, mcount;

	rcu_read_lock();
	xa_for_each(&disks->luns, index, disk) {
		spin_lock(&disk->medium_lock);
		mlba = disk->medium_lba;
		mcount = disk->medium_count;
		spin_unlock(&disk->medium_lock);
		seq_printf(m, "scsi%u disk %u:%u size=%llu pages=%ld medium=%llu+%llu\n",
			   dev_index, disk->target, disk->lun,
			   disk->blocks << SIM_DISK_BLOCK_SHIFT,
			   atomic_long_read(&disk->npages), mlba, mcount);
	}
	rcu_read_unlock();
}
