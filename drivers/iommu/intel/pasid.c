// SPDX-License-Identifier: GPL-2.0
/*
 * PASID entries. Every setup starts from an all-zero entry, writes the
 * fields, then sets P behind a write barrier, then flushes as
 * pasid_flush_caches() does in Linux; teardown follows
 * intel_pasid_tear_down_entry().
 */
#include "drivers/iommu/intel/flush.h"
#include "drivers/iommu/intel/iommu.h"
#include "drivers/iommu/intel/pasid.h"
#include "lib/errno.h"
#include "lib/string.h"

#define PASID_DIR_ENTRIES	(PASID_DIR_PAGES * 512)

/* One line per PASID entry written, for engineers to diff against Linux. */
static void print_entry(const struct intel_iommu *iommu,
			const struct pasid_table *t, u32 pasid,
			const struct pasid_entry *pe)
{
	if (!vtd_verbose)
		return;
	ktap_diag("pasid-entry unit=%u sid=0x%04x pasid=%u: 0x%016llx 0x%016llx 0x%016llx 0x%016llx 0x%016llx 0x%016llx 0x%016llx 0x%016llx",
		  iommu->seq, t->sid, pasid,
		  (unsigned long long)pe->val[0], (unsigned long long)pe->val[1],
		  (unsigned long long)pe->val[2], (unsigned long long)pe->val[3],
		  (unsigned long long)pe->val[4], (unsigned long long)pe->val[5],
		  (unsigned long long)pe->val[6], (unsigned long long)pe->val[7]);
}

int pasid_table_init(struct pasid_table *t)
{
	t->dir = hw_alloc_pages(PASID_DIR_PAGES, PASID_DIR_PAGES);
	t->max_pasid = PASID_TABLE_MAX;
	return t->dir ? 0 : -ENOMEM;
}

void pasid_table_free(struct pasid_table *t)
{
	if (!t->dir)
		return;
	for (unsigned int i = 0; i < PASID_DIR_ENTRIES; i++)
		if (t->dir[i] & PDE_P)
			hw_free_pages(hw_phys_to_virt(t->dir[i] & PDE_TABLE_MASK), 1);
	hw_free_pages(t->dir, PASID_DIR_PAGES);
	t->dir = NULL;
}

/* 9.4: the directory has 2^(PDTS + 7) entries. */
u64 pasid_table_pdts(const struct pasid_table *t)
{
	unsigned int entries = t->max_pasid >> PASID_DIR_SHIFT, log2 = 0;

	while ((1U << (log2 + 1)) <= entries)
		log2++;
	return log2 - 7;
}

static void flush_line(const struct intel_iommu *iommu, const void *p, size_t len)
{
	if (iommu && (iommu->ecap & ECAP_C))
		return;
	for (size_t off = 0; off < len; off += 64)
		hw_clflush((const u8 *)p + off);
}

struct pasid_entry *pasid_get_entry(struct pasid_table *t, u32 pasid,
				    bool alloc)
{
	u32 dir_index = pasid >> PASID_DIR_SHIFT;
	struct pasid_entry *table;

	if (pasid >= t->max_pasid)
		return NULL;
	if (!(t->dir[dir_index] & PDE_P)) {
		if (!alloc)
			return NULL;
		table = hw_alloc_pages(1, 1);
		if (!table)
			return NULL;
		flush_line(NULL, table, HW_PAGE_SIZE);
		t->dir[dir_index] = hw_virt_to_phys(table) | PDE_P;
		flush_line(NULL, &t->dir[dir_index], sizeof(u64));
	}
	table = hw_phys_to_virt(t->dir[dir_index] & PDE_TABLE_MASK);
	return table ? &table[pasid & (PASID_TABLE_ENTRIES - 1)] : NULL;
}

/*
 * pasid_flush_caches() (pasid.c, Linux 7.3.4): void, like every flush
 * after a setup, so the entry stays present and the setup succeeds
 * whatever the flushes did (flush_unchecked()).
 */
static void flush_new_entry(struct intel_iommu *iommu, struct pasid_entry *pe,
			    u32 pasid, u16 did)
{
	static const char fn[] = "pasid_flush_caches()";

	flush_line(iommu, pe, sizeof(*pe));
	if (!(iommu->cap & CAP_CM)) {
		flush_unchecked(iommu, flush_write_buffer(iommu), fn);
		return;
	}
	flush_unchecked(iommu, flush_pasid_cache(iommu, QI_PC_PASID, did, pasid),
			fn);
	flush_unchecked(iommu, flush_piotlb(iommu, QI_PIOTLB_PASID, did, pasid,
					    0, 0, false), fn);
}

/* The common start: an entry that exists and is not in use. */
static struct pasid_entry *fresh_entry(struct pasid_table *t, u32 pasid,
				       int *err)
{
	struct pasid_entry *pe = pasid_get_entry(t, pasid, true);

	if (!pe) {
		*err = -ENODEV;
		return NULL;
	}
	if (pe->val[0] & PE0_P) {
		*err = -EBUSY;
		return NULL;
	}
	memset(pe, 0, sizeof(*pe));
	return pe;
}

