// SPDX-License-Identifier: GPL-2.0
/*
 * Nested translation with the logic of Linux's VT-d driver; nested.h says
 * which kernel each piece follows. Nothing here is firmware specific.
 */
#include "drivers/iommu/intel/flush.h"
#include "drivers/iommu/intel/nested.h"
#include "lib/errno.h"
#include "lib/string.h"

#define U64_MAX			(~0ULL)

/* sm_supported() && ecap_nest() */
static bool nested_supported(const struct intel_iommu *iommu)
{
	return iommu->sm && (iommu->ecap & ECAP_NEST);
}

/* sm_supported() && ecap_pasid() */
static bool pasid_supported(const struct intel_iommu *iommu)
{
	return iommu->sm && (iommu->ecap & ECAP_PASID);
}

/*
 * ssads_supported(): sm_supported() && ecap_slads() && ecap_smpwc(). The
 * SMPWC term came with commit 57f55048e564; releases before it did not
 * ask for it.
 */
static bool ssads_supported(const struct intel_iommu *iommu)
{
	return iommu->sm && (iommu->ecap & ECAP_SSADS) &&
	       (iommu->ecap & ECAP_SMPWC);
}

/*
 * compute_vasz_lg2_fs() (iommu.c): the first stage is 5-level when MGAW
 * is wider than 48 bits and CAP.FS5LP offers it, else 4-level.
 */
static unsigned int fs_levels(const struct intel_iommu *iommu)
{
	return cap_mgaw(iommu->cap) > 48 && (iommu->cap & CAP_FS5LP) ? 5 : 4;
}

/*
 * compute_vasz_lg2_ss() (iommu.c): the widest table both MGAW and SAGAW
 * allow; a unit whose SAGAW offers a deeper walk than MGAW needs gets
 * that deeper table. 0 when none fits (pt_iommu_vtdss_init() then fails
 * with -EINVAL). Releases before the generic page table built the
 * table at iommu->agaw instead.
 */
static unsigned int ss_levels(const struct intel_iommu *iommu)
{
	u32 sagaw = cap_sagaw(iommu->cap);
	u32 mgaw = cap_mgaw(iommu->cap);

	if (mgaw > 48 && sagaw >= BIT(3))
		return 5;
	if (mgaw > 39 && sagaw >= BIT(2))
		return 4 + __builtin_ffs(sagaw >> 3);
	if (mgaw > 30 && sagaw >= BIT(1))
		return 3 + __builtin_ffs(sagaw >> 2);
	return 0;
}

/*
 * intel_iommu_domain_alloc_first_stage()'s refusals, each -EOPNOTSUPP,
 * on which intel_iommu_domain_alloc_paging_flags() tries the second stage.
 */
static bool first_stage_possible(const struct intel_iommu *iommu, u32 flags)
{
	return !(flags & ~IOMMU_HWPT_ALLOC_PASID) && iommu->sm &&
	       (iommu->ecap & ECAP_FSTS);
}

/* intel_iommu_domain_alloc_second_stage()'s refusals. */
static int second_stage_check(const struct intel_iommu *iommu, u32 flags)
{
	if (flags & ~(IOMMU_HWPT_ALLOC_NEST_PARENT |
		      IOMMU_HWPT_ALLOC_DIRTY_TRACKING | IOMMU_HWPT_ALLOC_PASID))
		return -EOPNOTSUPP;
	if ((flags & IOMMU_HWPT_ALLOC_NEST_PARENT) && !nested_supported(iommu))
		return -EOPNOTSUPP;
	if ((flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) &&
	    !ssads_supported(iommu))
		return -EOPNOTSUPP;
	/* Since b9434ba97c44: no second stage in scalable mode, no domain. */
	if (iommu->sm && !(iommu->ecap & ECAP_SSTS))
		return -EOPNOTSUPP;
	return ss_levels(iommu) ? 0 : -EINVAL;
}

int hwpt_paging_alloc(struct hwpt_paging *hp, struct intel_iommu *iommu,
		      u32 flags)
{
	enum domain_type type = DOMAIN_FIRST_STAGE;
	unsigned int levels;
	int ret;

	if (first_stage_possible(iommu, flags)) {
		levels = fs_levels(iommu);
	} else {
		ret = second_stage_check(iommu, flags);
		if (ret)
			return ret;
		type = DOMAIN_SECOND_STAGE;
		levels = ss_levels(iommu);
	}
	memset(hp, 0, sizeof(*hp));
	ret = domain_init(&hp->domain, iommu, type, levels);
	if (ret)
		return ret;
	hp->nested_parent = flags & IOMMU_HWPT_ALLOC_NEST_PARENT;
	hp->dirty_ops = flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	return 0;
}

