/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The setup every DMA suite shares: the unit behind the edu devices taken
 * over and programmed in one mode, the devices known to it, and a DMA
 * context per device. Suites own their domains.
 */
#ifndef VTDTEST_TESTS_FIXTURE_H
#define VTDTEST_TESTS_FIXTURE_H

#include "tests/dma.h"

#define FIXTURE_MAX_EDU		2

struct fixture {
	struct intel_iommu *iommu;
	bool scalable;
	unsigned int nr_edu;
	struct edu edu[FIXTURE_MAX_EDU];
	struct vtd_device dev[FIXTURE_MAX_EDU];
	struct dma_ctx ctx[FIXTURE_MAX_EDU];
};

/*
 * Brings the unit up in legacy or scalable mode with translation on.
 * Returns NULL, or why the suite must skip; a setup failure fails @c-less
 * suites through fixture_error().
 */
const char *fixture_setup(struct fixture *f, bool scalable);
void fixture_teardown(struct fixture *f);
/* The problem fixture_setup() met, or NULL. */
const char *fixture_error(const struct fixture *f);

/* Allocates a domain of @type, maps the verify page for every device. */
int fixture_domain(struct fixture *f, struct dmar_domain *d,
		   enum domain_type type, unsigned int levels);

/* The second-stage depths this unit offers, deepest first. */
unsigned int fixture_ss_levels(const struct intel_iommu *iommu,
			       unsigned int *levels);

#endif /* VTDTEST_TESTS_FIXTURE_H */
