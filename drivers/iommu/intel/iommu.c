// SPDX-License-Identifier: GPL-2.0
/*
 * Remapping units: discovery (the state the platform firmware left them
 * in), takeover, root and context programming, domains and attach.
 */
#include "drivers/iommu/intel/fault.h"
#include "drivers/iommu/intel/flush.h"
#include "drivers/iommu/intel/iommu.h"
#include "drivers/iommu/intel/nested.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define VER_ALL_ONES	0xffffffffU

bool vtd_verbose;

static void read_pending_faults(struct intel_iommu *iommu)
{
	struct iommu_entry_state *e = &iommu->entry;
	u32 base = cap_fault_reg_offset(iommu->cap);
	u32 nr = cap_nr_fault_regs(iommu->cap);

	/* A bogus FRO must not send reads outside the register set. */
	if (base + (u64)nr * FRCD_LEN > iommu->reg_size)
		return;
	for (u32 i = 0; i < nr && e->nr_faults < IOMMU_ENTRY_FAULTS; i++) {
		u64 hi = dmar_readq(iommu, base + i * FRCD_LEN + 8);

		if (!(hi & FRCD_HI_F))
			continue;
		e->faults[e->nr_faults++] = (struct iommu_fault_record){
			.index = i,
			.lo = dmar_readq(iommu, base + i * FRCD_LEN),
			.hi = hi,
		};
	}
}

/*
 * 11.4: what must hold before any register beyond VER, CAP and ECAP may
 * be read or written; a bad DRHD or a unit that is not there fails it.
 */
static void check_usable(struct intel_iommu *iommu)
{
	u64 fault_end = cap_fault_reg_offset(iommu->cap) +
			(u64)cap_nr_fault_regs(iommu->cap) * FRCD_LEN;
	u64 iotlb_end = ecap_iotlb_offset(iommu->ecap) + 16;
	const char *why = NULL;

	if (iommu->ver == VER_ALL_ONES ||
	    !((iommu->ver & VER_MAJOR_MASK) >> VER_MAJOR_SHIFT))
		why = "VER reads all ones or major version 0";
	else if (!iommu->cap || iommu->cap == ~0ULL || iommu->ecap == ~0ULL)
		why = "CAP or ECAP reads 0 or all ones";
	else if (fault_end > iommu->reg_size || iotlb_end > iommu->reg_size)
		why = "fault recording or IOTLB registers beyond the register set";
	if (why)
		ksnprintf(iommu->unusable, sizeof(iommu->unusable), "%s", why);
}

void intel_iommu_probe(struct intel_iommu *iommu)
{
	struct iommu_entry_state *e = &iommu->entry;

	iommu->ver = dmar_readl(iommu, DMAR_VER_REG);
	iommu->cap = dmar_readq(iommu, DMAR_CAP_REG);
	iommu->ecap = dmar_readq(iommu, DMAR_ECAP_REG);
	check_usable(iommu);
	if (iommu->unusable[0])
		return;
	e->gsts = dmar_readl(iommu, DMAR_GSTS_REG);
	e->rtaddr = dmar_readq(iommu, DMAR_RTADDR_REG);
	e->pmen = dmar_readl(iommu, DMAR_PMEN_REG);
	e->fsts = dmar_readl(iommu, DMAR_FSTS_REG);
	e->fectl = dmar_readl(iommu, DMAR_FECTL_REG);
	read_pending_faults(iommu);
}

void intel_iommu_hw_info(const struct intel_iommu *iommu,
			 struct iommu_hw_info_vtd *info)
{
	*info = (struct iommu_hw_info_vtd){
		.flags = IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17,
		.cap_reg = iommu->cap,
		.ecap_reg = iommu->ecap,
	};
}

