/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake VT-d unit for host tests: a register block (fake_hw_mmio()) whose
 * GCMD writes are reflected in GSTS and whose IQT writes run the
 * invalidation queue: every descriptor between IQH and the new IQT is read
 * from the ring in the fake arena and recorded, wait descriptors with SW
 * write their status data, and IQH catches up with IQT (VT-d 6.5.2). So
 * qi_submit_sync() works on the host and tests compare the exact
 * descriptors the driver emitted. Register-based invalidations (11.4.6)
 * complete at once and are recorded too; FSTS is write-1-to-clear. A test
 * may have descriptors of one type rejected: IQE is set and the head stays
 * on the descriptor until software clears IQE and writes IQT (6.5.2.11).
 */
#ifndef VTDTEST_UNIT_FAKE_VTD_H
#define VTDTEST_UNIT_FAKE_VTD_H

#include "drivers/iommu/intel/iommu.h"

#define FAKE_VTD_BASE		0xfed90000ULL	/* a second unit: + 0x1000 */
#define FAKE_VTD_REG_SIZE	0x1000
#define FAKE_VTD_MAX_DESCS	128
#define FAKE_VTD_MAX_REG	16

/* A register-based invalidation: CCMD, or IOTLB_REG with IVA_REG then. */
struct fake_reg_inval {
	u32 reg;			/* DMAR_CCMD_REG or ECAP.IRO + 8 */
	u64 cmd;
	u64 iva;			/* IVA_REG as the IOTLB command found it */
};

struct fake_vtd {
	struct intel_iommu iommu;
	u8 *regs;
	unsigned int nr_descs;			/* waits included */
	struct qi_desc descs[FAKE_VTD_MAX_DESCS];
	unsigned int nr_reg;
	struct fake_reg_inval reg[FAKE_VTD_MAX_REG];
	u32 fsts;				/* FSTS as the unit holds it */
	/* The next @reject_count descriptors of @reject_type raise IQE. */
	u64 reject_type;
	unsigned int reject_count;
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
/* Forgets the descriptors and register invalidations recorded so far. */
void fake_vtd_clear(struct fake_vtd *v);
/* The recorded descriptors that are not wait descriptors, in order. */
unsigned int fake_vtd_descs(const struct fake_vtd *v, struct qi_desc *out,
			    unsigned int max);
/*
 * Checks the recorded descriptors that are not wait descriptors against
 * @want[0..n) (qw0, qw1), and that their qw2 and qw3 are 0.
 */
void fake_vtd_expect(const struct fake_vtd *v, const u64 (*want)[2],
		     unsigned int n);
/* Wait descriptors recorded: one per qi_submit_sync(). */
unsigned int fake_vtd_submissions(const struct fake_vtd *v);

#endif /* VTDTEST_UNIT_FAKE_VTD_H */
