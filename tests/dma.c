// SPDX-License-Identifier: GPL-2.0
#include "boot/platform.h"
#include "drivers/iommu/intel/fault.h"
#include "drivers/iommu/intel/platform.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/dma.h"

#define CHUNKS_MAX		4
#define CANARY_TAG		0xca000000U
#define WORD_INDEX_MASK		0x00ffffffU
#define MISMATCHES_SHOWN	4

/* One page-sized piece of a DMA, as the walker sees it. */
struct chunk {
	u64 iova;
	u32 len;
	u32 buf_off;		/* offset in the device buffer */
	bool fault;
	u8 reason;
	u64 phys;
	bool intent_land;
	u64 intent_pa;
	u64 data_pa;		/* where its bytes are in memory, 0: nowhere */
};

static struct walk_result walk;	/* too big for the stack */
/* What the engine wrote or must read in the last check. */
static u32 data[ENGINE_DATA_MAX / 4];
/* A DMA never finished: it may still land, so no target is reused. */
static bool dma_lost;

static u64 target_bytes(const struct dma_target *t)
{
	return (t->pages + 2) * PAGE_SIZE;
}

int dma_target_alloc(struct dma_target *t, u64 pages, u64 align_pages)
{
	/* The target run is aligned; the guard page sits just below it. */
	u8 *run = pages_alloc_aligned(pages + 2 * align_pages, align_pages);

	if (!run)
		return -ENOMEM;
	t->guard = run + (align_pages - 1) * PAGE_SIZE;
	t->phys = virt_to_phys(run) + align_pages * PAGE_SIZE;
	t->pages = pages;
	/* Give back what the alignment padding took, keeping the guards. */
	if (align_pages > 1) {
		pages_free(run, align_pages - 1);
		pages_free(t->guard + target_bytes(t), align_pages - 1);
	}
	return 0;
}

void dma_target_free(struct dma_target *t)
{
	if (t->guard && !dma_lost)
		pages_free(t->guard, t->pages + 2);
	t->guard = NULL;
}

static u32 *target_words(const struct dma_target *t)
{
	return (u32 *)t->guard;
}

void dma_target_fill(const struct dma_target *t)
{
	u32 *w = target_words(t);

	for (u64 i = 0; i < target_bytes(t) / 4; i++)
		w[i] = CANARY_TAG | (i & WORD_INDEX_MASK);
}

static bool in_target(const struct dma_target *t, u64 pa, u32 len)
{
	return pa >= t->phys && pa + len <= t->phys + t->pages * PAGE_SIZE;
}

/* Target and guards: all ours, so a DMA may safely land anywhere in it. */
static bool in_region(const struct dma_target *t, u64 pa, u32 len)
{
	u64 start = virt_to_phys(t->guard);

	return pa >= start && pa + len <= start + target_bytes(t);
}

int dma_ctx_init(struct dma_ctx *x, struct intel_iommu *iommu,
		 struct engine *eng, struct vtd_device *dev)
{
	memset(x, 0, sizeof(*x));
	x->iommu = iommu;
	x->eng = eng;
	x->dev = dev;
	return dma_target_alloc(&x->verify, DMA_SCRATCH_PAGES, 1);
}

void dma_ctx_release(struct dma_ctx *x)
{
	dma_target_free(&x->verify);
}

unsigned int dma_ctx_regions(const struct dma_ctx *x, struct dma_region *r)
{
	unsigned int n = 0;

	r[n++] = (struct dma_region){ x->verify.phys,
				      x->verify.pages * PAGE_SIZE };
	if (x->eng->own_pages)
		r[n++] = (struct dma_region){ virt_to_phys(x->eng->own),
					      x->eng->own_pages * PAGE_SIZE };
	return n;
}

int dma_ctx_map_verify(struct dma_ctx *x, struct dmar_domain *d)
{
	struct dma_region r[DMA_CTX_REGIONS];
	unsigned int n = dma_ctx_regions(x, r);
	int ret = 0;

	if (d->type == DOMAIN_PASS_THROUGH)
		return 0;
	for (unsigned int i = 0; i < n && !ret; i++)
		ret = domain_map(d, r[i].phys, r[i].phys, r[i].size,
				 PGTABLE_PROT_READ | PGTABLE_PROT_WRITE);
	return ret;
}

