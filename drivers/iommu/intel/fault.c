// SPDX-License-Identifier: GPL-2.0
#include "drivers/iommu/intel/fault.h"
#include "drivers/iommu/intel/iommu.h"
#include "drivers/iommu/intel/walker.h"

/* Intel SDM Vol. 3A 11.11.1: MSI address for a fixed, physical delivery. */
#define MSI_ADDR_BASE		0xfee00000U
#define MSI_ADDR_DEST_SHIFT	12
#define FRCD_F_DWORD		BIT(31)		/* F, in the top dword */

static u64 frcd(const struct intel_iommu *iommu, unsigned int i)
{
	return cap_fault_reg_offset(iommu->cap) + (u64)i * FRCD_LEN;
}

static void decode(struct vtd_fault *f, u64 lo, u64 hi, unsigned int index)
{
	*f = (struct vtd_fault){
		.sid = hi & FRCD_HI_SID_MASK,
		.reason = (hi & FRCD_HI_FR_MASK) >> FRCD_HI_FR_SHIFT,
		.read = hi & FRCD_HI_T2,
		.pasid_present = hi & FRCD_HI_PP,
		.pasid = (hi & FRCD_HI_PV_MASK) >> FRCD_HI_PV_SHIFT,
		.exec = hi & FRCD_HI_EXE,
		.priv = hi & FRCD_HI_PRIV,
		.at = (hi & FRCD_HI_AT_MASK) >> FRCD_HI_AT_SHIFT,
		.addr = lo & FRCD_LO_FI_MASK,
		.index = index,
	};
}

/*
 * 7.2.1: records are read from FSTS.FRI on, wrapping, until one without F;
 * each is cleared by writing F back (RW1C). PFO is cleared last.
 */
unsigned int fault_drain(struct intel_iommu *iommu, struct fault_log *log)
{
	u32 nr = cap_nr_fault_regs(iommu->cap);
	u32 fsts = dmar_readl(iommu, DMAR_FSTS_REG);
	u32 first = (fsts & FSTS_FRI_MASK) >> FSTS_FRI_SHIFT;

	log->nr = 0;
	log->overflow = fsts & FSTS_PFO;
	/* A bogus FRO must not send accesses outside the register set. */
	if (frcd(iommu, nr) > iommu->reg_size)
		return 0;
	for (u32 k = 0; k < nr; k++) {
		u32 i = (first + k) % nr;
		u64 hi = dmar_readq(iommu, frcd(iommu, i) + 8);

		if (!(hi & FRCD_HI_F))
			continue;
		if (log->nr < FAULT_LOG_MAX)
			decode(&log->f[log->nr], dmar_readq(iommu, frcd(iommu, i)),
			       hi, i);
		log->nr++;
		dmar_writel(iommu, frcd(iommu, i) + 12, FRCD_F_DWORD);
	}
	if (log->overflow)
		dmar_writel(iommu, DMAR_FSTS_REG, FSTS_PFO);
	return log->nr;
}

void fault_print(const struct intel_iommu *iommu, const struct vtd_fault *f)
{
	ktap_diag("unit %u: fault %s sid %02x:%02x.%u%s addr 0x%llx reason 0x%02x (%s)",
		  iommu->seq, f->read ? "read" : "write", f->sid >> 8,
		  (f->sid >> 3) & 0x1f, f->sid & 7,
		  f->pasid_present ? " with PASID" : "",
		  (unsigned long long)f->addr, f->reason,
		  vtd_fault_reason_name(f->reason));
	if (f->pasid_present)
		ktap_diag("unit %u: fault PASID 0x%x exe %u priv %u", iommu->seq,
			  f->pasid, f->exec, f->priv);
}

void fault_event_setup(struct intel_iommu *iommu, u8 vector, u32 dest_apic)
{
	if (!vector) {
		dmar_writel(iommu, DMAR_FECTL_REG, FECTL_IM);
		return;
	}
	dmar_writel(iommu, DMAR_FEDATA_REG, vector);
	dmar_writel(iommu, DMAR_FEADDR_REG,
		    MSI_ADDR_BASE | (dest_apic & 0xff) << MSI_ADDR_DEST_SHIFT);
	dmar_writel(iommu, DMAR_FEUADDR_REG, 0);
	dmar_writel(iommu, DMAR_FECTL_REG, 0);
}
