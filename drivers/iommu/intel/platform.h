/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The firmware's binding of the portable VT-d driver to ACPI, PCI and the
 * UEFI memory map: the DMAR table found at boot and the units it lists.
 */
#ifndef VTDTEST_INTEL_PLATFORM_H
#define VTDTEST_INTEL_PLATFORM_H

#include "drivers/iommu/intel/dmar.h"
#include "drivers/iommu/intel/iommu.h"

/* Finds, parses and resolves the DMAR, probes its units, maps devices. */
void iommu_platform_init(void);
/* The parsed DMAR, NULL when the platform has none. */
const struct dmar_table *iommu_platform_dmar(void);
/* Why the DMAR is unusable (header not trusted), or NULL. */
const char *iommu_platform_dmar_problem(void);
const struct dmar_env *iommu_platform_env(void);
unsigned int iommu_platform_units(struct intel_iommu **units);
/*
 * inject=preenable: leaves every usable unit enabled as a platform
 * firmware might (root table, QI, TE, PMRs, IR, a fault pending), then
 * probes it again so its state at entry is that. @fault_dma has a device
 * behind the unit issue a DMA the empty root table faults, and says
 * whether one was issued.
 */
void iommu_platform_preenable(bool (*fault_dma)(struct intel_iommu *iommu));
/*
 * At the end of the run: every usable unit left disabled and quiet
 * (translation, QI, IR and PMRs off, faults cleared, fault event masked),
 * each reported in a diagnostic. -EIO when one would not go quiet.
 */
int iommu_platform_quiesce(void);

#endif /* VTDTEST_INTEL_PLATFORM_H */