static int make_present(struct intel_iommu *iommu, struct pasid_table *t,
			struct pasid_entry *pe, u32 pasid, u16 did)
{
	hw_wmb();
	pe->val[0] |= PE0_P;
	print_entry(iommu, t, pasid, pe);
	flush_new_entry(iommu, pe, pasid, did);
	return 0;
}

static u64 pwsnp(const struct intel_iommu *iommu)
{
	return iommu->ecap & ECAP_SMPWC ? PE1_PWSNP : 0;
}

int pasid_setup_first_level(struct intel_iommu *iommu, struct pasid_table *t,
			    u32 pasid, u64 fs_pgd_phys, u16 did, u32 flags)
{
	struct pasid_entry *pe;
	int err;

	if (!(iommu->ecap & ECAP_FSTS))
		return -EINVAL;
	if ((flags & PASID_FLAG_FL5LP) && !(iommu->cap & CAP_FS5LP))
		return -EINVAL;
	pe = fresh_entry(t, pasid, &err);
	if (!pe)
		return err;
	pe->val[2] = (fs_pgd_phys & PE2_FSPTPTR_MASK) |
		     (flags & PASID_FLAG_FL5LP ? FSPM_5LEVEL << PE2_FSPM_SHIFT : 0);
	pe->val[1] = did | pwsnp(iommu) |
		     (flags & PASID_FLAG_PAGE_SNOOP ? PE1_PGSNP : 0);
	pe->val[0] = (u64)iommu_widest_agaw(iommu) << PE0_AW_SHIFT |
		     PGTT_FIRST_STAGE << PE0_PGTT_SHIFT;
	return make_present(iommu, t, pe, pasid, did);
}

int pasid_setup_second_level(struct intel_iommu *iommu, struct pasid_table *t,
			     u32 pasid, u64 ss_pgd_phys, unsigned int agaw,
			     u16 did, bool dirty_tracking)
{
	struct pasid_entry *pe;
	int err;

	if (!(iommu->ecap & ECAP_SSTS))
		return -EINVAL;
	pe = fresh_entry(t, pasid, &err);
	if (!pe)
		return err;
	pe->val[0] = (ss_pgd_phys & PE0_SSPTPTR_MASK) |
		     (u64)agaw << PE0_AW_SHIFT |
		     PGTT_SECOND_STAGE << PE0_PGTT_SHIFT |
		     (dirty_tracking ? PE0_SSADE : 0);
	pe->val[1] = did | pwsnp(iommu);
	return make_present(iommu, t, pe, pasid, did);
}

int pasid_setup_pass_through(struct intel_iommu *iommu, struct pasid_table *t,
			     u32 pasid)
{
	struct pasid_entry *pe;
	int err;

	pe = fresh_entry(t, pasid, &err);
	if (!pe)
		return err;
	pe->val[0] = (u64)iommu_widest_agaw(iommu) << PE0_AW_SHIFT |
		     PGTT_PASS_THROUGH << PE0_PGTT_SHIFT;
	pe->val[1] = FLPT_DEFAULT_DID | pwsnp(iommu);
	return make_present(iommu, t, pe, pasid, FLPT_DEFAULT_DID);
}

/*
 * intel_pasid_setup_page_snoop_control() (pasid.c, Linux 7.3.4): PGSNP
 * (VT-d 9.6: requests snoop whatever their other attributes say; Reserved(0)
 * without ECAP.SC) set in the live entry, the DID read back from it, then
 * intel_pasid_flush_present() as VT-d's "Guidance to Software for
 * Invalidations" asks for a changed present entry (6.5.3.3): the line,
 * PASID-selective PASID-cache and whole-PASID IOTLB invalidation with
 * that DID, whatever the caching mode, then the device-TLB for ATS
 * devices (vtdtest's have none). All void, as in Linux.
 */
int pasid_setup_page_snoop_control(struct intel_iommu *iommu,
				   struct pasid_table *t, u32 pasid)
{
	static const char fn[] = "intel_pasid_flush_present()";
	struct pasid_entry *pe = pasid_get_entry(t, pasid, false);
	u16 did;

	if (!pe || !(pe->val[0] & PE0_P))
		return -ENODEV;
	pe->val[1] |= PE1_PGSNP;
	did = pasid_did(pe);
	flush_line(iommu, pe, sizeof(*pe));
	print_entry(iommu, t, pasid, pe);
	flush_unchecked(iommu, flush_pasid_cache(iommu, QI_PC_PASID, did, pasid),
			fn);
	flush_unchecked(iommu, flush_piotlb(iommu, QI_PIOTLB_PASID, did, pasid,
					    0, 0, false), fn);
	return 0;
}

