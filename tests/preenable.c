// SPDX-License-Identifier: GPL-2.0
/*
 * inject=preenable's pending fault: a read from an engine behind the unit,
 * which the empty root table the "platform firmware" left faults.
 */
#include "drivers/engine/engine.h"
#include "lib/cfg.h"
#include "lib/ktap.h"
#include "lib/palloc.h"
#include "tests/preenable.h"

#define PREENABLE_FAULT_ADDR	0x100000ULL
#define PREENABLE_FAULT_LEN	64

static u32 expect[PREENABLE_FAULT_LEN / 4];
static const struct cfg *preenable_cfg;

void preenable_init(const struct cfg *cfg)
{
	preenable_cfg = cfg;
}

/*
 * An engine engines= allows whose only DMA is the request: its own queues
 * would fault.
 */
static struct engine *lone_requester(const struct intel_iommu *iommu)
{
	for (unsigned int i = 0; i < engine_count(); i++) {
		struct engine *e = engine_get(i);

		if (e->pci->iommu == (int)iommu->seq &&
		    cfg_engine_allowed(preenable_cfg, e->ops->kind) &&
		    !(e->flags & ENGINE_OWN_DMA) &&
		    PREENABLE_FAULT_LEN % e->len_unit == 0 &&
		    PREENABLE_FAULT_LEN >= e->min_len)
			return e;
	}
	return NULL;
}

bool preenable_fault_dma(struct intel_iommu *iommu)
{
	struct engine *e = lone_requester(iommu);
	struct engine_req r = {
		.iova = PREENABLE_FAULT_ADDR, .len = PREENABLE_FAULT_LEN,
		.blocked = true,
	};
	bool match, issued = false;

	if (!e) {
		ktap_diag("inject=preenable: unit %u: no engine behind it that engines= allows issues a lone DMA: no fault left pending",
			  iommu->seq);
		return false;
	}
	/* The "firmware's" pages, never freed: the device may write them. */
	r.scratch = virt_to_phys(pages_alloc(2));
	if (r.scratch && !engine_start(e) && !engine_read_data(e, &r, expect)) {
		engine_read(e, &r, &match);	/* blocked: any outcome */
		issued = !e->dead;
	}
	if (!issued) {
		ktap_diag("inject=preenable: unit %u: %s did not do its DMA: no fault left pending",
			  iommu->seq, e->name);
		return false;
	}
	ktap_diag("inject=preenable: unit %u: %s read 0x%llx", iommu->seq,
		  e->name, PREENABLE_FAULT_ADDR);
	return true;
}