const struct walk_result *dma_walk(struct dma_ctx *x, u64 iova, bool write)
{
	const struct dmar_table *dmar = iommu_platform_dmar();
	struct walk_unit u = {
		.rtaddr = iommu_rtaddr(x->iommu),
		.cap = x->iommu->cap,
		.ecap = x->iommu->ecap,
		.haw = dmar ? dmar->haw : 0,
		.ver = x->iommu->ver,
	};
	struct walk_request r = {
		.sid = x->dev->sid,
		.pasid_present = x->pasid_present,
		.pasid = x->pasid,
		.addr = iova,
		.write = write,
		.priv = x->priv,
	};

	vtd_walk(&u, &r, &walk);
	return &walk;
}

static bool intent_lands(const struct dma_intent *in, u64 a, bool write,
			 u64 *pa)
{
	if (in->identity) {
		*pa = a;
		return true;
	}
	for (unsigned int i = 0; i < in->nr; i++) {
		const struct dma_map *m = &in->maps[i];

		if (a < m->iova || a - m->iova >= m->size)
			continue;
		*pa = m->pa + (a - m->iova);
		return m->prot & (write ? PGTABLE_PROT_WRITE : PGTABLE_PROT_READ);
	}
	return false;
}

/* Splits the DMA at page boundaries and asks the walker about each piece. */
static unsigned int plan(struct ktap_case *c, struct dma_ctx *x, u64 iova,
			 u32 len, bool write, const struct dma_intent *in,
			 struct chunk *ch, bool *agree)
{
	unsigned int n = 0;

