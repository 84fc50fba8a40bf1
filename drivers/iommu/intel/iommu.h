/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One VT-d remapping unit as the driver knows it.
 */
#ifndef VTDTEST_INTEL_IOMMU_H
#define VTDTEST_INTEL_IOMMU_H

#include "drivers/iommu/intel/entry.h"
#include "drivers/iommu/intel/pasid.h"
#include "drivers/iommu/intel/pgtable.h"
#include "drivers/iommu/intel/qi.h"
#include "drivers/iommu/intel/regs.h"
#include "lib/hw.h"
#include "lib/ktap.h"

#define IOMMU_MAX_UNITS		16
#define IOMMU_MAX_DID		1024	/* domain ids vtdtest hands out */
#define IOMMU_FIRST_DID		2	/* Linux: 0 reserved, 1 FLPT_DEFAULT_DID */
#define DOMAIN_MAX_ATTACH	8
#define IOMMU_ENTRY_FAULTS	8	/* fault records kept from entry */

/*
 * verbose=1: every PASID entry written and every invalidation descriptor
 * submitted is printed, for diffing against what Linux writes.
 */
extern bool vtd_verbose;

/* IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17, which Linux always reports. */
#define IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17	BIT(0)

/* include/uapi/linux/iommufd.h: what IOMMU_GET_HW_INFO returns for VT-d. */
struct iommu_hw_info_vtd {
	u32 flags;
	u32 __reserved;
	u64 cap_reg;
	u64 ecap_reg;
};

struct iommu_fault_record {
	unsigned int index;
	u64 lo;
	u64 hi;
};

/* Registers as the unit was found, before vtdtest touched it. */
struct iommu_entry_state {
	u32 gsts;
	u64 rtaddr;
	u32 pmen;
	u32 fsts;
	u32 fectl;
	unsigned int nr_faults;
	struct iommu_fault_record faults[IOMMU_ENTRY_FAULTS];
};

struct intel_qi {
	void *desc;			/* the ring, QI_LENGTH descriptors */
	unsigned int pages;
	unsigned int shift;		/* log2 of the descriptor size */
	unsigned int tail;		/* next free slot */
	volatile u32 *status;		/* wait descriptors write here */
	u32 seq;
};

struct intel_iommu {
	unsigned int seq;		/* DRHD order in the DMAR table */
	u64 reg_phys;
	u64 reg_size;			/* register set size from the DRHD */
	u16 segment;
	bool include_all;
	u32 ver;
	u64 cap;
	u64 ecap;
	struct iommu_entry_state entry;
	/* Why the registers cannot be trusted, empty when they can. */
	char unusable[96];

	/* What vtdtest programmed. */
	bool qi_enabled;
	struct intel_qi qi;
	struct root_entry *root;
	bool sm;			/* root table in scalable mode */
	void *ctx_table[ROOT_NR_ENTRIES][2];	/* per bus; SM: lo, hi */
	u64 did_map[IOMMU_MAX_DID / 64];
	volatile unsigned int fault_irqs;	/* fault event MSIs seen */
};

enum domain_type {
	DOMAIN_SECOND_STAGE,
	DOMAIN_FIRST_STAGE,
	DOMAIN_PASS_THROUGH,
};

struct vtd_device;

/* An address space: a page table and a domain id on one unit. */
struct dmar_domain {
	struct intel_iommu *iommu;
	enum domain_type type;
	u16 did;
	unsigned int agaw;		/* AW field: second-stage levels - 2 */
	/*
	 * domain_enforce_cache_coherency() was granted: second stage, SNP
	 * on every leaf mapped from then on; first stage, PGSNP in the
	 * PASID entries.
	 */
	bool force_snooping;
	struct pgtable pgt;
	/* Where it is attached, for the flushes a change needs. */
	unsigned int nr_attached;
	struct {
		struct vtd_device *dev;
		u32 pasid;
	} attached[DOMAIN_MAX_ATTACH];
};

/* One requester id behind a unit. */
struct vtd_device {
	struct intel_iommu *iommu;
	u16 sid;			/* bus << 8 | devfn */
	bool pasid_capable;		/* PASID capability enabled */
	struct dmar_domain *domain;	/* on the RID, or RID_PASID */
	struct pasid_table pasid;	/* scalable mode */
};

