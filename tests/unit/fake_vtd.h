/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake VT-d unit for host tests: a register block (fake_hw_mmio()) whose
 * GCMD writes are reflected in GSTS and whose IQT writes run the
 * invalidation queue: every descriptor between IQH and the new IQT is read
 * from the ring in the fake arena and recorded, wait descriptors with SW
 * write their status data, and IQH catches up with IQT (VT-d 6.5.2). So
 * qi_submit_sync() works on the host and tests compare the exact
 * descriptors the driver emitted.
 */
#ifndef VTDTEST_UNIT_FAKE_VTD_H
#define VTDTEST_UNIT_FAKE_VTD_H

#include "drivers/iommu/intel/iommu.h"

#define FAKE_VTD_BASE		0xfed90000ULL	/* a second unit: + 0x1000 */
#define FAKE_VTD_REG_SIZE	0x1000
#define FAKE_VTD_MAX_DESCS	128

struct fake_vtd {
	struct intel_iommu iommu;
	u8 *regs;
	unsigned int nr_descs;			/* waits included */
	struct qi_desc descs[FAKE_VTD_MAX_DESCS];
	/* Called as the unit fetches each descriptor, when set. */
	void (*fetched)(struct fake_vtd *v, const struct qi_desc *d);
};

/*
 * Registers unit @seq (0 or 1) with @cap and @ecap, runs
 * intel_iommu_setup() in scalable or legacy mode and forgets the
 * descriptors setup emitted. Call fake_hw_reset() first.
 */
void fake_vtd_init(struct fake_vtd *v, unsigned int seq, u64 cap, u64 ecap,
		   bool scalable);
/* Forgets the descriptors recorded so far. */
void fake_vtd_clear(struct fake_vtd *v);
/* The recorded descriptors that are not wait descriptors, in order. */
unsigned int fake_vtd_descs(const struct fake_vtd *v, struct qi_desc *out,
			    unsigned int max);
/* Wait descriptors recorded: one per qi_submit_sync(). */
unsigned int fake_vtd_submissions(const struct fake_vtd *v);

#endif /* VTDTEST_UNIT_FAKE_VTD_H */
