/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DMA checks: every DMA a test runs is judged three ways. The reference
 * walker must agree with what the test mapped (else the driver programmed
 * something else), the device's bytes must land exactly where the walker
 * says (else the hardware translated something else), and every byte
 * around the target must keep its canary. A DMA the walker says faults
 * must leave memory untouched and record the walker's reason and address.
 */
#ifndef VTDTEST_TESTS_DMA_H
#define VTDTEST_TESTS_DMA_H

#include "drivers/engine/engine.h"
#include "drivers/iommu/intel/fault.h"
#include "drivers/iommu/intel/iommu.h"
#include "drivers/iommu/intel/walker.h"
#include "lib/ktap.h"
#include "lib/palloc.h"

/* Pages a DMA may land in, between two guard pages. */
struct dma_target {
	u8 *guard;		/* first guard page */
	u64 phys;		/* first target page */
	u64 pages;		/* target pages, guards not counted */
};

/* One mapping a test made: what it meant the tables to say. */
struct dma_map {
	u64 iova;
	u64 pa;
	u64 size;
	unsigned int prot;	/* PGTABLE_PROT_READ / _WRITE */
};

struct dma_intent {
	const struct dma_map *maps;
	unsigned int nr;
	bool identity;		/* pass-through: every address is itself */
};

/* Pages, beyond the request's, a context's engine may use to learn data. */
#define DMA_SCRATCH_PAGES	(ENGINE_DATA_MAX / PAGE_SIZE + 1)
#define DMA_CTX_REGIONS		2

/* Memory a device reaches at IOVA = physical address in every domain. */
struct dma_region {
	u64 phys;
	u64 size;
};

/* A device doing DMA through a unit with its engine. */
struct dma_ctx {
	struct intel_iommu *iommu;
	struct engine *eng;
	struct vtd_device *dev;
	bool pasid_present;	/* tag requests with @pasid */
	u32 pasid;
	bool priv;		/* privileged requests (with a PASID only) */
	struct dma_target verify;	/* scratch, mapped 1:1 */
};

int dma_target_alloc(struct dma_target *t, u64 pages, u64 align_pages);
void dma_target_free(struct dma_target *t);
/* Canaries in, and later a check that every one is still there. */
void dma_target_fill(const struct dma_target *t);
bool dma_target_intact(struct ktap_case *c, const struct dma_target *t);
/*
 * Whether @t holds @len bytes of @data at @pa and its canaries everywhere
 * else: a quiet question, for telling a known deviation by its symptom.
 */
bool dma_target_holds(const struct dma_target *t, u64 pa, const u32 *data,
		      u32 len);

/* Scratch pages, identity mapped in every domain a context uses. */
int dma_ctx_init(struct dma_ctx *x, struct intel_iommu *iommu,
		 struct engine *eng, struct vtd_device *dev);
void dma_ctx_release(struct dma_ctx *x);
/*
 * The regions the device must reach 1:1 in every domain: the scratch
 * pages and the engine's own memory. Returns how many.
 */
unsigned int dma_ctx_regions(const struct dma_ctx *x, struct dma_region *r);
/* Maps every region 1:1 into @d (pass-through needs nothing). */
int dma_ctx_map_verify(struct dma_ctx *x, struct dmar_domain *d);

/*
 * Fits a request to what the engine can express: the address aligned
 * down and the length widened to its units, within the same pages where
 * it can. False, with @c skipped and the reason named, when it cannot.
 */
bool dma_fit(struct ktap_case *c, const struct dma_ctx *x, u64 *iova,
	     u32 *len);
/*
 * What the engine will write at @iova for a write of @len bytes, into
 * @data, learned through the scratch pages; fails @c when that faulted.
 */
bool dma_learn_write(struct ktap_case *c, struct dma_ctx *x, u64 iova,
		     u32 len, u32 *data);
/* The engine's write at @iova; @blocked as the walker predicts. */
int dma_issue_write(struct dma_ctx *x, u64 iova, u32 len, bool blocked);

/* The walker's answer for one page of a request from @x's device. */
const struct walk_result *dma_walk(struct dma_ctx *x, u64 iova, bool write);
/*
 * One recorded fault of a request from @x, against the walker at its page
 * for the access it records: a fault there with a reason the spec allows
 * (or QEMU's known one, as XFAIL), the device's source id, the request's
 * PASID and privilege. Fails @c and shows the walk when not.
 */
bool dma_fault_ok(struct ktap_case *c, struct dma_ctx *x,
		  const struct vtd_fault *f);

/*
 * The engine writes @len bytes it announced beforehand at @iova; checks
 * intent, walker, landing, guards and faults. True when all agreed.
 */
bool dma_check_write(struct ktap_case *c, struct dma_ctx *x,
		     const struct dma_target *t, u64 iova, u32 len,
		     const struct dma_intent *intent);
/*
 * dma_check_write() with the data learned beforehand: @learned is what
 * dma_learn_write() gave for this @iova and @len, already fitted by
 * dma_fit(), for a case whose tables would block the learning itself.
 */
bool dma_check_learned_write(struct ktap_case *c, struct dma_ctx *x,
			     const struct dma_target *t, u64 iova, u32 len,
			     const struct dma_intent *intent,
			     const u32 *learned);
/*
 * The engine reads @len bytes at @iova, which were placed where the walker
 * says they are read; checks intent, walker, what the engine found,
 * faults, and that memory stayed as it was.
 */
bool dma_check_read(struct ktap_case *c, struct dma_ctx *x,
		    const struct dma_target *t, u64 iova, u32 len,
		    const struct dma_intent *intent);

/* The bytes the last dma_check_write() had the engine write. */
const u32 *dma_written(void);

#endif /* VTDTEST_TESTS_DMA_H */
