/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DMA page-table builders for VT-d: second-stage tables (VT-d spec rev 5.10,
 * 3.7 and 9.8) and first-stage tables in the IA-32e format (3.6 and 9.7).
 *
 * Levels are numbered as in entry.h: 1 holds 4 KiB leaves (PTE), 2 may
 * hold 2 MiB leaves (PDE), 3 may hold 1 GiB leaves (PDPTE), 4 is the
 * PML4E table and 5 the PML5E table. The root is at level @levels.
 *
 * Entry bits follow what Linux's VT-d driver writes (pfn_to_dma_pte(),
 * __domain_mapping(), and the generic_pt vtdss/x86_64 formats that replaced
 * them); pgtable.c says which behaviour comes from where.
 *
 * These builders never invalidate anything: after pgtable_unmap() (or a
 * split) the caller must invalidate the IOTLB and paging-structure caches
 * before the hardware can be assumed to have stopped using what was
 * removed. Emptied table pages are freed at once, so the caller must not
 * allocate pages it hands to a device between an unmap and that
 * invalidation.
 */
#ifndef VTDTEST_INTEL_PGTABLE_H
#define VTDTEST_INTEL_PGTABLE_H

#include "lib/types.h"

enum pgtable_format {
	PGTABLE_SECOND_STAGE,
	PGTABLE_FIRST_STAGE,
};

/*
 * Mapping protections. A mapping needs READ or WRITE (else -EINVAL, as in
 * __domain_mapping()). First-stage entries cannot express write-only: P
 * makes every present page readable.
 */
#define PGTABLE_PROT_READ	BIT(0)
#define PGTABLE_PROT_WRITE	BIT(1)
/*
 * SS: sets X on leaves (meaningful only with SSEE in a scalable-mode PASID
 * entry; Linux never sets X). FS: ignored. Linux stopped writing XD in
 * first-stage entries (and NXE in the PASID entry) in v6.11, "iommu/vt-d:
 * Remove control over Execute-Requested requests": the spec dropped
 * Execute-Requested support and deprecated NXE/XD. XD is therefore never
 * set here; a test that wants it sets it through pgtable_entry().
 */
#define PGTABLE_PROT_EXEC	BIT(2)
/* SS: SNP on leaves; only valid when ECAP.SC is set (QEMU without
 * snoop control treats bit 11 as reserved). FS: ignored, Linux uses
 * PGSNP in the PASID entry for first-stage domains instead. */
#define PGTABLE_PROT_SNP	BIT(3)
/* FS: U/S = 0 on the leaf (default U/S = 1, as QEMU requires U/S = 1 at
 * every level). SS: ignored. */
#define PGTABLE_PROT_SUPERVISOR	BIT(4)

#define PGTABLE_UNLINKED_MAX	64	/* beyond it, empty tables stay linked */

struct pgtable {
	enum pgtable_format fmt;
	unsigned int levels;	/* SS: 3, 4 (5 allowed); FS: 4 or 5 */
	/*
	 * Allowed leaf sizes: BIT_ULL(12) | BIT_ULL(21) | BIT_ULL(30) as the
	 * unit supports them (CAP.SLLPS for SS, 2 MiB always and CAP.FS1GP
	 * for 1 GiB for FS). 4 KiB must be present.
	 */
	u64 page_sizes;
	/* ECAP.C: when false, every entry written is clflushed after the
	 * write, and every new table page is flushed whole before use. */
	bool coherent;
	u64 *root;
	u64 root_phys;
	u64 nr_tables;		/* table pages currently held, root included */
	/*
	 * Tables an unmap emptied and unlinked. The unit may still hold them
	 * in its paging-structure caches, so they are freed only once the
	 * invalidation covering the unmap completed (Linux's freelist).
	 */
	unsigned int nr_unlinked;
	u64 *unlinked[PGTABLE_UNLINKED_MAX];
};

/* 0, -EINVAL (format, levels or page sizes), -ENOMEM (no root page). */
int pgtable_init(struct pgtable *pt, enum pgtable_format fmt,
		 unsigned int levels, u64 page_sizes, bool coherent);
/* Frees every table page; @pt may then be initialised again. */
void pgtable_destroy(struct pgtable *pt);

/*
 * Maps [iova, iova + size) to [pa, pa + size) with the largest allowed
 * page at each step. Errors: -EINVAL (alignment, size 0, no READ/WRITE),
 * -ERANGE (iova range outside the input width, or not canonical for FS;
 * pa range above 2^52), -EEXIST (something in the range is mapped),
 * -ENOMEM, -EIO (a table entry points outside table memory). On any
 * error nothing of this call stays mapped and its new tables are freed.
 */
int pgtable_map(struct pgtable *pt, u64 iova, u64 pa, u64 size,
		unsigned int prot);

/*
 * Unmaps [iova, iova + size); large pages only partly inside are split
 * first. Returns the bytes that were mapped and are now unmapped (0 when
 * nothing was, or when size is 0), -EINVAL, -ERANGE, -ENOMEM (a split
 * could not get a table page: nothing was unmapped, though splits already
 * done stay, translating exactly as before) or -EIO.
 */
s64 pgtable_unmap(struct pgtable *pt, u64 iova, u64 size);
/* Frees what unmaps unlinked: only after the invalidation completed. */
void pgtable_free_unlinked(struct pgtable *pt);

/*
 * The entry at @level on iova's path (present or not), NULL when the path
 * ends above it (a non-present entry or a leaf at a higher level) or
 * @level is not 1..levels. Lets tests read or corrupt entries on purpose.
 */
u64 *pgtable_entry(struct pgtable *pt, u64 iova, unsigned int level);

/* The present leaf mapping iova and its level (when @level is not NULL),
 * NULL if none. */
u64 *pgtable_leaf(struct pgtable *pt, u64 iova, unsigned int *level);

#endif /* VTDTEST_INTEL_PGTABLE_H */
