/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iommufd-style nesting on VT-d, with the logic of Linux's
 * drivers/iommu/intel/nested.c, iommu.c, cache.c and pasid.c: a host-owned
 * second-stage paging domain allocated with IOMMU_HWPT_ALLOC_NEST_PARENT
 * (GPA -> HPA), nested domains over it built from a guest's
 * iommu_hwpt_vtd_s1 (the guest's first-stage table, GVA/GIOVA -> GPA),
 * attach and replace on a device's RID_PASID or a PASID, and the guest's
 * cache invalidation requests.
 *
 * The objects stand for iommufd hardware page tables (HWPTs); the callers
 * (firmware suites, host tests) play the iommu core and iommufd: they say
 * what a (device, PASID) is attached to when they replace it, as the core
 * hands @old to set_dev_pasid().
 *
 * The reference: Linux 7.3.4 (VTD_LINUX_REFERENCE). Every function here,
 * in pasid.c and in the flush paths cites that release's function; where
 * an older release differs, the comment says how. Why this release:
 *  - 6.12, the long-term release Debian ships, has no
 *    intel_nested_set_dev_pasid() and refuses IOMMU_HWPT_ALLOC_PASID on a
 *    nested domain (both arrived in v6.13), so a pass of the PASID nesting
 *    suites would speak for no long-term release before 6.18;
 *  - 6.18, the newer long-term release, was not to be had here as an exact
 *    source tree, and a release not read line by line cannot be named;
 *  - 7.3.4 is the newest stable release, read exactly (Debian's
 *    linux-source-7.3 package), and holds every nesting change up to it:
 *    intel_iommu_domain_alloc_first_stage()/_second_stage(),
 *    intel_nested_set_dev_pasid(), the generic page table (iommupt)
 *    and calculate_psi_aligned_address() as fls_long(start ^ last).
 * Replace is teardown then setup (commit c3b1edea3791, "iommu/vt-d: Fix
 * race condition during PASID entry replacement").
 */
#ifndef VTDTEST_INTEL_NESTED_H
#define VTDTEST_INTEL_NESTED_H

#include "drivers/iommu/intel/iommu.h"

/* The Linux release whose programming vtdtest follows; see above. */
#define VTD_LINUX_REFERENCE	"7.3.4"

/* include/uapi/linux/iommufd.h: enum iommufd_hwpt_alloc_flags. */
#define IOMMU_HWPT_ALLOC_NEST_PARENT	BIT(0)
#define IOMMU_HWPT_ALLOC_DIRTY_TRACKING	BIT(1)
#define IOMMU_HWPT_ALLOC_PASID		BIT(3)

/* enum iommu_hwpt_data_type */
#define IOMMU_HWPT_DATA_NONE		0
#define IOMMU_HWPT_DATA_VTD_S1		1

/* enum iommu_hwpt_invalidate_data_type */
#define IOMMU_HWPT_INVALIDATE_DATA_VTD_S1	0

/* struct iommu_hwpt_vtd_s1: flags are IOMMU_VTD_S1_* (pasid.h). 24 bytes. */
struct iommu_hwpt_vtd_s1 {
	u64 flags;
	u64 pgtbl_addr;		/* the guest's first-stage table, a GPA */
	u32 addr_width;		/* 48 or 57 */
	u32 __reserved;
};

/* struct iommu_hwpt_vtd_s1_invalidate, 24 bytes. */
#define IOMMU_VTD_INV_FLAGS_LEAF	BIT(0)

struct iommu_hwpt_vtd_s1_invalidate {
	u64 addr;		/* 4 KiB aligned guest IOVA */
	u64 npages;		/* U64_MAX with addr 0: everything */
	u32 flags;
	u32 __reserved;
};

#define NESTED_MAX_CHILDREN	8	/* nested domains over one parent */

struct nested_domain;

/*
 * A paging HWPT: a dmar_domain (force_snooping there, as in Linux) with
 * what Linux keeps beside its page table (dmar_domain->nested_parent,
 * ->dirty_ops and the s1_domains list of a nest parent).
 */
struct hwpt_paging {
	struct dmar_domain domain;
	bool nested_parent;
	bool dirty_ops;			/* allocated with DIRTY_TRACKING */
	unsigned int nr_children;
	struct nested_domain *children[NESTED_MAX_CHILDREN];
};

struct nested_attachment {
	struct vtd_device *dev;
	u32 pasid;
};

/* A nested HWPT: IOMMU_DOMAIN_NESTED with its own domain id. */
struct nested_domain {
	struct hwpt_paging *parent;	/* Linux: s2_domain */
	struct iommu_hwpt_vtd_s1 s1_cfg;
	u16 did;
	unsigned int nr_attached;
	struct nested_attachment attached[DOMAIN_MAX_ATTACH];
};

/*
 * What a (device, PASID) is attached to, as the iommu core knows it: at
 * most one of the two, both NULL when nothing is. An empty one is {0}.
 */
struct hwpt_attached {
	struct hwpt_paging *paging;
	struct nested_domain *nested;
};

/*
 * intel_iommu_domain_alloc_paging_flags(): @flags IOMMU_HWPT_ALLOC_*.
 * First stage when the flags ask for nothing but PASID and the unit is in
 * scalable mode with ECAP.FLTS, at the depth compute_vasz_lg2_fs() picks;
 * otherwise second stage at the depth compute_vasz_lg2_ss() picks (the
 * widest MGAW and SAGAW allow). The second stage refuses with -EOPNOTSUPP
 * unknown flags, NEST_PARENT without ECAP.NEST, DIRTY_TRACKING without
 * ECAP.SSADS and ECAP.SMPWC, and a scalable-mode unit without ECAP.SLTS.
 */
int hwpt_paging_alloc(struct hwpt_paging *hp, struct intel_iommu *iommu,
		      u32 flags);
/* -EBUSY while nested domains stand on it or it is attached. */
int hwpt_paging_free(struct hwpt_paging *hp);
/*
 * intel_iommu_map(): a nest parent refuses read-only mappings with -EINVAL
 * (erratum 772415 on SPR, vtdss_pt_iommu_set_prot()); SNP is added once
 * cache coherency is enforced (domain_map()). With caching mode the new
 * range is also flushed under each nested domain's DID, as
 * cache_tag_flush_range_np() does for its nesting tags.
 */
int hwpt_paging_map(struct hwpt_paging *hp, u64 iova, u64 pa, u64 size,
		    unsigned int prot);
/*
 * intel_iommu_unmap() and its iotlb_sync: the parent's own flushes, then
 * one second-stage IOTLB flush per nested domain DID and PASID it is
 * attached with (cache tags CACHE_TAG_NESTING_IOTLB), all with IH set
 * when the unmap freed no table page (domain_unmap_ih()).
 */
s64 hwpt_paging_unmap(struct hwpt_paging *hp, u64 iova, u64 size);
/*
 * The domain's enforce_cache_coherency op (iommufd calls it for a device
 * with IOMMU_CAP_ENFORCE_CACHE_COHERENCY, i.e. ECAP.SC):
 * domain_enforce_cache_coherency(). A nest parent's nested PASID entries
 * set up from then on carry PGSNP; live ones keep what they have.
 */
bool hwpt_paging_enforce_cache_coherency(struct hwpt_paging *hp);

/*
 * intel_iommu_domain_alloc_nested(): scalable mode and ECAP.NEST, and no
 * @flags but IOMMU_HWPT_ALLOC_PASID, else -EOPNOTSUPP; @data_type other
 * than IOMMU_HWPT_DATA_VTD_S1: -EOPNOTSUPP; @parent not a second-stage
 * paging domain allocated with NEST_PARENT: -EINVAL. Linux copies @data
 * without looking at its flags or __reserved: intel_pasid_setup_nested()
 * checks addr_width, SRE and EAFE when the domain is attached. The domain
 * id is taken here (-EBUSY when none is left); Linux takes it on the first
 * attach to a unit (domain_attach_iommu()).
 */
int nested_domain_alloc(struct nested_domain *nd, struct hwpt_paging *parent,
			u32 flags, u32 data_type,
			const struct iommu_hwpt_vtd_s1 *data);
/* -EBUSY while attached. */
int nested_domain_free(struct nested_domain *nd);

/*
 * Attaches @new (paging or nested, exactly one set) to @pasid of @dev,
 * replacing @old on a live device:
 *  - RID_PASID (IOMMU_NO_PASID): intel_nested_attach_dev() or
 *    intel_iommu_attach_device(): device_block_translation() tears the old
 *    entry down first, then the checks, then the new entry.
 *  - another PASID: intel_nested_set_dev_pasid() or
 *    intel_iommu_set_dev_pasid(): the checks first (a nest parent allocated
 *    with DIRTY_TRACKING cannot back a PASID: -EINVAL), then teardown of
 *    @old, then the new entry.
 * Nested: the parent must be compatible with the device (on its unit, and
 * no forced snooping without ECAP.SC: -EINVAL), then
 * pasid_setup_nested()'s checks and codes. After a failure past the
 * teardown the (device, PASID) is blocked: nothing is attached. As in
 * Linux, the flushes of the teardown and of the new entry decide nothing:
 * a failed one fails the running case (flush_unchecked()) and the attach
 * goes on.
 */
int hwpt_attach(struct vtd_device *dev, u32 pasid, struct hwpt_attached new,
		struct hwpt_attached old);
/* Blocks @pasid of @dev: the teardown of what @old attached there. */
int hwpt_detach(struct vtd_device *dev, u32 pasid, struct hwpt_attached old);

/*
 * intel_nested_cache_invalidate_user(): @type must be
 * IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 (-EINVAL, nothing done). Entries are
 * handled in order until one fails: a flag other than LEAF or a nonzero
 * __reserved -EOPNOTSUPP; addr not 4 KiB aligned, or npages == U64_MAX with
 * addr != 0, -EINVAL. *@entry_num is set to the number of entries done
 * before the failure (all of them on success). Each entry is one
 * cache_tag_flush_range() over [addr, addr + npages * 4 KiB): for every
 * PASID the domain is attached with, a PASID-based IOTLB invalidation with
 * the nested domain's DID (6.5.2.4), whole-PASID when the aligned range
 * reaches 2^52 pages, else page-selective with AM and IH = LEAF; one
 * submission per entry, as Linux batches them.
 */
int nested_cache_invalidate_user(struct nested_domain *nd, u32 type,
				 const struct iommu_hwpt_vtd_s1_invalidate *reqs,
				 u32 *entry_num);

#endif /* VTDTEST_INTEL_NESTED_H */
