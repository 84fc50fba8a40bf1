/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One VT-d remapping unit as the driver knows it.
 */
#ifndef VTDTEST_INTEL_IOMMU_H
#define VTDTEST_INTEL_IOMMU_H

#include "drivers/iommu/intel/regs.h"
#include "lib/hw.h"
#include "lib/ktap.h"

#define IOMMU_MAX_UNITS		16
#define IOMMU_ENTRY_FAULTS	8	/* fault records kept from entry */

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

/* Reads VER, CAP, ECAP and the state at entry of a unit; touches nothing. */
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