int hwpt_paging_free(struct hwpt_paging *hp)
{
	if (hp->nr_children || hp->domain.nr_attached)
		return -EBUSY;
	domain_destroy(&hp->domain);
	memset(hp, 0, sizeof(*hp));
	return 0;
}

/*
 * Cache tags are per (DID, PASID) on a unit: a nested domain attached with
 * the same PASID to two devices has one IOTLB tag (cache_tage_match()).
 */
static bool first_with_pasid(const struct nested_domain *nd, unsigned int i)
{
	for (unsigned int j = 0; j < i; j++)
		if (nd->attached[j].pasid == nd->attached[i].pasid)
			return false;
	return true;
}

/*
 * cache_tag_flush_range() and _np() on a nest parent, for its
 * CACHE_TAG_NESTING_IOTLB tags: second-stage IOTLB flushes tagged with the
 * nested domains' DIDs, with the IH of the parent's own (@ih: 0 for a map,
 * no table page freed for an unmap). Linux adds a full device-TLB flush per
 * CACHE_TAG_NESTING_DEVTLB tag here for ATS devices; vtdtest's devices
 * have no ATS yet.
 */
static int flush_nesting_tags(struct hwpt_paging *hp, u64 iova, u64 size,
			      bool ih)
{
	int ret = 0;

	for (unsigned int c = 0; c < hp->nr_children && !ret; c++) {
		struct nested_domain *nd = hp->children[c];

		for (unsigned int i = 0; i < nd->nr_attached && !ret; i++)
			if (first_with_pasid(nd, i))
				ret = iommu_flush_iotlb_range(hp->domain.iommu,
							      nd->did, iova,
							      size, ih);
	}
	return ret;
}

int hwpt_paging_map(struct hwpt_paging *hp, u64 iova, u64 pa, u64 size,
		    unsigned int prot)
{
	int ret;

	/* vtdss_pt_iommu_set_prot(): erratum 772415 (SPR17). */
	if (hp->nested_parent && !(prot & PGTABLE_PROT_WRITE))
		return -EINVAL;
	ret = domain_map(&hp->domain, iova, pa, size, prot);
	if (ret || !(hp->domain.iommu->cap & CAP_CM))
		return ret;
	/* cache_tag_flush_range_np(): IH 0. */
	return flush_nesting_tags(hp, iova, size, false);
}

s64 hwpt_paging_unmap(struct hwpt_paging *hp, u64 iova, u64 size)
{
	s64 done = domain_unmap_deferred(&hp->domain, iova, size);
	int ret = 0;

	/* The parent's tags and the nesting tags: one IH for both. */
	if (done > 0)
		ret = flush_nesting_tags(hp, iova, size,
					 domain_unmap_ih(&hp->domain));
	/* Nested translations may reach the tables too: free after both. */
	domain_release_tables(&hp->domain, done >= 0 && !ret);
	return ret ? ret : done;
}

bool hwpt_paging_enforce_cache_coherency(struct hwpt_paging *hp)
{
	return domain_enforce_cache_coherency(&hp->domain);
}

int nested_domain_alloc(struct nested_domain *nd, struct hwpt_paging *parent,
			u32 flags, u32 data_type,
			const struct iommu_hwpt_vtd_s1 *data)
{
	struct intel_iommu *iommu = parent->domain.iommu;
	int did;

	if (!nested_supported(iommu) || (flags & ~IOMMU_HWPT_ALLOC_PASID))
		return -EOPNOTSUPP;
	if (data_type != IOMMU_HWPT_DATA_VTD_S1)
		return -EOPNOTSUPP;
	/* intel_domain_is_ss_paging(parent) && parent->nested_parent */
	if (parent->domain.type != DOMAIN_SECOND_STAGE || !parent->nested_parent)
		return -EINVAL;
	if (parent->nr_children == NESTED_MAX_CHILDREN)
		return -EBUSY;
	did = iommu_alloc_did(iommu);
	if (did < 0)
		return did;
	*nd = (struct nested_domain){
		.parent = parent,
		.s1_cfg = *data,
		.did = did,
	};
	/* The parent's s1_domains list. */
	parent->children[parent->nr_children++] = nd;
	return 0;
}

int nested_domain_free(struct nested_domain *nd)
{
	struct hwpt_paging *hp = nd->parent;
	unsigned int c = 0;

	if (nd->nr_attached)
		return -EBUSY;
	/* A double free or a domain never allocated is refused, not chased. */
	if (!hp)
		return -ENOENT;
	while (c < hp->nr_children && hp->children[c] != nd)
		c++;
	if (c == hp->nr_children)
		return -ENOENT;
	hp->nr_children--;
	memmove(&hp->children[c], &hp->children[c + 1],
		(hp->nr_children - c) * sizeof(hp->children[0]));
	iommu_free_did(hp->domain.iommu, nd->did);
	memset(nd, 0, sizeof(*nd));
	return 0;
}

