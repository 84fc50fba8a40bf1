/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scalable-mode PASID directory and tables (VT-d spec rev 5.10, 3.4.3,
 * 9.5, 9.6) and PASID entry setup with the fields and checks Linux's
 * drivers/iommu/intel/pasid.c uses.
 */
#ifndef VTDTEST_INTEL_PASID_H
#define VTDTEST_INTEL_PASID_H

#include "drivers/iommu/intel/entry.h"

struct intel_iommu;

/* A one-page directory: 512 entries, PASIDs 0..32767 (PDTS 2). */
#define PASID_DIR_PAGES		1
#define PASID_TABLE_MAX		(PASID_DIR_PAGES * 512 * PASID_TABLE_ENTRIES)
#define IOMMU_NO_PASID		0	/* Linux's RID_PASID */
#define FLPT_DEFAULT_DID	1	/* Linux: pass-through and defaults */

struct pasid_table {
	u64 *dir;			/* 512 directory entries */
	unsigned int max_pasid;
	u16 sid;			/* the device it belongs to */
};

/* PASID_FLAG_* of intel_pasid_setup_first_level(). */
#define PASID_FLAG_FL5LP	BIT(1)
#define PASID_FLAG_PAGE_SNOOP	BIT(2)	/* PGSNP: the domain forces snooping */

/* iommu_hwpt_vtd_s1 flags (include/uapi/linux/iommufd.h). */
#define IOMMU_VTD_S1_SRE	BIT(0)
#define IOMMU_VTD_S1_EAFE	BIT(1)
#define IOMMU_VTD_S1_WPE	BIT(2)

/* What a nested PASID entry is built from (intel_pasid_setup_nested). */
struct pasid_nested_cfg {
	u64 s1_pgtbl;			/* first-stage pointer, a GPA */
	u32 s1_addr_width;		/* 48 or 57 */
	u64 s1_flags;			/* IOMMU_VTD_S1_* */
	u64 s2_pgd_phys;		/* the parent's second-stage table */
	unsigned int s2_agaw;		/* AW: parent levels - 2 */
	bool s2_force_snooping;
	bool s2_dirty_tracking;
	u16 did;
};

int pasid_table_init(struct pasid_table *t);
void pasid_table_free(struct pasid_table *t);
/* 9.4: PDTS for the context entry. */
u64 pasid_table_pdts(const struct pasid_table *t);
/* The entry for @pasid, its table page allocated on demand; NULL if none. */
struct pasid_entry *pasid_get_entry(struct pasid_table *t, u32 pasid,
				    bool alloc);

int pasid_setup_first_level(struct intel_iommu *iommu, struct pasid_table *t,
			    u32 pasid, u64 fs_pgd_phys, u16 did, u32 flags);
int pasid_setup_second_level(struct intel_iommu *iommu, struct pasid_table *t,
			     u32 pasid, u64 ss_pgd_phys, unsigned int agaw,
			     u16 did, bool dirty_tracking);
int pasid_setup_pass_through(struct intel_iommu *iommu, struct pasid_table *t,
			     u32 pasid);
int pasid_setup_nested(struct intel_iommu *iommu, struct pasid_table *t,
		       u32 pasid, const struct pasid_nested_cfg *cfg);
/*
 * intel_pasid_setup_page_snoop_control(): PGSNP in the present entry for
 * @pasid, then intel_pasid_flush_present()'s invalidations. -ENODEV when
 * the entry is not present (Linux warns and returns).
 */
int pasid_setup_page_snoop_control(struct intel_iommu *iommu,
				   struct pasid_table *t, u32 pasid);
/*
 * Clears the entry and flushes in Linux's teardown order; 0, or -ENODEV
 * when no entry is present. Flush failures are flush_unchecked()'s, as
 * the setups' are: those return 0 once the entry is present.
 */
int pasid_tear_down_entry(struct intel_iommu *iommu, struct pasid_table *t,
			  u32 pasid);

static inline u64 pasid_pgtt(const struct pasid_entry *pe)
{
	return (pe->val[0] & PE0_PGTT_MASK) >> PE0_PGTT_SHIFT;
}

static inline u16 pasid_did(const struct pasid_entry *pe)
{
	return pe->val[1] & PE1_DID_MASK;
}

#endif /* VTDTEST_INTEL_PASID_H */