	*agree = true;
	for (u32 off = 0; off < len && n < CHUNKS_MAX; n++) {
		u64 a = iova + off;
		u32 piece = MIN(len - off, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
		const struct walk_result *w = dma_walk(x, a, write);
		struct chunk *k = &ch[n];

		*k = (struct chunk){ .iova = a, .len = piece, .buf_off = off,
				     .fault = w->fault, .reason = w->reason,
				     .phys = w->phys };
		k->intent_land = intent_lands(in, a, write, &k->intent_pa);
		k->data_pa = !k->fault ? k->phys : 0;
		if (k->intent_land != !k->fault ||
		    (k->intent_land && k->intent_pa != k->phys)) {
			ktap_fail(c, "tables disagree with the mapping at 0x%llx: mapped %s 0x%llx, walker %s 0x%llx (reason 0x%02x)",
				  (unsigned long long)a,
				  k->intent_land ? "to" : "as no access",
				  (unsigned long long)k->intent_pa,
				  k->fault ? "faults" : "lands at",
				  (unsigned long long)k->phys, k->reason);
			vtd_walk_print(w);
			*agree = false;
		}
		off += piece;
	}
	return n;
}

/* QEMU 10 deviations from the spec (vtd-facts section 5), as XFAIL. */
static const struct {
	u8 spec;
	u8 qemu;
	const char *why;
} qemu_reasons[] = {
	{ 0x59, 0x5b, "QEMU reports a non-present PASID entry as 0x5B, not 0x59" },
	{ 0x79, 0x05, "QEMU reports scalable-mode second-stage faults with legacy reason codes" },
	{ 0x79, 0x06, "QEMU reports scalable-mode second-stage faults with legacy reason codes" },
	{ 0x85, 0x05, "QEMU reports scalable-mode second-stage faults with legacy reason codes" },
	{ 0x86, 0x06, "QEMU reports scalable-mode second-stage faults with legacy reason codes" },
	{ 0x7a, 0x0c, "QEMU reports scalable-mode second-stage faults with legacy reason codes" },
	{ 0x84, 0x04, "QEMU reports scalable-mode second-stage faults with legacy reason codes" },
};

/*
 * 11.4.7.6: PP is set only for requests with a PASID. QEMU sets it for
 * requests without one too (it reports the RID_PASID it used).
 */
static bool pasid_matches(struct ktap_case *c, const struct dma_ctx *x,
			  const struct vtd_fault *f)
{
	if (f->pasid_present == x->pasid_present &&
	    (!f->pasid_present || f->pasid == x->pasid))
		return true;
	if (platform_is_qemu() && !x->pasid_present && f->pasid_present) {
		ktap_xfail(c, "QEMU sets PASID Present in faults of requests without PASID");
		return true;
	}
	ktap_fail(c, "fault PASID %s 0x%x, the request had %s 0x%x",
		  f->pasid_present ? "present" : "absent", f->pasid,
		  x->pasid_present ? "PASID" : "no PASID", x->pasid);
	return false;
}

/* 11.4.7.6: PRIV records whether a request with PASID was privileged. */
static bool priv_matches(struct ktap_case *c, const struct dma_ctx *x,
			 const struct vtd_fault *f)
{
	if (!f->pasid_present || !x->pasid_present || f->priv == x->priv)
		return true;
	ktap_fail(c, "fault PRIV %u, the request was %s", f->priv,
		  x->priv ? "privileged" : "a user request");
	return false;
}

static bool reason_matches(struct ktap_case *c, const struct walk_result *w,
			   u8 got)
{
	unsigned int nr = MIN(w->nr_reasons, WALK_MAX_REASONS);

	/* Table 30 gives no priority: any reason the walker allows. */
	if (vtd_walk_allows(w, got)) {
		if (nr > 1)
			ktap_diag("the unit chose reason 0x%02x (%s) of the %u the spec allows here",
				  got, vtd_fault_reason_name(got), nr);
		return true;
	}
	if (!platform_is_qemu())
		return false;
	for (unsigned int i = 0; i < ARRAY_SIZE(qemu_reasons); i++) {
		if (qemu_reasons[i].spec == w->reason &&
		    qemu_reasons[i].qemu == got) {
			ktap_xfail(c, "%s", qemu_reasons[i].why);
			return true;
		}
	}
	return false;
}

static const struct chunk *chunk_for(const struct chunk *ch, unsigned int n,
				     u64 page)
{
	for (unsigned int i = 0; i < n; i++)
		if (ch[i].fault && (ch[i].iova & ~(PAGE_SIZE - 1)) == page)
			return &ch[i];
	return NULL;
}

bool dma_fault_ok(struct ktap_case *c, struct dma_ctx *x,
		  const struct vtd_fault *f)
{
	const struct walk_result *w = dma_walk(x, f->addr, !f->read);

	if (w->fault && reason_matches(c, w, f->reason) &&
	    f->sid == x->eng->sid && pasid_matches(c, x, f) &&
	    priv_matches(c, x, f))
		return true;
	ktap_fail(c, "fault at 0x%llx: reason 0x%02x sid 0x%04x %s PASID %s 0x%x PRIV %u; walker says %s 0x%02x (%s), sid 0x%04x %s PASID %s 0x%x PRIV %u",
		  (unsigned long long)f->addr, f->reason, f->sid,
		  f->read ? "read" : "write",
		  f->pasid_present ? "present" : "absent", f->pasid, f->priv,
		  w->fault ? "reason" : "no fault,", w->reason,
		  vtd_fault_reason_name(w->reason), x->eng->sid,
		  f->read ? "read" : "write",
		  x->pasid_present ? "present" : "absent", x->pasid, x->priv);
	vtd_walk_print(w);
	return false;
}

/*
 * Every recorded fault must be one the walker predicted, with the access
 * type of the request, and as dma_fault_ok() judges it; a predicted fault
 * must be recorded (one per source at a time: QEMU has one recording
 * register).
 */
static bool check_faults(struct ktap_case *c, struct dma_ctx *x,
			 const struct chunk *ch, unsigned int n, bool write)
{
	struct fault_log log;
	bool expected = false, ok = true;

	for (unsigned int i = 0; i < n; i++)
		expected |= ch[i].fault;
	fault_drain(x->iommu, &log);
	for (unsigned int i = 0; i < MIN(log.nr, FAULT_LOG_MAX); i++) {
		const struct vtd_fault *f = &log.f[i];
		const struct chunk *k = chunk_for(ch, n, f->addr);

		fault_print(x->iommu, f);
		if (!k) {
			ktap_fail(c, "fault at 0x%llx that the walker did not predict",
				  (unsigned long long)f->addr);
			ok = false;
		} else if (f->read == write) {
			ktap_fail(c, "fault at 0x%llx records a %s, the request was a %s",
				  (unsigned long long)f->addr,
				  f->read ? "read" : "write",
				  write ? "write" : "read");
			vtd_walk_print(dma_walk(x, k->iova, write));
			ok = false;
		} else if (!dma_fault_ok(c, x, f)) {
			ok = false;
		}
	}
	if (expected && !log.nr) {
		for (unsigned int i = 0; i < n; i++)
			if (ch[i].fault)
				ktap_fail(c, "no fault recorded; the walker says 0x%llx faults with reason 0x%02x (%s)",
					  (unsigned long long)ch[i].iova,
					  ch[i].reason,
					  vtd_fault_reason_name(ch[i].reason));
		ok = false;
	}
	if (log.overflow)
		ktap_diag("fault overflow (FSTS.PFO) was set");
	return ok;
}

/* Where in the target a word of the buffer turned up, for the report. */
static void report_landing(const struct dma_target *t, u32 word)
{
	const u32 *w = target_words(t);

	for (u64 i = 0; i < target_bytes(t) / 4; i++) {
		if (w[i] == word) {
			ktap_diag("buffer word 0x%08x found at 0x%llx", word,
				  (unsigned long long)(virt_to_phys(t->guard) + i * 4));
			return;
		}
	}
	ktap_diag("buffer word 0x%08x found nowhere in the target", word);
}

static u32 expected_word(const struct dma_target *t, const struct chunk *ch,
			 unsigned int n, const u32 *buf, u64 i)
{
	u64 pa = virt_to_phys(t->guard) + i * 4;

	for (unsigned int k = 0; k < n; k++) {
		const struct chunk *p = &ch[k];

		if (p->data_pa && pa >= p->data_pa && pa < p->data_pa + p->len)
			return buf[(p->buf_off + (pa - p->data_pa)) / 4];
	}
	return CANARY_TAG | (i & WORD_INDEX_MASK);
}

/* Every word of guards and target is what the chunks say, nothing else. */
static bool check_memory(struct ktap_case *c, const struct dma_target *t,
			 const struct chunk *ch, unsigned int n, const u32 *buf)
{
	const u32 *w = target_words(t);
	unsigned int shown = 0, bad = 0;

	for (u64 i = 0; i < target_bytes(t) / 4; i++) {
		u32 want = expected_word(t, ch, n, buf, i);

		if (w[i] == want)
			continue;
		if (shown++ < MISMATCHES_SHOWN)
			ktap_diag("0x%llx: 0x%08x, expected 0x%08x",
				  (unsigned long long)(virt_to_phys(t->guard) + i * 4),
				  w[i], want);
		bad++;
	}
	if (!bad)
		return true;
	ktap_fail(c, "%u words differ in the target and its guard pages", bad);
	if (n)
		report_landing(t, buf[ch[0].buf_off / 4]);
	return false;
}

static bool chunks_inside(struct ktap_case *c, const struct dma_target *t,
			  const struct chunk *ch, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (ch[i].fault || in_region(t, ch[i].phys, ch[i].len))
			continue;
		ktap_fail(c, "0x%llx would land at 0x%llx, outside its target and guards: not run",
			  (unsigned long long)ch[i].iova,
			  (unsigned long long)ch[i].phys);
		return false;
	}
	return true;
}

