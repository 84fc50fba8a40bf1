/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTDTEST_TESTS_PREENABLE_H
#define VTDTEST_TESTS_PREENABLE_H

#include "drivers/iommu/intel/iommu.h"
#include "lib/cfg.h"

/* The engines= key preenable_fault_dma() obeys; before it is called. */
void preenable_init(const struct cfg *cfg);

/*
 * For iommu_platform_preenable(): a read the unit's empty root table
 * faults, from an engine behind it; whether one was issued.
 */
bool preenable_fault_dma(struct intel_iommu *iommu);

#endif /* VTDTEST_TESTS_PREENABLE_H */
