// SPDX-License-Identifier: GPL-2.0
#include "drivers/iommu/intel/fault.h"
#include "drivers/iommu/intel/flush.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/iotlb_model.h"

#define REGION_PAGES_MAX	8	/* target and guards xlate_check_write takes */
#define MISMATCHES_SHOWN	4

/* The target as it was before the DMA: canaries, for the expected image. */
static u32 before[REGION_PAGES_MAX * PAGE_SIZE / 4];
static u32 data[ENGINE_DATA_MAX / 4];	/* what the engine writes */

const char *xlate_cache_name(enum xlate_cache cache)
{
	switch (cache) {
	case XC_CONTEXT:
		return "context-cache entry";
	case XC_PASID:
		return "PASID-cache entry";
	case XC_IOTLB:
		return "IOTLB entry";
	}
	return "?";
}

bool xlate_note(struct ktap_case *c, struct cached_xlate *e,
		enum xlate_cache cache, struct dma_ctx *x, u64 iova)
{
	const struct walk_result *w = dma_walk(x, iova, true);

	if (w->fault) {
		ktap_fail(c, "test bug: 0x%llx does not translate, nothing to cache (reason 0x%02x)",
			  (unsigned long long)iova, w->reason);
		vtd_walk_print(w);
		return false;
	}
	*e = (struct cached_xlate){
		.cache = cache,
		.sid = x->dev->sid,
		.did = w->did,
		.pasid = x->pasid_present ? x->pasid : IOMMU_NO_PASID,
		.first_stage = w->mode == WALK_FIRST_STAGE,
		.iova = iova & VTD_PAGE_MASK,
		.phys = w->phys & VTD_PAGE_MASK,
		.live = true,
	};
	return true;
}

static bool same_block(u64 a, u64 b, unsigned int am)
{
	return (a >> (VTD_PAGE_SHIFT + am)) == (b >> (VTD_PAGE_SHIFT + am));
}

static bool covers_iotlb(const struct inval *v, const struct cached_xlate *e)
{
	if (v->gran == QI_IOTLB_GLOBAL)
		return true;
	if (e->did != v->did)
		return false;
	/*
	 * 6.5.2.3: the address is a second-stage input address; entries
	 * from first-stage walks of the domain are invalidated whole.
	 */
	if (v->gran == QI_IOTLB_DOMAIN || e->first_stage)
		return true;
	return same_block(e->iova, v->addr, v->am);
}

/* 6.5.2.4: only first-stage (and nested) entries are PASID-tagged here. */
static bool covers_piotlb(const struct inval *v, const struct cached_xlate *e)
{
	if (!e->first_stage || e->did != v->did || e->pasid != v->pasid)
		return false;
	return v->gran == QI_PIOTLB_PASID || same_block(e->iova, v->addr, v->am);
}

bool inval_covers(const struct inval *v, const struct cached_xlate *e)
{
	switch (v->type) {
	case INV_CONTEXT:
		/* 6.5.2.1; device-selective names the DID too (FM 0 here). */
		return e->cache == XC_CONTEXT &&
		       (v->gran == QI_CC_GLOBAL ||
			(v->gran == QI_CC_DOMAIN && e->did == v->did) ||
			(v->gran == QI_CC_DEVICE && e->did == v->did &&
			 e->sid == v->sid));
	case INV_PASID_CACHE:
		/* 6.5.2.2 */
		return e->cache == XC_PASID &&
		       (v->gran == QI_PC_GLOBAL ||
			(v->gran == QI_PC_DOMAIN && e->did == v->did) ||
			(v->gran == QI_PC_PASID && e->did == v->did &&
			 e->pasid == v->pasid));
	case INV_IOTLB:
		return e->cache == XC_IOTLB && covers_iotlb(v, e);
	case INV_PIOTLB:
		return e->cache == XC_IOTLB && covers_piotlb(v, e);
	}
	return false;
}