void intel_iommu_print(const struct intel_iommu *iommu)
{
	const struct iommu_entry_state *e = &iommu->entry;
	struct iommu_hw_info_vtd info;
	char buf[384];

	intel_iommu_hw_info(iommu, &info);
	ktap_diag("unit %u: registers at 0x%llx (0x%llx bytes) segment %u%s, VER %u.%u",
		  iommu->seq, (unsigned long long)iommu->reg_phys,
		  (unsigned long long)iommu->reg_size, iommu->segment,
		  iommu->include_all ? " INCLUDE_PCI_ALL" : "",
		  (unsigned int)((iommu->ver & VER_MAJOR_MASK) >> VER_MAJOR_SHIFT),
		  (unsigned int)(iommu->ver & VER_MINOR_MASK));
	ktap_diag("unit %u: programmed as Linux %s programs it", iommu->seq,
		  VTD_LINUX_REFERENCE);
	ktap_diag("unit %u: iommu_hw_info_vtd {flags=0x%x, cap_reg=0x%016llx, ecap_reg=0x%016llx}",
		  iommu->seq, info.flags, (unsigned long long)info.cap_reg,
		  (unsigned long long)info.ecap_reg);
	vtd_cap_names(iommu->cap, buf, sizeof(buf));
	ktap_diag("unit %u: cap: %s", iommu->seq, buf);
	vtd_ecap_names(iommu->ecap, buf, sizeof(buf));
	ktap_diag("unit %u: ecap: %s", iommu->seq, buf);
	ktap_diag("unit %u: at entry: GSTS=0x%08x RTADDR=0x%016llx PMEN=0x%08x FSTS=0x%08x FECTL=0x%08x, %u pending fault record(s)",
		  iommu->seq, e->gsts, (unsigned long long)e->rtaddr, e->pmen,
		  e->fsts, e->fectl, e->nr_faults);
	for (unsigned int i = 0; i < e->nr_faults; i++)
		ktap_diag("unit %u: fault record %u: hi=0x%016llx lo=0x%016llx",
			  iommu->seq, e->faults[i].index,
			  (unsigned long long)e->faults[i].hi,
			  (unsigned long long)e->faults[i].lo);
}

void intel_iommu_check_registers(struct ktap_case *c,
				 const struct intel_iommu *iommu)
{
	u32 major = (iommu->ver & VER_MAJOR_MASK) >> VER_MAJOR_SHIFT;

	if (iommu->ver == VER_ALL_ONES) {
		ktap_fail(c, "unit %u at 0x%llx: VER reads all ones: no unit answers there",
			  iommu->seq, (unsigned long long)iommu->reg_phys);
		return;
	}
	intel_iommu_print(iommu);
	if (major == 0)
		ktap_fail(c, "unit %u: VER 0x%x has major version 0",
			  iommu->seq, iommu->ver);
	if (iommu->cap == 0 || iommu->cap == ~0ULL)
		ktap_fail(c, "unit %u: CAP reads 0x%016llx", iommu->seq,
			  (unsigned long long)iommu->cap);
	if (iommu->ecap == ~0ULL)
		ktap_fail(c, "unit %u: ECAP reads all ones", iommu->seq);
}

#define PMEN_TIMEOUT_US		100000

void iommu_flush_line(const struct intel_iommu *iommu, const void *p,
		      size_t len)
{
	if (iommu->ecap & ECAP_C)
		return;
	for (size_t off = 0; off < len; off += 64)
		hw_clflush((const u8 *)p + off);
}

static void clear_faults(struct intel_iommu *iommu)
{
	struct fault_log log;

	fault_drain(iommu, &log);
	dmar_writel(iommu, DMAR_FSTS_REG, FSTS_PFO | FSTS_IQE | FSTS_ICE |
		    FSTS_ITE);
}

int intel_iommu_takeover(struct intel_iommu *iommu)
{
	u32 gsts;
	int ret = 0;

	if (iommu->unusable[0])
		return -ENODEV;
	gsts = dmar_readl(iommu, DMAR_GSTS_REG);
	dmar_writel(iommu, DMAR_FECTL_REG, FECTL_IM);
	clear_faults(iommu);
	if (gsts & GSTS_IRES)
		ret |= iommu_gcmd_update(iommu, GCMD_IRE, false);
	/* Programming on with QI still on would use the old queue. */
	if ((gsts & GSTS_QIES) && qi_disable(iommu))
		ret = -ETIMEDOUT;
	if (gsts & GSTS_TES)
		ret |= iommu_gcmd_update(iommu, GCMD_TE, false);
	/* 11.4.8.1: PMRs block DMA until disabled; PRS tells when they are. */
	if (dmar_readl(iommu, DMAR_PMEN_REG) & (PMEN_EPM | PMEN_PRS)) {
		dmar_writel(iommu, DMAR_PMEN_REG, 0);
		if (!hw_poll_timeout(!(dmar_readl(iommu, DMAR_PMEN_REG) & PMEN_PRS),
				     PMEN_TIMEOUT_US)) {
			ktap_diag("unit %u: PMEN.PRS still set after %u us",
				  iommu->seq, PMEN_TIMEOUT_US);
			ret = -ETIMEDOUT;
		}
	}
	return ret ? -ETIMEDOUT : 0;
}