static inline u32 dmar_readl(const struct intel_iommu *iommu, u32 off)
{
	return hw_read32(iommu->reg_phys + off);
}

static inline u64 dmar_readq(const struct intel_iommu *iommu, u32 off)
{
	return hw_read64(iommu->reg_phys + off);
}

static inline void dmar_writel(const struct intel_iommu *iommu, u32 off, u32 v)
{
	hw_write32(iommu->reg_phys + off, v);
}

static inline void dmar_writeq(const struct intel_iommu *iommu, u32 off, u64 v)
{
	hw_write64(iommu->reg_phys + off, v);
}

/* Sets or clears one GCMD bit, GSTS-based, and waits for GSTS (11.4.4). */
int iommu_gcmd_update(struct intel_iommu *iommu, u32 bit, bool set);

/*
 * Taking over a unit the platform firmware may have left enabled
 * (vtd-facts section 3): faults cleared, interrupt remapping, queued
 * invalidation and translation off, protected memory regions off.
 */
int intel_iommu_takeover(struct intel_iommu *iommu);
/* Root table in legacy or scalable mode, QI on, caches flushed. */
int intel_iommu_setup(struct intel_iommu *iommu, bool scalable);
/* Translation off and every table freed, ready for another setup. */
void intel_iommu_teardown(struct intel_iommu *iommu);
int intel_iommu_enable_translation(struct intel_iommu *iommu);
int intel_iommu_disable_translation(struct intel_iommu *iommu);

/* @levels: second-stage 3/4/5 or first-stage 4/5; ignored for PT. */
int domain_init(struct dmar_domain *d, struct intel_iommu *iommu,
		enum domain_type type, unsigned int levels);
void domain_destroy(struct dmar_domain *d);
/*
 * intel_iommu_enforce_cache_coherency_fs() and _ss() (Linux 7.3.4): false
 * for pass-through and when a device attached on its RID sits behind a
 * unit without ECAP.SC (domain_support_force_snooping()); otherwise
 * d->force_snooping is set and true returned. With nothing attached
 * nothing refuses: a first-stage domain then writes PGSNP, Reserved(0)
 * without ECAP.SC (VT-d 9.6), on whatever unit it is attached to next;
 * iommufd asks only for devices with ECAP.SC. First stage: granted once
 * for good; each RID_PASID entry of the domain gets PGSNP now
 * (pasid_setup_page_snoop_control()), every entry set up later with it,
 * PASIDs attached already keep theirs (Linux walks domain->devices, not
 * domain->dev_pasids). Second stage: asked again each time; SNP on the
 * leaves mapped from now on, those mapped before keep theirs.
 */
bool domain_enforce_cache_coherency(struct dmar_domain *d);
/*
 * paging_domain_compatible()'s refusals vtdtest's domains can meet, -EINVAL:
 * another unit, or a second-stage domain forcing snooping on a unit
 * without ECAP.SC.
 */
int domain_compatible(const struct dmar_domain *d,
		      const struct vtd_device *dev);
/* Maps and makes the change visible (caching mode, write buffer). */
int domain_map(struct dmar_domain *d, u64 iova, u64 pa, u64 size,
	       unsigned int prot);
/* Unmaps and invalidates the range, as Linux's unmap path does. */
s64 domain_unmap(struct dmar_domain *d, u64 iova, u64 size);
/*
 * The same, but the table pages it emptied stay held until
 * domain_release_tables(): for callers with more flushes to make first.
 */
s64 domain_unmap_deferred(struct dmar_domain *d, u64 iova, u64 size);
/* Frees them after every flush succeeded; otherwise keeps them, said. */
void domain_release_tables(struct dmar_domain *d, bool flushed);
/*
 * The IH of an unmap's invalidations, between domain_unmap_deferred() and
 * domain_release_tables(): intel_iommu_tlb_sync() passes
 * iommu_pages_list_empty(&gather->freelist), true when the unmap freed no
 * table page, so only leaves changed and the paging-structure caches may
 * stay (VT-d 6.5.2.3, 6.5.2.4).
 */