/* domain_remove_dev_pasid(): the tag goes, the order of the others stays. */
static void nested_forget(struct nested_domain *nd, struct vtd_device *dev,
			  u32 pasid)
{
	for (unsigned int i = 0; i < nd->nr_attached; i++) {
		if (nd->attached[i].dev != dev || nd->attached[i].pasid != pasid)
			continue;
		nd->nr_attached--;
		memmove(&nd->attached[i], &nd->attached[i + 1],
			(nd->nr_attached - i) * sizeof(nd->attached[0]));
		return;
	}
}

/*
 * device_block_translation() for RID_PASID, the teardown half of a
 * domain_setup_*() replace for a PASID: intel_pasid_tear_down_entry()
 * through the paths the old domain was attached by.
 */
static int block_translation(struct vtd_device *dev, u32 pasid,
			     struct hwpt_attached old)
{
	int ret;

	if (old.paging && pasid == IOMMU_NO_PASID)
		return device_detach(dev);
	if (old.paging)
		return device_detach_pasid(dev, pasid, &old.paging->domain);
	if (!old.nested)
		return 0;
	ret = pasid_tear_down_entry(dev->iommu, &dev->pasid, pasid);
	nested_forget(old.nested, dev, pasid);
	return ret;
}

/*
 * intel_pasid_setup_nested() with the nested domain's fields. SSADE
 * follows s2_domain->dirty_tracking, which only
 * IOMMU_HWPT_SET_DIRTY_TRACKING turns on; vtdtest has no such call yet, so
 * the entry is built as Linux builds it before dirty tracking is enabled.
 */
static int nested_setup(struct nested_domain *nd, struct vtd_device *dev,
			u32 pasid)
{
	struct hwpt_paging *hp = nd->parent;
	struct pasid_nested_cfg cfg = {
		.s1_pgtbl = nd->s1_cfg.pgtbl_addr,
		.s1_addr_width = nd->s1_cfg.addr_width,
		.s1_flags = nd->s1_cfg.flags,
		.s2_pgd_phys = hp->domain.pgt.root_phys,
		.s2_agaw = hp->domain.agaw,
		.s2_force_snooping = hp->domain.force_snooping,
		.did = nd->did,
	};
	int ret;

	if (nd->nr_attached == DOMAIN_MAX_ATTACH)
		return -EBUSY;
	ret = iommu_setup_sm_context(dev);
	if (!ret)
		ret = pasid_setup_nested(dev->iommu, &dev->pasid, pasid, &cfg);
	if (ret)
		return ret;
	nd->attached[nd->nr_attached++] = (struct nested_attachment){
		.dev = dev, .pasid = pasid,
	};
	return 0;
}

/*
 * paging_domain_compatible() on the parent: a vtdtest domain lives on one
 * unit, so the parent is compatible with the devices behind that unit, as
 * long as it does not force snooping on a unit without ECAP.SC
 * (domain_compatible()). (Linux's width, level and page-size checks
 * cannot fail then: domain_init() only builds tables the unit supports.)
 */
static int nested_compatible(const struct nested_domain *nd,
			     const struct vtd_device *dev)
{
	return domain_compatible(&nd->parent->domain, dev);
}

/*
 * intel_nested_attach_dev(): block first (device_block_translation() is
 * void: the attach goes on whatever the teardown met), then check, then
 * set up.
 */
static int nested_attach_dev(struct nested_domain *nd, struct vtd_device *dev,
			     struct hwpt_attached old)
{
	int ret;

	block_translation(dev, IOMMU_NO_PASID, old);
	ret = nested_compatible(nd, dev);
	return ret ? ret : nested_setup(nd, dev, IOMMU_NO_PASID);
}

/* intel_nested_set_dev_pasid(): check first, then replace. */
static int nested_set_dev_pasid(struct nested_domain *nd,
				struct vtd_device *dev, u32 pasid,
				struct hwpt_attached old)
{
	int ret;

	if (!pasid_supported(dev->iommu))
		return -EOPNOTSUPP;
	if (nd->parent->dirty_ops)
		return -EINVAL;
	ret = nested_compatible(nd, dev);
	if (ret)
		return ret;
	/* domain_setup_nested(): the teardown of @old is void. */
	block_translation(dev, pasid, old);
	return nested_setup(nd, dev, pasid);
}