static struct engine_req request(const struct dma_ctx *x, u64 iova, u32 len,
				 bool blocked)
{
	return (struct engine_req){
		.iova = iova, .len = len, .pasid_present = x->pasid_present,
		.pasid = x->pasid, .priv = x->priv, .blocked = blocked,
		.scratch = x->verify.phys,
	};
}

/* A retired engine's request may still land: no target is reused. */
static void note_retired(const struct dma_ctx *x)
{
	dma_lost |= x->eng->dead;
}

/*
 * Says the first widened request of each engine, and with verbose=1 every
 * one: engines of 512-byte blocks widen most requests.
 */
static void say_widened(const struct engine *e, u64 iova, u32 len, u64 start,
			u64 n)
{
	static const struct engine *said[ENGINE_MAX];
	unsigned int i;

	for (i = 0; i < ENGINE_MAX && said[i] && said[i] != e; i++)
		;
	if (i < ENGINE_MAX && said[i] == e && !vtd_verbose)
		return;
	ktap_diag("%s: %u bytes at 0x%llx issued as %llu bytes at 0x%llx%s",
		  e->name, len, (unsigned long long)iova,
		  (unsigned long long)n, (unsigned long long)start,
		  vtd_verbose ? "" :
		  " (the engine's units; later widenings only with verbose=1)");
	if (i < ENGINE_MAX)
		said[i] = e;
}