static inline bool domain_unmap_ih(const struct dmar_domain *d)
{
	return !d->pgt.nr_unlinked;
}
/*
 * Second-stage IOTLB flush of [iova, iova + size) tagged @did: page-selective
 * with @ih, or domain-selective without IH when CAP.PSI is clear or the
 * mask exceeds CAP.MAMV (Linux's cache_tag_flush_iotlb() for a
 * second-stage or nesting tag).
 */
int iommu_flush_iotlb_range(struct intel_iommu *iommu, u16 did, u64 iova,
			    u64 size, bool ih);
/*
 * cache_tag_flush_range(): page-selective flush of [iova, iova + size)
 * wherever @d is attached, with IH @ih.
 */
int domain_flush_range_ih(struct dmar_domain *d, u64 iova, u64 size, bool ih);
/* The same with IH 0: non-leaf entries in the range may have changed too. */
static inline int domain_flush_range(struct dmar_domain *d, u64 iova, u64 size)
{
	return domain_flush_range_ih(d, iova, size, false);
}

/* A domain id from the unit's map (IOMMU_FIRST_DID up), or -EBUSY. */
int iommu_alloc_did(struct intel_iommu *iommu);
void iommu_free_did(struct intel_iommu *iommu, u16 did);
/*
 * Points the scalable context entry of @dev at its PASID directory, once
 * (intel_pasid_setup_sm_context()); every PASID attach starts with it.
 */
int iommu_setup_sm_context(struct vtd_device *dev);

int vtd_device_init(struct vtd_device *dev, struct intel_iommu *iommu,
		    u16 sid);
void vtd_device_release(struct vtd_device *dev);
/* Attaches the RID (legacy) or RID_PASID (scalable) to @d. */
int device_attach(struct vtd_device *dev, struct dmar_domain *d);
/*
 * Detaches in Linux's teardown and flush order. Attach and detach return
 * no flush failure: Linux's are void there (flush_unchecked()).
 */
int device_detach(struct vtd_device *dev);
/* Attaches @pasid of @dev to @d (scalable mode only). */
int device_attach_pasid(struct vtd_device *dev, u32 pasid,
			struct dmar_domain *d);
int device_detach_pasid(struct vtd_device *dev, u32 pasid,
			struct dmar_domain *d);

/* The present context entry for @sid, for tests that corrupt it. */
struct context_entry *iommu_context_entry(struct intel_iommu *iommu, u16 sid);
struct sm_context_entry *iommu_sm_context_entry(struct intel_iommu *iommu,
						u16 sid);
/* Linux's iommu->agaw: the AW field of the unit's widest table. */
unsigned int iommu_widest_agaw(const struct intel_iommu *iommu);
/* RTADDR as programmed, for the reference walker. */
u64 iommu_rtaddr(const struct intel_iommu *iommu);
/* Writes back a table line the CPU changed, when ECAP.C is clear. */
void iommu_flush_line(const struct intel_iommu *iommu, const void *p,
		      size_t len);

/*
 * Reads VER, CAP, ECAP and the state at entry of a unit; touches nothing.
 * A unit whose registers fail the basic checks is marked unusable and is
 * never written to.
 */
void intel_iommu_probe(struct intel_iommu *iommu);
void intel_iommu_hw_info(const struct intel_iommu *iommu,
			 struct iommu_hw_info_vtd *info);

/* hw_info checks; each fails @c with the reason. */
void intel_iommu_print(const struct intel_iommu *iommu);
void intel_iommu_check_registers(struct ktap_case *c,
				 const struct intel_iommu *iommu);
void intel_iommu_check_caps(struct ktap_case *c,
			    const struct intel_iommu *iommu);
void intel_iommu_check_agree(struct ktap_case *c,
			     const struct intel_iommu *units,
			     unsigned int nr);

/* "QI DT IR ..." for the bits of @cap or @ecap that are set. */
void vtd_cap_names(u64 cap, char *buf, size_t len);
void vtd_ecap_names(u64 ecap, char *buf, size_t len);

#endif /* VTDTEST_INTEL_IOMMU_H */