u64 iommu_rtaddr(const struct intel_iommu *iommu)
{
	return hw_virt_to_phys(iommu->root) | (iommu->sm ? RTADDR_SMT : 0);
}

/* 11.4.4: SRTP is one-shot; RTPS reports the pointer latched. */
static int set_root_pointer(struct intel_iommu *iommu)
{
	u32 cmd = (dmar_readl(iommu, DMAR_GSTS_REG) & ~GCMD_ONE_SHOT) | GCMD_SRTP;

	dmar_writeq(iommu, DMAR_RTADDR_REG, iommu_rtaddr(iommu));
	dmar_writel(iommu, DMAR_GCMD_REG, cmd);
	if (hw_poll_timeout(dmar_readl(iommu, DMAR_GSTS_REG) & GSTS_RTPS,
			    QI_TIMEOUT_US))
		return 0;
	ktap_diag("unit %u: GSTS.RTPS not set after SRTP (GSTS 0x%08x RTADDR 0x%016llx)",
		  iommu->seq, dmar_readl(iommu, DMAR_GSTS_REG),
		  (unsigned long long)dmar_readq(iommu, DMAR_RTADDR_REG));
	return -ETIMEDOUT;
}

/*
 * iommu_set_root_entry()'s flush after SRTP (Linux 7.3.4): everything,
 * globally, unless CAP.ESRTPS says the SRTP flow invalidated every
 * translation cache already (11.4.2).
 */
static int flush_all(struct intel_iommu *iommu)
{
	int ret;

	if (iommu->cap & CAP_ESRTPS)
		return 0;
	ret = flush_context(iommu, QI_CC_GLOBAL, 0, 0);

	if (!ret && iommu->sm)
		ret = flush_pasid_cache(iommu, QI_PC_GLOBAL, 0, 0);
	if (!ret)
		ret = flush_iotlb(iommu, QI_IOTLB_GLOBAL, 0, 0, 0, false);
	return ret;
}

int intel_iommu_setup(struct intel_iommu *iommu, bool scalable)
{
	int ret;

	if (iommu->unusable[0])
		return -ENODEV;
	if (scalable && !(iommu->ecap & ECAP_SMTS))
		return -EOPNOTSUPP;
	iommu->root = hw_alloc_pages(1, 1);
	if (!iommu->root)
		return -ENOMEM;
	iommu->sm = scalable;
	iommu_flush_line(iommu, iommu->root, HW_PAGE_SIZE);
	/* init_dmars(): intel_iommu_init_qi(), then iommu_set_root_entry(). */
	ret = iommu->ecap & ECAP_QI ? qi_enable(iommu) : 0;
	if (!ret)
		ret = set_root_pointer(iommu);
	if (!ret)
		ret = flush_all(iommu);
	return ret;
}

int intel_iommu_enable_translation(struct intel_iommu *iommu)
{
	return iommu_gcmd_update(iommu, GCMD_TE, true);
}

int intel_iommu_disable_translation(struct intel_iommu *iommu)
{
	return iommu_gcmd_update(iommu, GCMD_TE, false);
}

