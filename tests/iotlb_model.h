/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An explicit model of what a unit may have cached, for the tests that
 * change live tables without invalidating (VT-d spec rev 5.10, 6.2 caching,
 * 6.5 invalidation).
 *
 * A cached translation is the reference walker's answer at the moment the
 * unit could have cached it. It stays live until an invalidation that the
 * model says covers it (6.5.2.1-6.5.2.4). A DMA through a live entry may
 * land where the cached answer says (the unit kept it) or where the walker
 * says now (it did not keep it, re-walked, or invalidated more than asked,
 * which the spec allows); once the entry is invalidated only the walker's
 * answer is right.
 */
#ifndef VTDTEST_TESTS_IOTLB_MODEL_H
#define VTDTEST_TESTS_IOTLB_MODEL_H

#include "tests/dma.h"

enum xlate_cache {
	XC_CONTEXT,		/* context-cache entry (6.2.1) */
	XC_PASID,		/* PASID-cache entry (6.2.2) */
	XC_IOTLB,		/* IOTLB entry (6.2.3) */
};

/* One translation the unit may hold, and what it said when cached. */
struct cached_xlate {
	enum xlate_cache cache;
	u16 sid;
	u16 did;		/* from the context or PASID entry walked */
	u32 pasid;		/* RID_PASID for requests without PASID */
	bool first_stage;	/* the walk was first-stage (PGTT 1) */
	u64 iova;		/* the page it translates */
	u64 phys;		/* the page the walker gave then */
	bool live;		/* no covering invalidation since */
};

enum inval_type {
	INV_CONTEXT,		/* 6.5.2.1, gran QI_CC_* */
	INV_PASID_CACHE,	/* 6.5.2.2, gran QI_PC_* */
	INV_IOTLB,		/* 6.5.2.3, gran QI_IOTLB_* */
	INV_PIOTLB,		/* 6.5.2.4, gran QI_PIOTLB_* */
};

/* One invalidation request, in the terms of the driver's flush_*(). */
struct inval {
	enum inval_type type;
	u64 gran;
	u16 did;
	u16 sid;		/* context-cache device-selective */
	u32 pasid;
	u64 addr;		/* page-selective: 2^am pages from addr */
	unsigned int am;
};

enum xlate_seen {
	XLATE_BAD,		/* neither answer, a fault, or a test bug */
	XLATE_STALE,		/* the cached answer */
	XLATE_FRESH,		/* the walker's answer now */
};

const char *xlate_cache_name(enum xlate_cache cache);

/*
 * Records the walker's answer for a write to @iova by @x's device as an
 * entry of @cache. False (and @c failed) when the walker faults there.
 */
bool xlate_note(struct ktap_case *c, struct cached_xlate *e,
		enum xlate_cache cache, struct dma_ctx *x, u64 iova);

/* Whether @v invalidates @e, by the descriptor's definition in 6.5.2.x. */
bool inval_covers(const struct inval *v, const struct cached_xlate *e);

/*
 * Issues @v through the driver's flush path and ends every entry of
 * @e[0..n) it covers. 0, or the error (and @c failed).
 */
int inval_issue(struct ktap_case *c, struct intel_iommu *iommu,
		const struct inval *v, struct cached_xlate *e, unsigned int n);
/* The model's half of inval_issue(), for invalidations queued by hand. */
void inval_apply(const struct inval *v, struct cached_xlate *e,
		 unsigned int n);
void inval_describe(const struct inval *v, char *buf, size_t len);

/*
 * Writes @len bytes of the device buffer at @iova (inside @e's page) and
 * judges where they landed: at the walker's answer now, or, while @e is
 * live, at its cached answer; every other byte of @t keeps its canary and
 * no fault may be recorded. Both candidates must lie in @t's pages.
 */
enum xlate_seen xlate_check_write(struct ktap_case *c, struct dma_ctx *x,
				  const struct dma_target *t, u64 iova,
				  u32 len, const struct cached_xlate *e);

#endif /* VTDTEST_TESTS_IOTLB_MODEL_H */