static const char *gran_name(const struct inval *v)
{
	switch (v->type) {
	case INV_CONTEXT:
		return v->gran == QI_CC_GLOBAL ? "global" :
		       v->gran == QI_CC_DOMAIN ? "domain-selective" :
						 "device-selective";
	case INV_PASID_CACHE:
		return v->gran == QI_PC_GLOBAL ? "global" :
		       v->gran == QI_PC_DOMAIN ? "domain-selective" :
						 "PASID-selective";
	case INV_IOTLB:
		return v->gran == QI_IOTLB_GLOBAL ? "global" :
		       v->gran == QI_IOTLB_DOMAIN ? "domain-selective" :
						    "page-selective";
	case INV_PIOTLB:
		return v->gran == QI_PIOTLB_PASID ? "PASID-selective" :
						    "page-selective";
	}
	return "?";
}

void inval_describe(const struct inval *v, char *buf, size_t len)
{
	static const char *const names[] = {
		[INV_CONTEXT] = "context-cache", [INV_PASID_CACHE] = "PASID-cache",
		[INV_IOTLB] = "IOTLB", [INV_PIOTLB] = "PASID-based IOTLB",
	};
	bool page = (v->type == INV_IOTLB && v->gran == QI_IOTLB_PAGE) ||
		    (v->type == INV_PIOTLB && v->gran == QI_PIOTLB_PAGE);

	bool global = (v->type == INV_CONTEXT && v->gran == QI_CC_GLOBAL) ||
		      (v->type == INV_PASID_CACHE && v->gran == QI_PC_GLOBAL) ||
		      (v->type == INV_IOTLB && v->gran == QI_IOTLB_GLOBAL);

	ksnprintf(buf, len, "%s %s", names[v->type], gran_name(v));
	if (!global)
		ksnprintf(buf + strlen(buf), len - strlen(buf), " did=%u",
			  v->did);
	if (v->type == INV_CONTEXT && v->gran == QI_CC_DEVICE)
		ksnprintf(buf + strlen(buf), len - strlen(buf), " sid=0x%04x",
			  v->sid);
	if (!global && (v->type == INV_PASID_CACHE || v->type == INV_PIOTLB))
		ksnprintf(buf + strlen(buf), len - strlen(buf), " pasid=%u",
			  v->pasid);
	if (page)
		ksnprintf(buf + strlen(buf), len - strlen(buf),
			  " addr=0x%llx am=%u", (unsigned long long)v->addr,
			  v->am);
}

void inval_apply(const struct inval *v, struct cached_xlate *e,
		 unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (e[i].live && inval_covers(v, &e[i]))
			e[i].live = false;
}

int inval_issue(struct ktap_case *c, struct intel_iommu *iommu,
		const struct inval *v, struct cached_xlate *e, unsigned int n)
{
	char what[112];
	int ret = -EINVAL;

	inval_describe(v, what, sizeof(what));
	switch (v->type) {
	case INV_CONTEXT:
		ret = flush_context(iommu, v->gran, v->did, v->sid);
		break;
	case INV_PASID_CACHE:
		ret = flush_pasid_cache(iommu, v->gran, v->did, v->pasid);
		break;
	case INV_IOTLB:
		ret = flush_iotlb(iommu, v->gran, v->did, v->addr, v->am, false);
		break;
	case INV_PIOTLB:
		ret = flush_piotlb(iommu, v->gran, v->did, v->pasid, v->addr,
				   v->am, false);
		break;
	}
	if (ret) {
		ktap_fail(c, "%s failed (%d)", what, ret);
		return ret;
	}
	inval_apply(v, e, n);
	for (unsigned int i = 0; i < n; i++)
		ktap_diag("%s: %s 0x%llx -> 0x%llx %s", what,
			  xlate_cache_name(e[i].cache),
			  (unsigned long long)e[i].iova,
			  (unsigned long long)e[i].phys,
			  e[i].live ? "not covered, may stay" : "invalidated");
	return 0;
}

static u64 region_start(const struct dma_target *t)
{
	return virt_to_phys(t->guard);
}

static u64 region_words(const struct dma_target *t)
{
	return (t->pages + 2) * PAGE_SIZE / 4;
}

static bool in_pages(const struct dma_target *t, u64 pa, u32 len)
{
	return pa >= t->phys && pa + len <= t->phys + t->pages * PAGE_SIZE;
}

/*
 * Words of target and guards that differ from the image before the DMA
 * with @len bytes of @buf put at @pa.
 */