void intel_iommu_teardown(struct intel_iommu *iommu)
{
	/*
	 * A unit that keeps translating or fetching descriptors may still
	 * read its tables and queue: those pages are kept, not reused.
	 */
	if (intel_iommu_disable_translation(iommu) || qi_disable(iommu)) {
		ktap_diag("unit %u: translation or QI would not turn off: its tables are kept",
			  iommu->seq);
		memset(iommu->ctx_table, 0, sizeof(iommu->ctx_table));
		iommu->root = NULL;
		iommu->qi.desc = NULL;
		iommu->qi.status = NULL;
		iommu->sm = false;
		return;
	}
	for (unsigned int bus = 0; bus < ROOT_NR_ENTRIES; bus++) {
		for (unsigned int half = 0; half < 2; half++) {
			hw_free_pages(iommu->ctx_table[bus][half], 1);
			iommu->ctx_table[bus][half] = NULL;
		}
	}
	hw_free_pages(iommu->root, 1);
	iommu->root = NULL;
	iommu->sm = false;
	memset(iommu->did_map, 0, sizeof(iommu->did_map));
}

/*
 * 9.1/9.2: the context table of @bus (for scalable mode, the half that
 * holds @devfn), allocated and linked into the root entry on first use.
 */
static void *context_table(struct intel_iommu *iommu, u8 bus, u8 devfn,
			   bool alloc)
{
	unsigned int half = iommu->sm && devfn >= SM_CTX_PER_TABLE;
	struct root_entry *re = &iommu->root[bus];
	void *table = iommu->ctx_table[bus][half];
	u64 phys;

	if (table || !alloc)
		return table;
	table = hw_alloc_pages(1, 1);
	if (!table)
		return NULL;
	iommu_flush_line(iommu, table, HW_PAGE_SIZE);
	iommu->ctx_table[bus][half] = table;
	phys = hw_virt_to_phys(table);
	if (half)
		re->hi = (phys & ROOT_CTP_MASK) | ROOT_HI_UP;
	else
		re->lo = (phys & ROOT_CTP_MASK) | ROOT_P;
	iommu_flush_line(iommu, re, sizeof(*re));
	return table;
}

struct context_entry *iommu_context_entry(struct intel_iommu *iommu, u16 sid)
{
	struct context_entry *t = context_table(iommu, sid >> 8, sid & 0xff,
						true);

	return t && !iommu->sm ? &t[sid & 0xff] : NULL;
}

struct sm_context_entry *iommu_sm_context_entry(struct intel_iommu *iommu,
						u16 sid)
{
	struct sm_context_entry *t = context_table(iommu, sid >> 8, sid & 0xff,
						   true);

	return t && iommu->sm ? &t[(sid & 0xff) % SM_CTX_PER_TABLE] : NULL;
}

int iommu_alloc_did(struct intel_iommu *iommu)
{
	u32 max = MIN(cap_nr_domains(iommu->cap), IOMMU_MAX_DID);

	for (u32 did = IOMMU_FIRST_DID; did < max; did++) {
		if (!(iommu->did_map[did / 64] & BIT_ULL(did % 64))) {
			iommu->did_map[did / 64] |= BIT_ULL(did % 64);
			return did;
		}
	}
	return -EBUSY;
}

void iommu_free_did(struct intel_iommu *iommu, u16 did)
{
	if (did >= IOMMU_FIRST_DID && did < IOMMU_MAX_DID)
		iommu->did_map[did / 64] &= ~BIT_ULL(did % 64);
}

/* 11.4.2 SAGAW / SLLPS and CAP.FS1GP: what a table on this unit may use. */
static u64 page_sizes(const struct intel_iommu *iommu, enum domain_type type)
{
	u64 sizes = BIT_ULL(12) | BIT_ULL(21);
	u64 sllps = (iommu->cap & CAP_SLLPS_MASK) >> CAP_SLLPS_SHIFT;

	if (type == DOMAIN_FIRST_STAGE)
		return sizes | (iommu->cap & CAP_FS1GP ? BIT_ULL(30) : 0);
	sizes = BIT_ULL(12);
	if (sllps & BIT(0))
		sizes |= BIT_ULL(21);
	if (sllps & BIT(1))
		sizes |= BIT_ULL(30);
	return sizes;
}

static bool levels_supported(const struct intel_iommu *iommu,
			     enum domain_type type, unsigned int levels)
{
	if (type == DOMAIN_FIRST_STAGE)
		return levels == 4 || (levels == 5 && (iommu->cap & CAP_FS5LP));
	return levels >= 3 && levels <= 5 &&
	       (cap_sagaw(iommu->cap) & BIT(levels - 2));
}

