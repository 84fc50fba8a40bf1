/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Primary fault logging (VT-d spec rev 5.10, 7.2.1): fault recording registers
 * read, decoded and cleared.
 */
#ifndef VTDTEST_INTEL_FAULT_H
#define VTDTEST_INTEL_FAULT_H

#include "lib/types.h"

struct intel_iommu;

#define FAULT_LOG_MAX	16

struct vtd_fault {
	u16 sid;
	u8 reason;
	bool read;		/* T2: 1 read, 0 write */
	bool pasid_present;
	u32 pasid;
	bool exec;
	bool priv;
	u8 at;			/* address type */
	u64 addr;		/* FI: faulting page */
	unsigned int index;	/* recording register it came from */
};

struct fault_log {
	unsigned int nr;	/* records read (may exceed FAULT_LOG_MAX) */
	bool overflow;		/* FSTS.PFO was set */
	struct vtd_fault f[FAULT_LOG_MAX];
};

/* Reads and clears every pending record and PFO; returns the count. */
unsigned int fault_drain(struct intel_iommu *iommu, struct fault_log *log);
/* One diagnostic line per fault, the reason by name. */
void fault_print(const struct intel_iommu *iommu, const struct vtd_fault *f);

/*
 * 11.4.7.2-5: sends the fault event MSI to local APIC @dest_apic on
 * @vector and unmasks it; @vector 0 masks it again.
 */
void fault_event_setup(struct intel_iommu *iommu, u8 vector, u32 dest_apic);

#endif /* VTDTEST_INTEL_FAULT_H */