static unsigned int differ(const struct dma_target *t, const u32 *buf, u64 pa,
			   u32 len, bool show)
{
	const u32 *now = (const u32 *)t->guard;
	unsigned int bad = 0;

	for (u64 i = 0; i < region_words(t); i++) {
		u64 a = region_start(t) + i * 4;
		u32 want = a >= pa && a < pa + len ? buf[(a - pa) / 4] : before[i];

		if (now[i] == want)
			continue;
		if (show && bad < MISMATCHES_SHOWN)
			ktap_diag("0x%llx: 0x%08x, expected 0x%08x",
				  (unsigned long long)a, now[i], want);
		bad++;
	}
	return bad;
}

static bool valid_request(struct ktap_case *c, const struct dma_target *t,
			  u64 iova, u32 len, const struct cached_xlate *e)
{
	if (!len || len > ENGINE_DATA_MAX || (iova & 3) || (len & 3) ||
	    (iova & ~VTD_PAGE_MASK) + len > VTD_PAGE_SIZE ||
	    (iova & VTD_PAGE_MASK) != e->iova ||
	    t->pages + 2 > REGION_PAGES_MAX) {
		ktap_fail(c, "test bug: model check of %u bytes at 0x%llx (entry 0x%llx, %llu target pages)",
			  len, (unsigned long long)iova,
			  (unsigned long long)e->iova,
			  (unsigned long long)t->pages);
		return false;
	}
	return true;
}

static bool no_faults(struct ktap_case *c, struct dma_ctx *x)
{
	struct fault_log log;

	if (!fault_drain(x->iommu, &log))
		return true;
	for (unsigned int i = 0; i < MIN(log.nr, FAULT_LOG_MAX); i++)
		fault_print(x->iommu, &log.f[i]);
	ktap_fail(c, "%u fault(s) recorded; both the cached and the current translation allow the write",
		  log.nr);
	return false;
}

enum xlate_seen xlate_check_write(struct ktap_case *c, struct dma_ctx *x,
				  const struct dma_target *t, u64 iova,
				  u32 len, const struct cached_xlate *e)
{
	const struct walk_result *w;
	u64 fresh, stale;
	bool ok;

	if (!dma_fit(c, x, &iova, &len) || !valid_request(c, t, iova, len, e) ||
	    !dma_learn_write(c, x, iova, len, data))
		return XLATE_BAD;
	stale = e->phys | (iova & ~VTD_PAGE_MASK);
	w = dma_walk(x, iova, true);
	fresh = w->phys;
	if (w->fault || !in_pages(t, fresh, len) ||
	    (e->live && (!in_pages(t, stale, len) || stale == fresh))) {
		ktap_fail(c, "test bug: 0x%llx: walker %s 0x%llx, cached 0x%llx (%s): not run",
			  (unsigned long long)iova,
			  w->fault ? "faults at" : "lands at",
			  (unsigned long long)fresh, (unsigned long long)stale,
			  e->live ? "live" : "invalidated");
		vtd_walk_print(w);
		return XLATE_BAD;
	}
	dma_target_fill(t);
	memcpy(before, t->guard, region_words(t) * 4);
	if (dma_issue_write(x, iova, len, false)) {
		ktap_fail(c, "%s: the write did not complete", x->eng->name);
		return XLATE_BAD;
	}
	ok = no_faults(c, x);
	if (!differ(t, data, fresh, len, false))
		return ok ? XLATE_FRESH : XLATE_BAD;
	if (e->live && !differ(t, data, stale, len, false))
		return ok ? XLATE_STALE : XLATE_BAD;
	if (e->live)
		ktap_fail(c, "write at 0x%llx landed neither at 0x%llx (the walker now) nor at 0x%llx (the %s cached before); against the walker:",
			  (unsigned long long)iova, (unsigned long long)fresh,
			  (unsigned long long)stale, xlate_cache_name(e->cache));
	else
		ktap_fail(c, "write at 0x%llx did not land (only) at 0x%llx, the walker's answer; the %s for 0x%llx -> 0x%llx was invalidated:",
			  (unsigned long long)iova, (unsigned long long)fresh,
			  xlate_cache_name(e->cache),
			  (unsigned long long)e->iova,
			  (unsigned long long)e->phys);
	differ(t, data, fresh, len, true);
	vtd_walk_print(w);
	return XLATE_BAD;
}