int domain_init(struct dmar_domain *d, struct intel_iommu *iommu,
		enum domain_type type, unsigned int levels)
{
	int did, ret;

	memset(d, 0, sizeof(*d));
	d->iommu = iommu;
	d->type = type;
	if (type == DOMAIN_PASS_THROUGH) {
		d->did = FLPT_DEFAULT_DID;
		return (iommu->ecap & ECAP_PT) ? 0 : -EOPNOTSUPP;
	}
	if (!levels_supported(iommu, type, levels))
		return -EOPNOTSUPP;
	did = iommu_alloc_did(iommu);
	if (did < 0)
		return did;
	d->did = did;
	d->agaw = levels - 2;
	ret = pgtable_init(&d->pgt, type == DOMAIN_FIRST_STAGE ?
			   PGTABLE_FIRST_STAGE : PGTABLE_SECOND_STAGE,
			   levels, page_sizes(iommu, type),
			   iommu->ecap & ECAP_C);
	if (ret)
		iommu_free_did(iommu, did);
	return ret;
}

void domain_destroy(struct dmar_domain *d)
{
	if (d->type != DOMAIN_PASS_THROUGH) {
		pgtable_destroy(&d->pgt);
		iommu_free_did(d->iommu, d->did);
	}
	memset(d, 0, sizeof(*d));
}

/*
 * cache_tag_flush_iotlb() (cache.c, Linux 7.3.4) for a second-stage or a
 * nesting tag: IH goes with the page-selective flush only; the
 * domain-selective fallback sets addr, mask and ih to 0.
 */
int iommu_flush_iotlb_range(struct intel_iommu *iommu, u16 did, u64 iova,
			    u64 size, bool ih)
{
	unsigned int mamv = (iommu->cap & CAP_MAMV_MASK) >> CAP_MAMV_SHIFT;
	unsigned int am;

	iova = psi_aligned_address(iova, iova + size - 1, &am);

	if (!(iommu->cap & CAP_PSI) || am > mamv)
		return flush_iotlb(iommu, QI_IOTLB_DOMAIN, did, 0, 0, false);
	return flush_iotlb(iommu, QI_IOTLB_PAGE, did, iova, am, ih);
}

/*
 * The same for one tag of @d: first-stage domains take the PASID-based
 * IOTLB descriptor, IH with the page-selective one only (qi_desc_piotlb();
 * qi_desc_piotlb_all() has no address, so no hint).
 */
static int flush_one(struct dmar_domain *d, u32 pasid, u64 iova, u64 size,
		     bool ih)
{
	unsigned int am;

	if (d->type == DOMAIN_SECOND_STAGE)
		return iommu_flush_iotlb_range(d->iommu, d->did, iova, size, ih);
	iova = psi_aligned_address(iova, iova + size - 1, &am);
	/* As Linux's cache_tag_flush_range(): a mask this wide is everything. */
	if (am >= MAX_AGAW_PFN_WIDTH)
		return flush_piotlb(d->iommu, QI_PIOTLB_PASID, d->did, pasid, 0,
				    0, false);
	return flush_piotlb(d->iommu, QI_PIOTLB_PAGE, d->did, pasid, iova, am,
			    ih);
}

int domain_flush_range_ih(struct dmar_domain *d, u64 iova, u64 size, bool ih)
{
	int ret = 0;

	for (unsigned int i = 0; i < d->nr_attached && !ret; i++)
		ret = flush_one(d, d->attached[i].pasid, iova, size, ih);
	return ret;
}

int domain_map(struct dmar_domain *d, u64 iova, u64 pa, u64 size,
	       unsigned int prot)
{
	int ret;

	if (d->type == DOMAIN_PASS_THROUGH)
		return -EINVAL;
	/* vtdss_pt_iommu_set_prot(): PT_FEAT_VTDSS_FORCE_COHERENCE. */
	if (d->force_snooping && d->type == DOMAIN_SECOND_STAGE)
		prot |= PGTABLE_PROT_SNP;
	ret = pgtable_map(&d->pgt, iova, pa, size, prot);
	if (ret)
		return ret;
	/* 6.1: with caching mode, not-present entries may be cached too. */
	if (d->iommu->cap & CAP_CM)
		return domain_flush_range(d, iova, size);
	return flush_write_buffer(d->iommu);
}