bool dma_fit(struct ktap_case *c, const struct dma_ctx *x, u64 *iova,
	     u32 *len)
{
	const struct engine *e = x->eng;
	u64 start = *iova & ~((u64)e->align - 1);
	u64 last_page = (*iova + *len - 1) & ~(PAGE_SIZE - 1);
	u64 n = MAX(ALIGN_UP(*iova + *len - start, e->len_unit), e->min_len);

	if (e->dead) {
		ktap_skip(c, "%s was retired: %s", e->name, e->why);
		return false;
	}
	if (n > e->max_len) {
		ktap_skip(c, "%s moves at most %u bytes in one request, the case needs %llu",
			  e->name, e->max_len, (unsigned long long)n);
		return false;
	}
	/* Widened, it keeps to the pages the request reached if it can. */
	if (start + n > last_page + PAGE_SIZE &&
	    last_page + PAGE_SIZE - n >= (*iova & ~(PAGE_SIZE - 1)))
		start = (last_page + PAGE_SIZE - n) & ~((u64)e->align - 1);
	if (start != *iova || n != *len)
		say_widened(e, *iova, *len, start, n);
	*iova = start;
	*len = n;
	return true;
}

/* Faults recorded while the engine used its scratch pages: none allowed. */
static bool scratch_clean(struct ktap_case *c, struct dma_ctx *x,
			  const char *what)
{
	struct fault_log log;

	if (!fault_drain(x->iommu, &log))
		return true;
	for (unsigned int i = 0; i < MIN(log.nr, FAULT_LOG_MAX); i++)
		fault_print(x->iommu, &log.f[i]);
	ktap_fail(c, "%s: %s through the scratch pages at 0x%llx faulted",
		  x->eng->name, what, (unsigned long long)x->verify.phys);
	return false;
}

bool dma_learn_write(struct ktap_case *c, struct dma_ctx *x, u64 iova,
		     u32 len, u32 *buf)
{
	struct engine_req r = request(x, iova, len, false);
	int ret = engine_write_data(x->eng, &r, buf);

	note_retired(x);
	if (ret) {
		ktap_fail(c, "%s: learning what a write of %u bytes brings failed (%d)",
			  x->eng->name, len, ret);
		return false;
	}
	return scratch_clean(c, x, "learning its data");
}

int dma_issue_write(struct dma_ctx *x, u64 iova, u32 len, bool blocked)
{
	struct engine_req r = request(x, iova, len, blocked);
	int ret = engine_write(x->eng, &r);

	note_retired(x);
	return ret;
}

/*
 * An engine that fetches its own queues through the translation cannot
 * issue a request where the walker says they are out of reach.
 */
