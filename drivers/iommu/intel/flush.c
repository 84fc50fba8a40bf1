// SPDX-License-Identifier: GPL-2.0
#include "drivers/iommu/intel/flush.h"
#include "drivers/iommu/intel/iommu.h"
#include "drivers/iommu/intel/nested.h"
#include "lib/errno.h"
#include "lib/printf.h"

/* 11.4.7: context command register. */
#define CCMD_ICC		BIT_ULL(63)
#define CCMD_CIRG_SHIFT		61
#define CCMD_FM_SHIFT		32
#define CCMD_SID_SHIFT		16

/* 11.4.8.1: IOTLB invalidate register, at ECAP.IRO + 8. */
#define IOTLB_IVT		BIT_ULL(63)
#define IOTLB_IIRG_SHIFT	60
#define IOTLB_DW		BIT_ULL(48)
#define IOTLB_DID_SHIFT		32

#define REG_INVAL_TIMEOUT_US	100000

static int submit_one(struct intel_iommu *iommu, struct qi_desc d)
{
	struct qi_error err;
	int ret = qi_submit_sync(iommu, &d, 1, &err);

	if (ret)
		qi_print_error(iommu, &err);
	return ret;
}

static int reg_wait(struct intel_iommu *iommu, u32 off, u64 busy,
		    const char *what)
{
	if (hw_poll_timeout(!(dmar_readq(iommu, off) & busy),
			    REG_INVAL_TIMEOUT_US))
		return 0;
	ktap_diag("unit %u: %s invalidation still busy after %u us (reg 0x%x = 0x%016llx)",
		  iommu->seq, what, REG_INVAL_TIMEOUT_US, off,
		  (unsigned long long)dmar_readq(iommu, off));
	return -ETIMEDOUT;
}

/* VT-d 6.0 dropped register-based invalidation (vtd-facts section 3). */
static bool reg_inval_allowed(const struct intel_iommu *iommu)
{
	return ((iommu->ver & VER_MAJOR_MASK) >> VER_MAJOR_SHIFT) < 6;
}

static u64 drain_bits(const struct intel_iommu *iommu, u64 dr, u64 dw)
{
	return (iommu->cap & CAP_DRD ? dr : 0) | (iommu->cap & CAP_DWD ? dw : 0);
}

int flush_context(struct intel_iommu *iommu, u64 gran, u16 did, u16 sid)
{
	if (iommu->qi_enabled)
		return submit_one(iommu, qi_desc_cc(gran, did, sid, 0));
	if (!reg_inval_allowed(iommu))
		return -EOPNOTSUPP;
	dmar_writeq(iommu, DMAR_CCMD_REG, CCMD_ICC | gran << CCMD_CIRG_SHIFT |
		    (u64)sid << CCMD_SID_SHIFT | did);
	return reg_wait(iommu, DMAR_CCMD_REG, CCMD_ICC, "context-cache");
}

/*
 * Without QI this is __iommu_flush_iotlb() (iommu.c, Linux 7.3.4), which
 * cache_tag_flush_iotlb() calls with the hint in bit 0 of the address
 * (addr | ih): IVA_REG gets size_order | addr, written only when that is
 * not 0, so the hint lands in AM bit 0 and IH (bit 6, VT-d 11.4.6.4) is
 * never set; a hinted flush of 2^am pages asks for 2^(am | 1). Only DW is
 * asked for there, never DR.
 */
int flush_iotlb(struct intel_iommu *iommu, u64 gran, u16 did, u64 addr,
		unsigned int am, bool ih)
{
	u32 iro = ecap_iotlb_offset(iommu->ecap);
	u64 iva = (addr & QI_ADDR_MASK) | (am & QI_ADDR_AM_MASK) | ih;

	if (iommu->qi_enabled)
		return submit_one(iommu, qi_desc_iotlb(gran, did, addr, am, ih,
				  drain_bits(iommu, QI_IOTLB_DR, QI_IOTLB_DW)));
	if (!reg_inval_allowed(iommu))
		return -EOPNOTSUPP;
	if (gran == QI_IOTLB_PAGE && iva)
		dmar_writeq(iommu, iro, iva);
	dmar_writeq(iommu, iro + 8, IOTLB_IVT | gran << IOTLB_IIRG_SHIFT |
		    drain_bits(iommu, 0, IOTLB_DW) |
		    (u64)did << IOTLB_DID_SHIFT);
	return reg_wait(iommu, iro + 8, IOTLB_IVT, "IOTLB");
}

int flush_piotlb(struct intel_iommu *iommu, u64 gran, u16 did, u32 pasid,
		 u64 addr, unsigned int am, bool ih)
{
	if (!iommu->qi_enabled)
		return -EOPNOTSUPP;
	return submit_one(iommu, qi_desc_piotlb(gran, did, pasid, addr, am, ih));
}

int flush_pasid_cache(struct intel_iommu *iommu, u64 gran, u16 did, u32 pasid)
{
	if (!iommu->qi_enabled)
		return -EOPNOTSUPP;
	return submit_one(iommu, qi_desc_pc(gran, did, pasid));
}

int flush_write_buffer(struct intel_iommu *iommu)
{
	u32 cmd;

	if (!(iommu->cap & CAP_RWBF))
		return 0;
	cmd = (dmar_readl(iommu, DMAR_GSTS_REG) & ~GCMD_ONE_SHOT) | GCMD_WBF;
	dmar_writel(iommu, DMAR_GCMD_REG, cmd);
	if (hw_poll_timeout(!(dmar_readl(iommu, DMAR_GSTS_REG) & GSTS_WBFS),
			    REG_INVAL_TIMEOUT_US))
		return 0;
	ktap_diag("unit %u: write-buffer flush still busy after %u us",
		  iommu->seq, REG_INVAL_TIMEOUT_US);
	return -ETIMEDOUT;
}

void flush_unchecked(const struct intel_iommu *iommu, int ret,
		     const char *linux_fn)
{
	struct ktap_case *c = ktap_current_case();
	char msg[KTAP_REASON_LEN];

	if (!ret)
		return;
	ksnprintf(msg, sizeof(msg),
		  "unit %u: an invalidation of %s failed (%d); Linux %s goes on without looking, so vtdtest does",
		  iommu->seq, linux_fn, ret, VTD_LINUX_REFERENCE);
	if (c)
		ktap_fail(c, "%s", msg);
	else
		ktap_diag("%s", msg);
}

/*
 * calculate_psi_aligned_address() (cache.c, Linux 7.3.4): the naturally
 * aligned block that holds @start and @last, from the highest bit in
 * which they differ, at least the page that holds @start. A block of 2^64
 * bytes gives MAX_AGAW_PFN_WIDTH: everything. Releases before it rounded
 * the page count up with __roundup_pow_of_two(), which a range of no page
 * reached with 0 (undefined); here such a range, [addr, addr - 1], spans
 * the block that holds both.
 */
u64 psi_aligned_address(u64 start, u64 last, unsigned int *mask)
{
	u64 diff = start ^ last;
	unsigned int sz_lg2 = diff ? 64 - __builtin_clzll(diff) : 0;

	if (sz_lg2 <= VTD_PAGE_SHIFT) {
		*mask = 0;
		return start & VTD_PAGE_MASK;
	}
	if (sz_lg2 >= 64) {
		*mask = MAX_AGAW_PFN_WIDTH;
		return 0;
	}
	*mask = sz_lg2 - VTD_PAGE_SHIFT;
	return start & ~((1ULL << sz_lg2) - 1);
}