s64 domain_unmap_deferred(struct dmar_domain *d, u64 iova, u64 size)
{
	s64 done;
	int ret;

	if (d->type == DOMAIN_PASS_THROUGH)
		return -EINVAL;
	done = pgtable_unmap(&d->pgt, iova, size);
	if (done <= 0)
		return done;
	ret = domain_flush_range_ih(d, iova, size, domain_unmap_ih(d));
	return ret ? ret : done;
}

void domain_release_tables(struct dmar_domain *d, bool flushed)
{
	if (flushed) {
		pgtable_free_unlinked(&d->pgt);
		return;
	}
	/* The unit may still walk them: better lost than reused. */
	if (d->pgt.nr_unlinked)
		ktap_diag("domain %u: %u emptied table pages kept: their invalidation failed",
			  d->did, d->pgt.nr_unlinked);
	d->pgt.nr_unlinked = 0;
}

s64 domain_unmap(struct dmar_domain *d, u64 iova, u64 size)
{
	s64 done = domain_unmap_deferred(d, iova, size);

	domain_release_tables(d, done >= 0);
	return done;
}

int vtd_device_init(struct vtd_device *dev, struct intel_iommu *iommu,
		    u16 sid)
{
	memset(dev, 0, sizeof(*dev));
	dev->iommu = iommu;
	dev->sid = sid;
	dev->pasid.sid = sid;
	return iommu->sm ? pasid_table_init(&dev->pasid) : 0;
}

void vtd_device_release(struct vtd_device *dev)
{
	pasid_table_free(&dev->pasid);
	memset(dev, 0, sizeof(*dev));
}

static int note_attached(struct dmar_domain *d, struct vtd_device *dev,
			 u32 pasid)
{
	if (d->nr_attached == DOMAIN_MAX_ATTACH)
		return -EBUSY;
	d->attached[d->nr_attached].dev = dev;
	d->attached[d->nr_attached].pasid = pasid;
	d->nr_attached++;
	return 0;
}

static void note_detached(struct dmar_domain *d, struct vtd_device *dev,
			  u32 pasid)
{
	for (unsigned int i = 0; i < d->nr_attached; i++) {
		if (d->attached[i].dev != dev || d->attached[i].pasid != pasid)
			continue;
		d->attached[i] = d->attached[--d->nr_attached];
		return;
	}
}

/*
 * A context entry made present (Linux 7.3.4): caching mode flushes the
 * non-present entry the unit may hold, device-selective context-cache
 * with DID 0 and domain-selective IOTLB of @did, in
 * context_present_cache_flush() (legacy; else the write buffer) and
 * device_pasid_table_setup() (scalable, DID 0; else nothing). Both are
 * void: the attach goes on whatever the flushes did.
 */
static void flush_new_context(struct intel_iommu *iommu, u16 sid, u16 did)
{
	const char *fn = iommu->sm ? "device_pasid_table_setup()" :
				     "context_present_cache_flush()";

	if (iommu->cap & CAP_CM) {
		flush_unchecked(iommu, flush_context(iommu, QI_CC_DEVICE, 0, sid),
				fn);
		flush_unchecked(iommu, flush_iotlb(iommu, QI_IOTLB_DOMAIN, did, 0,
						   0, false), fn);
	} else if (!iommu->sm) {
		flush_unchecked(iommu, flush_write_buffer(iommu), fn);
	}
}

/*
 * Linux's iommu->agaw: the AW of the widest second-stage table the unit
 * supports, which pass-through contexts and first-stage and pass-through
 * PASID entries carry.
 */
unsigned int iommu_widest_agaw(const struct intel_iommu *iommu)
{
	u32 sagaw = cap_sagaw(iommu->cap);

	return sagaw & SAGAW_5LEVEL ? AW_5LEVEL :
	       sagaw & SAGAW_4LEVEL ? AW_4LEVEL : AW_3LEVEL;
}