static bool own_reachable(struct ktap_case *c, struct dma_ctx *x)
{
	struct dma_region r[DMA_CTX_REGIONS];
	unsigned int n = dma_ctx_regions(x, r);

	if (!(x->eng->flags & ENGINE_OWN_DMA))
		return true;
	for (unsigned int i = 0; i < n; i++) {
		const struct walk_result *w = dma_walk(x, r[i].phys, true);

		if (!w->fault && w->phys == r[i].phys)
			continue;
		ktap_skip(c, "%s reaches its queues and scratch pages through the same translation, and the walker says 0x%llx %s there: it cannot issue this request",
			  x->eng->name, (unsigned long long)r[i].phys,
			  w->fault ? "faults" : "is not identity mapped");
		return false;
	}
	return true;
}

static void print_walks(struct dma_ctx *x, const struct chunk *ch,
			unsigned int n, bool write)
{
	for (unsigned int i = 0; i < n; i++)
		vtd_walk_print(dma_walk(x, ch[i].iova, write));
}

static bool valid_request(struct ktap_case *c, u64 iova, u32 len)
{
	if (len && len <= ENGINE_DATA_MAX && !(iova & 3) && !(len & 3))
		return true;
	ktap_fail(c, "test bug: DMA of %u bytes at 0x%llx", len,
		  (unsigned long long)iova);
	return false;
}

bool dma_target_holds(const struct dma_target *t, u64 pa, const u32 *data,
		      u32 len)
{
	struct chunk k = { .len = len, .phys = pa, .data_pa = pa };
	const u32 *w = target_words(t);

	for (u64 i = 0; i < target_bytes(t) / 4; i++)
		if (w[i] != expected_word(t, &k, 1, data, i))
			return false;
	return true;
}

bool dma_target_intact(struct ktap_case *c, const struct dma_target *t)
{
	return check_memory(c, t, NULL, 0, NULL);
}

static bool any_fault(const struct chunk *ch, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (ch[i].fault)
			return true;
	return false;
}

/* The request, fitted to the engine, planned, and safe to issue. */
static bool prepare(struct ktap_case *c, struct dma_ctx *x,
		    const struct dma_target *t, u64 *iova, u32 *len, bool write,
		    const struct dma_intent *intent, struct chunk *ch,
		    unsigned int *n, bool *agree)
{
	if (!valid_request(c, *iova, *len) || !dma_fit(c, x, iova, len))
		return false;
	*n = plan(c, x, *iova, *len, write, intent, ch, agree);
	return chunks_inside(c, t, ch, *n) && own_reachable(c, x);
}

/*
 * The write's data into data[]: @learned, which must be for the request
 * as fitted, or learned now through the scratch pages.
 */
static bool write_data(struct ktap_case *c, struct dma_ctx *x, u64 iova,
		       u32 len, u64 asked_iova, u32 asked_len,
		       const u32 *learned)
{
	if (!learned)
		return dma_learn_write(c, x, iova, len, data);
	if (iova != asked_iova || len != asked_len) {
		ktap_fail(c, "test bug: data learned for %u bytes at 0x%llx, %s issues %u bytes at 0x%llx",
			  asked_len, (unsigned long long)asked_iova,
			  x->eng->name, len, (unsigned long long)iova);
		return false;
	}
	memcpy(data, learned, len);
	return true;
}

static bool check_write(struct ktap_case *c, struct dma_ctx *x,
			const struct dma_target *t, u64 iova, u32 len,
			const struct dma_intent *intent, const u32 *learned)
{
	struct chunk ch[CHUNKS_MAX];
	u64 asked_iova = iova;
	u32 asked_len = len;
	unsigned int n;
	bool agree, ok, blocked;
	int ret;

	if (!prepare(c, x, t, &iova, &len, true, intent, ch, &n, &agree) ||
	    !write_data(c, x, iova, len, asked_iova, asked_len, learned))
		return false;
	dma_target_fill(t);
	blocked = any_fault(ch, n);
	ret = dma_issue_write(x, iova, len, blocked);
	if (ret && !blocked) {
		ktap_fail(c, "%s: the write did not complete (%d)",
			  x->eng->name, ret);
		return false;
	}
	if (ret)
		ktap_diag("%s: the blocked write ended with %d", x->eng->name,
			  ret);
	ok = check_memory(c, t, ch, n, data);
	ok &= check_faults(c, x, ch, n, true);
	/* plan() already showed the walks it disagreed with. */
	if (!ok && agree)
		print_walks(x, ch, n, true);
	return ok && agree;
}

