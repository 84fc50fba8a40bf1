/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cache invalidation (VT-d spec rev 5.10, 6.5): through the invalidation queue
 * when it is enabled, through the register interface (6.5.1) otherwise.
 * Each returns 0 or -errno; a failure has been reported as a diagnostic.
 */
#ifndef VTDTEST_INTEL_FLUSH_H
#define VTDTEST_INTEL_FLUSH_H

#include "drivers/iommu/intel/qi.h"

struct intel_iommu;

int flush_context(struct intel_iommu *iommu, u64 gran, u16 did, u16 sid);
/* @am: address mask, the flush covers 2^am pages from @addr. */
int flush_iotlb(struct intel_iommu *iommu, u64 gran, u16 did, u64 addr,
		unsigned int am, bool ih);
int flush_piotlb(struct intel_iommu *iommu, u64 gran, u16 did, u32 pasid,
		 u64 addr, unsigned int am, bool ih);
int flush_pasid_cache(struct intel_iommu *iommu, u64 gran, u16 did, u32 pasid);
/* 6.8: only units with CAP.RWBF need it; a no-op elsewhere. */
int flush_write_buffer(struct intel_iommu *iommu);
/*
 * For a flush whose result Linux 7.3.4 never looks at: the setup and
 * teardown flushes of context and PASID entries are void there
 * (pasid_flush_caches(), intel_pasid_tear_down_entry(),
 * context_present_cache_flush(), domain_context_clear_one(), ...), so
 * vtdtest goes on as Linux does. A failure @ret of @linux_fn's flush fails
 * the case being run (a unit that loses invalidations is never a pass) or,
 * between cases, is said.
 */
void flush_unchecked(const struct intel_iommu *iommu, int ret,
		     const char *linux_fn);

/* Linux's MAX_AGAW_PFN_WIDTH: an address mask this wide covers everything. */
#define MAX_AGAW_PFN_WIDTH	52

/*
 * The page-selective flush of [@start, @last]: its address, and its mask
 * in *@mask (Linux's calculate_psi_aligned_address()).
 */
u64 psi_aligned_address(u64 start, u64 last, unsigned int *mask);

#endif /* VTDTEST_INTEL_FLUSH_H */