/* 9.3: hi first, then lo with P behind a write barrier. */
static int attach_legacy(struct vtd_device *dev, struct dmar_domain *d)
{
	struct intel_iommu *iommu = dev->iommu;
	struct context_entry *ce = iommu_context_entry(iommu, dev->sid);
	bool pt = d->type == DOMAIN_PASS_THROUGH;

	if (!ce)
		return -ENOMEM;
	if (ce->lo & CTX_P)
		return -EBUSY;
	if (d->type == DOMAIN_FIRST_STAGE)
		return -EINVAL;
	ce->hi = (pt ? iommu_widest_agaw(iommu) : d->agaw) |
		 (u64)d->did << CTX_HI_DID_SHIFT;
	ce->lo = pt ? CTX_TT_PASS_THROUGH << CTX_TT_SHIFT :
		      (d->pgt.root_phys & CTX_SLPTPTR_MASK) |
		      CTX_TT_TRANSLATE << CTX_TT_SHIFT;
	hw_wmb();
	ce->lo |= CTX_P;
	iommu_flush_line(iommu, ce, sizeof(*ce));
	flush_new_context(iommu, dev->sid, d->did);
	return 0;
}

/*
 * The scalable context entry points at the device's PASID directory with
 * RID_PASID 0, and PASIDE for a device with PASID enabled, as
 * context_entry_set_pasid_table() leaves it.
 */
int iommu_setup_sm_context(struct vtd_device *dev)
{
	struct intel_iommu *iommu = dev->iommu;
	struct sm_context_entry *ce = iommu_sm_context_entry(iommu, dev->sid);

	if (!ce)
		return -ENOMEM;
	if (ce->val[0] & SMCTX_P)
		return 0;
	ce->val[1] = IOMMU_NO_PASID;
	ce->val[0] = (hw_virt_to_phys(dev->pasid.dir) & SMCTX_PASIDDIRPTR_MASK) |
		     pasid_table_pdts(&dev->pasid) << SMCTX_PDTS_SHIFT |
		     (dev->pasid_capable ? SMCTX_PASIDE : 0);
	hw_wmb();
	ce->val[0] |= SMCTX_P;
	iommu_flush_line(iommu, ce, sizeof(*ce));
	flush_new_context(iommu, dev->sid, 0);
	return 0;
}

static int setup_pasid_entry(struct vtd_device *dev, u32 pasid,
			     struct dmar_domain *d)
{
	struct intel_iommu *iommu = dev->iommu;
	u32 flags = d->pgt.levels == 5 ? PASID_FLAG_FL5LP : 0;

	/* domain_setup_first_level() */
	if (d->force_snooping)
		flags |= PASID_FLAG_PAGE_SNOOP;
	switch (d->type) {
	case DOMAIN_FIRST_STAGE:
		return pasid_setup_first_level(iommu, &dev->pasid, pasid,
					       d->pgt.root_phys, d->did, flags);
	case DOMAIN_SECOND_STAGE:
		return pasid_setup_second_level(iommu, &dev->pasid, pasid,
						d->pgt.root_phys, d->agaw,
						d->did, false);
	case DOMAIN_PASS_THROUGH:
		return pasid_setup_pass_through(iommu, &dev->pasid, pasid);
	}
	return -EINVAL;
}

int domain_compatible(const struct dmar_domain *d,
		      const struct vtd_device *dev)
{
	if (d->iommu != dev->iommu)
		return -EINVAL;
	/* paging_domain_compatible_second_stage(): FORCE_COHERENCE needs SC. */
	if (d->type == DOMAIN_SECOND_STAGE && d->force_snooping &&
	    !(dev->iommu->ecap & ECAP_SC))
		return -EINVAL;
	return 0;
}

/*
 * domain_support_force_snooping(): false when a device on the domain's
 * devices list, those attached on their RID (RID_PASID), sits behind a
 * unit without ECAP.SC; vtdtest's all sit behind d->iommu.
 */
static bool support_force_snooping(const struct dmar_domain *d)
{
	if (d->iommu->ecap & ECAP_SC)
		return true;
	for (unsigned int i = 0; i < d->nr_attached; i++)
		if (d->attached[i].pasid == IOMMU_NO_PASID)
			return false;
	return true;
}

