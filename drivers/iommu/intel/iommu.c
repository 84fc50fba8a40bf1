// SPDX-License-Identifier: GPL-2.0
/*
 * Unit discovery: what each remapping unit is and the state the platform
 * firmware left it in. Nothing here writes a register.
 */
#include "drivers/iommu/intel/iommu.h"
#include "lib/printf.h"

#define VER_ALL_ONES	0xffffffffU

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

void intel_iommu_probe(struct intel_iommu *iommu)
{
	struct iommu_entry_state *e = &iommu->entry;

	iommu->ver = dmar_readl(iommu, DMAR_VER_REG);
	iommu->cap = dmar_readq(iommu, DMAR_CAP_REG);
	iommu->ecap = dmar_readq(iommu, DMAR_ECAP_REG);
	if (iommu->ver == VER_ALL_ONES)
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
