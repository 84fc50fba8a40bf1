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

#include "drivers/edu.h"
#include "drivers/iommu/intel/iommu.h"
#include "drivers/iommu/intel/walker.h"
#include "lib/ktap.h"

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

/* A device doing DMA through a unit, and what its buffer holds. */
struct dma_ctx {
	struct intel_iommu *iommu;
	struct edu *edu;
	struct vtd_device *dev;
	bool pasid_present;	/* tag requests with @pasid */
	u32 pasid;
	struct dma_target verify;	/* identity mapped; reads land here */
	u32 buf[EDU_BUF_SIZE / 4];	/* what the device buffer holds */
	bool buf_known;
	u32 seq;
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

/* A verify page, identity mapped in every domain a context uses. */
int dma_ctx_init(struct dma_ctx *x, struct intel_iommu *iommu,
		 struct edu *edu, struct vtd_device *dev);
void dma_ctx_release(struct dma_ctx *x);
/* Maps the verify page 1:1 into @d (pass-through needs nothing). */
int dma_ctx_map_verify(struct dma_ctx *x, struct dmar_domain *d);

/*
 * Loads a fresh pattern into the device buffer by a read DMA from the
 * verify page; the next write check proves it arrived.
 */
int dma_prime(struct ktap_case *c, struct dma_ctx *x);

/* The walker's answer for one page of a request from @x's device. */
const struct walk_result *dma_walk(struct dma_ctx *x, u64 iova, bool write);

/*
 * Writes @len bytes of the device buffer to @iova and checks intent,
 * walker, landing, guards and faults. True when all agreed.
 */
bool dma_check_write(struct ktap_case *c, struct dma_ctx *x,
		     const struct dma_target *t, u64 iova, u32 len,
		     const struct dma_intent *intent);
/*
 * Reads @len bytes at @iova into the device buffer, then writes them to
 * the verify page to see what arrived; checks intent, walker and faults.
 */
bool dma_check_read(struct ktap_case *c, struct dma_ctx *x,
		    const struct dma_target *t, u64 iova, u32 len,
		    const struct dma_intent *intent);

#endif /* VTDTEST_TESTS_DMA_H */