/*
 * pasid_set_flptr() (pasid.h, Linux 7.3.4) is pasid_set_bits(&val[2],
 * VTD_PAGE_MASK, value): (old & ~mask) | value. The mask clears bits 63:12
 * but the guest's pointer is ORed in whole, so its bits 11:0 land in SRE
 * (bit 0), FSPM (3:2), WPE (4), EAFE (7) and the reserved bits 1, 6:5 and
 * 11:8 of val[2] (VT-d 9.6), past the SRS, EAFS and FS5LP checks. Nothing
 * before it refuses such a pointer: intel_iommu_domain_alloc_nested()
 * copies iommu_hwpt_vtd_s1 as it is, and pasid_pte_config_nested() is the
 * only reader of pgtbl_addr. vtdtest writes what Linux writes; the suite
 * case nested_alloc.flptr_low_bits shows what a unit does with it.
 */
static u64 nested_flptr(u64 old, u64 pgtbl)
{
	return (old & ~VTD_PAGE_MASK) | pgtbl;
}

/* intel_pasid_setup_nested(): the checks in Linux's order (vtd-facts 1). */
static int nested_checks(const struct intel_iommu *iommu,
			 const struct pasid_nested_cfg *cfg)
{
	if (cfg->s1_addr_width != 48 &&
	    !(cfg->s1_addr_width == 57 && (iommu->cap & CAP_FS5LP)))
		return -EINVAL;
	if ((cfg->s1_flags & IOMMU_VTD_S1_SRE) && !(iommu->ecap & ECAP_SRS))
		return -EINVAL;
	if ((cfg->s1_flags & IOMMU_VTD_S1_EAFE) && !(iommu->ecap & ECAP_EAFS))
		return -EINVAL;
	return 0;
}

int pasid_setup_nested(struct intel_iommu *iommu, struct pasid_table *t,
		       u32 pasid, const struct pasid_nested_cfg *cfg)
{
	struct pasid_entry *pe;
	int err = nested_checks(iommu, cfg);

	if (err)
		return err;
	pe = fresh_entry(t, pasid, &err);
	if (!pe)
		return err;
	if (cfg->s1_addr_width == 57)
		pe->val[2] |= FSPM_5LEVEL << PE2_FSPM_SHIFT;
	pe->val[2] = nested_flptr(pe->val[2], cfg->s1_pgtbl);
	if (cfg->s1_flags & IOMMU_VTD_S1_SRE) {
		pe->val[2] |= PE2_SRE;
		if (cfg->s1_flags & IOMMU_VTD_S1_WPE)
			pe->val[2] |= PE2_WPE;
	}
	if (cfg->s1_flags & IOMMU_VTD_S1_EAFE)
		pe->val[2] |= PE2_EAFE;
	if (cfg->s2_force_snooping)
		pe->val[1] |= PE1_PGSNP;
	pe->val[0] |= cfg->s2_pgd_phys & PE0_SSPTPTR_MASK;
	pe->val[1] |= cfg->did;
	pe->val[0] |= (u64)cfg->s2_agaw << PE0_AW_SHIFT;
	pe->val[1] |= pwsnp(iommu);
	if (cfg->s2_dirty_tracking)
		pe->val[0] |= PE0_SSADE;
	pe->val[0] |= PGTT_NESTED << PE0_PGTT_SHIFT;
	return make_present(iommu, t, pe, pasid, cfg->did);
}

/*
 * intel_pasid_tear_down_entry(): clear P, flush the line, PASID-cache
 * (PASID selective, old DID), then the IOTLB the old type used, then zero
 * the entry. Linux's is void: every flush is made whatever the one before
 * did, and the entry is cleared all the same (flush_unchecked()). -ENODEV
 * when no entry is present (Linux warns and returns).
 */
int pasid_tear_down_entry(struct intel_iommu *iommu, struct pasid_table *t,
			  u32 pasid)
{
	static const char fn[] = "intel_pasid_tear_down_entry()";
	struct pasid_entry *pe = pasid_get_entry(t, pasid, false);
	u64 pgtt;
	u16 did;

	if (!pe || !(pe->val[0] & PE0_P))
		return -ENODEV;
	did = pasid_did(pe);
	pgtt = pasid_pgtt(pe);
	pe->val[0] &= ~PE0_P;
	hw_wmb();
	flush_line(iommu, pe, sizeof(*pe));
	print_entry(iommu, t, pasid, pe);
	flush_unchecked(iommu, flush_pasid_cache(iommu, QI_PC_PASID, did, pasid),
			fn);
	if (pgtt == PGTT_PASS_THROUGH || pgtt == PGTT_FIRST_STAGE)
		flush_unchecked(iommu, flush_piotlb(iommu, QI_PIOTLB_PASID, did,
						    pasid, 0, 0, false), fn);
	else
		flush_unchecked(iommu, flush_iotlb(iommu, QI_IOTLB_DOMAIN, did,
						   0, 0, false), fn);
	memset(pe, 0, sizeof(*pe));
	flush_line(iommu, pe, sizeof(*pe));
	print_entry(iommu, t, pasid, pe);
	return 0;
}