bool dma_check_write(struct ktap_case *c, struct dma_ctx *x,
		     const struct dma_target *t, u64 iova, u32 len,
		     const struct dma_intent *intent)
{
	return check_write(c, x, t, iova, len, intent, NULL);
}

bool dma_check_learned_write(struct ktap_case *c, struct dma_ctx *x,
			     const struct dma_target *t, u64 iova, u32 len,
			     const struct dma_intent *intent,
			     const u32 *learned)
{
	return check_write(c, x, t, iova, len, intent, learned);
}

const u32 *dma_written(void)
{
	return data;
}

/*
 * The bytes a read must find go where the walker says it reads them; for
 * a blocked piece, where the mapping would have put them, so a read that
 * was not blocked shows.
 */
static void place_source(const struct dma_target *t, struct chunk *ch,
			 unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct chunk *k = &ch[i];

		if (k->fault)
			k->data_pa = k->intent_pa &&
				     in_target(t, k->intent_pa, k->len) ?
				     k->intent_pa : 0;
		if (k->data_pa)
			memcpy(phys_to_virt(k->data_pa), (u8 *)data + k->buf_off,
			       k->len);
	}
}

static bool learn_read(struct ktap_case *c, struct dma_ctx *x, u64 iova,
		       u32 len)
{
	struct engine_req r = request(x, iova, len, false);
	int ret = engine_read_data(x->eng, &r, data);

	note_retired(x);
	if (ret == -EOPNOTSUPP) {
		ktap_skip(c, "%s cannot issue a DMA read", x->eng->name);
		return false;
	}
	if (ret) {
		ktap_fail(c, "%s: learning what a read of %u bytes must find failed (%d)",
			  x->eng->name, len, ret);
		return false;
	}
	return scratch_clean(c, x, "learning its data");
}

/* What the engine said of a read, against what the walker says. */
static bool read_judged(struct ktap_case *c, struct dma_ctx *x,
			const struct chunk *ch, unsigned int n, int ret,
			bool match)
{
	const struct chunk *k = &ch[0];

	if (any_fault(ch, n)) {
		if (ret || !match)
			return true;
		for (unsigned int i = 0; i < n; i++)
			if (ch[i].fault)
				k = &ch[i];
		ktap_fail(c, "%s: the read at 0x%llx faults by the walker (reason 0x%02x), yet delivered the bytes placed at 0x%llx",
			  x->eng->name, (unsigned long long)k->iova, k->reason,
			  (unsigned long long)k->data_pa);
		return false;
	}
	if (ret) {
		ktap_fail(c, "%s: the read did not complete (%d)", x->eng->name,
			  ret);
		return false;
	}
	if (match)
		return true;
	ktap_fail(c, "%s: the read at 0x%llx did not deliver the bytes the walker says it finds at 0x%llx",
		  x->eng->name, (unsigned long long)k->iova,
		  (unsigned long long)k->phys);
	return false;
}

bool dma_check_read(struct ktap_case *c, struct dma_ctx *x,
		    const struct dma_target *t, u64 iova, u32 len,
		    const struct dma_intent *intent)
{
	struct chunk ch[CHUNKS_MAX];
	struct engine_req r;
	unsigned int n;
	bool agree, ok, match;
	int ret;

	if (!prepare(c, x, t, &iova, &len, false, intent, ch, &n, &agree) ||
	    !learn_read(c, x, iova, len))
		return false;
	dma_target_fill(t);
	place_source(t, ch, n);
	r = request(x, iova, len, any_fault(ch, n));
	ret = engine_read(x->eng, &r, &match);
	note_retired(x);
	ok = read_judged(c, x, ch, n, ret, match);
	ok &= check_faults(c, x, ch, n, false);
	/* A read changes nothing: the target still holds what was placed. */
	ok &= check_memory(c, t, ch, n, data);
	if (!ok && agree)
		print_walks(x, ch, n, false);
	return ok && agree;
}