/*
 * intel_iommu_attach_device() (device_block_translation(), then the
 * attach) and intel_iommu_set_dev_pasid() (checks, then replace).
 */
static int paging_attach(struct hwpt_paging *hp, struct vtd_device *dev,
			 u32 pasid, struct hwpt_attached old)
{
	int ret;

	if (pasid == IOMMU_NO_PASID) {
		block_translation(dev, pasid, old);
		return device_attach(dev, &hp->domain);
	}
	if (!pasid_supported(dev->iommu))
		return -EOPNOTSUPP;
	if (hp->dirty_ops)
		return -EINVAL;
	ret = domain_compatible(&hp->domain, dev);
	if (ret)
		return ret;
	/* domain_setup_*(): the teardown of @old is void. */
	block_translation(dev, pasid, old);
	return device_attach_pasid(dev, pasid, &hp->domain);
}

int hwpt_attach(struct vtd_device *dev, u32 pasid, struct hwpt_attached new,
		struct hwpt_attached old)
{
	if (!new.nested == !new.paging)
		return -EINVAL;
	if (new.paging)
		return paging_attach(new.paging, dev, pasid, old);
	if (pasid == IOMMU_NO_PASID)
		return nested_attach_dev(new.nested, dev, old);
	return nested_set_dev_pasid(new.nested, dev, pasid, old);
}

int hwpt_detach(struct vtd_device *dev, u32 pasid, struct hwpt_attached old)
{
	if (!old.paging && !old.nested)
		return -ENODEV;
	return block_translation(dev, pasid, old);
}

/*
 * cache_tag_flush_range() on a nested domain: for each CACHE_TAG_IOTLB tag,
 * a PASID-based IOTLB invalidation (6.5.2.4) with the nested domain's DID:
 * granularity 2 (all of the PASID) when the mask reaches
 * MAX_AGAW_PFN_WIDTH (qi_desc_piotlb_all()), else granularity 3 with
 * AM = mask and IH (qi_desc_piotlb()). The descriptors go in one
 * submission, as qi_batch does; Linux does not look at the result, so a
 * queue error is reported and the entry still counts as done. Linux adds a
 * device-TLB invalidation per CACHE_TAG_DEVTLB tag for ATS devices here;
 * vtdtest's devices have no ATS yet.
 */
static void nested_flush_range(struct nested_domain *nd, u64 start, u64 end,
			       bool ih)
{
	struct intel_iommu *iommu = nd->parent->domain.iommu;
	struct qi_desc descs[DOMAIN_MAX_ATTACH];
	unsigned int n = 0, mask;
	struct qi_error err;
	u64 addr = psi_aligned_address(start, end, &mask);

	for (unsigned int i = 0; i < nd->nr_attached; i++) {
		if (!first_with_pasid(nd, i))
			continue;
		descs[n++] = mask >= MAX_AGAW_PFN_WIDTH ?
			qi_desc_piotlb(QI_PIOTLB_PASID, nd->did,
				       nd->attached[i].pasid, 0, 0, false) :
			qi_desc_piotlb(QI_PIOTLB_PAGE, nd->did,
				       nd->attached[i].pasid, addr, mask, ih);
	}
	if (n && qi_submit_sync(iommu, descs, n, &err))
		qi_print_error(iommu, &err);
}

/* The checks of intel_nested_cache_invalidate_user(), in its order. */
static int check_inv_entry(const struct iommu_hwpt_vtd_s1_invalidate *inv)
{
	if ((inv->flags & ~IOMMU_VTD_INV_FLAGS_LEAF) || inv->__reserved)
		return -EOPNOTSUPP;
	if (!IS_ALIGNED(inv->addr, VTD_PAGE_SIZE) ||
	    (inv->npages == U64_MAX && inv->addr))
		return -EINVAL;
	return 0;
}

int nested_cache_invalidate_user(struct nested_domain *nd, u32 type,
				 const struct iommu_hwpt_vtd_s1_invalidate *reqs,
				 u32 *entry_num)
{
	u32 done = 0;
	int ret = 0;

	if (type != IOMMU_HWPT_INVALIDATE_DATA_VTD_S1) {
		*entry_num = 0;
		return -EINVAL;
	}
	for (; done < *entry_num; done++) {
		const struct iommu_hwpt_vtd_s1_invalidate *inv = &reqs[done];

		ret = check_inv_entry(inv);
		if (ret)
			break;
		/* nrpages_to_size() wraps as Linux's does. */
		nested_flush_range(nd, inv->addr,
				   inv->addr + (inv->npages << VTD_PAGE_SHIFT) - 1,
				   inv->flags & IOMMU_VTD_INV_FLAGS_LEAF);
	}
	*entry_num = done;
	return ret;
}