bool domain_enforce_cache_coherency(struct dmar_domain *d)
{
	switch (d->type) {
	case DOMAIN_FIRST_STAGE:
		/* intel_iommu_enforce_cache_coherency_fs() */
		if (d->force_snooping)
			return true;
		if (!support_force_snooping(d))
			return false;
		d->force_snooping = true;
		/* Newest first, as list_add() leaves domain->devices. */
		for (unsigned int i = d->nr_attached; i--;)
			if (d->attached[i].pasid == IOMMU_NO_PASID)
				pasid_setup_page_snoop_control(d->iommu,
						&d->attached[i].dev->pasid,
						IOMMU_NO_PASID);
		return true;
	case DOMAIN_SECOND_STAGE:
		/* intel_iommu_enforce_cache_coherency_ss() */
		if (!support_force_snooping(d))
			return false;
		d->force_snooping = true;
		return true;
	case DOMAIN_PASS_THROUGH:
		break;
	}
	return false;	/* the identity domain has no such op */
}

int device_attach_pasid(struct vtd_device *dev, u32 pasid,
			struct dmar_domain *d)
{
	int ret;

	if (!dev->iommu->sm)
		return -EINVAL;
	ret = domain_compatible(d, dev);
	if (!ret)
		ret = iommu_setup_sm_context(dev);
	if (!ret)
		ret = setup_pasid_entry(dev, pasid, d);
	if (!ret)
		ret = note_attached(d, dev, pasid);
	return ret;
}

int device_attach(struct vtd_device *dev, struct dmar_domain *d)
{
	int ret;

	if (dev->domain)
		return -EBUSY;
	if (dev->iommu->sm) {
		ret = device_attach_pasid(dev, IOMMU_NO_PASID, d);
	} else {
		ret = domain_compatible(d, dev);
		if (!ret)
			ret = attach_legacy(dev, d);
		if (!ret)
			ret = note_attached(d, dev, IOMMU_NO_PASID);
	}
	if (!ret)
		dev->domain = d;
	return ret;
}

int device_detach_pasid(struct vtd_device *dev, u32 pasid,
			struct dmar_domain *d)
{
	int ret;

	if (!dev->iommu->sm)
		return -EINVAL;
	ret = pasid_tear_down_entry(dev->iommu, &dev->pasid, pasid);
	note_detached(d, dev, pasid);
	return ret;
}

/*
 * domain_context_clear_one() (Linux 7.3.4, since commit c1e4f1dccbe9):
 * clear P and write the line back, then intel_context_flush_no_pasid():
 * device-selective context-cache and domain-selective IOTLB invalidation
 * with the old DID; only then the whole entry is cleared. All of it is
 * void: both flushes are made and the entry cleared whatever they did.
 */
static int detach_legacy(struct vtd_device *dev)
{
	static const char fn[] = "domain_context_clear_one()";
	struct intel_iommu *iommu = dev->iommu;
	struct context_entry *ce = iommu_context_entry(iommu, dev->sid);
	u16 did;

	if (!ce || !(ce->lo & CTX_P))
		return -ENODEV;
	did = (ce->hi & CTX_HI_DID_MASK) >> CTX_HI_DID_SHIFT;
	ce->lo &= ~CTX_P;
	hw_wmb();
	iommu_flush_line(iommu, ce, sizeof(*ce));
	flush_unchecked(iommu, flush_context(iommu, QI_CC_DEVICE, did, dev->sid),
			fn);
	flush_unchecked(iommu, flush_iotlb(iommu, QI_IOTLB_DOMAIN, did, 0, 0,
					   false), fn);
	ce->lo = 0;
	ce->hi = 0;
	iommu_flush_line(iommu, ce, sizeof(*ce));
	return 0;
}

int device_detach(struct vtd_device *dev)
{
	struct dmar_domain *d = dev->domain;
	int ret;

	if (!d)
		return -ENODEV;
	if (dev->iommu->sm) {
		ret = device_detach_pasid(dev, IOMMU_NO_PASID, d);
	} else {
		ret = detach_legacy(dev);
		note_detached(d, dev, IOMMU_NO_PASID);
	}
	dev->domain = NULL;
	return ret;
}
