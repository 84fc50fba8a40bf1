/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The setup every DMA suite shares: the unit of the current subject taken
 * over and programmed in one mode, the subject's engines started and
 * known to it, and a DMA context per engine. Suites own their domains.
 */
#ifndef VTDTEST_TESTS_FIXTURE_H
#define VTDTEST_TESTS_FIXTURE_H

#include "tests/dma.h"
#include "tests/subject.h"

#define FIXTURE_MAX_DEV		SUBJECT_DEVICES

struct fixture {
	struct intel_iommu *iommu;
	bool scalable;
	unsigned int nr_dev;
	struct engine *eng[FIXTURE_MAX_DEV];
	struct vtd_device dev[FIXTURE_MAX_DEV];
	struct dma_ctx ctx[FIXTURE_MAX_DEV];
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

/* Allocates a domain of @type, maps every device's 1:1 regions. */
int fixture_domain(struct fixture *f, struct dmar_domain *d,
		   enum domain_type type, unsigned int levels);

/* The second-stage depths this unit offers, deepest first. */
unsigned int fixture_ss_levels(const struct intel_iommu *iommu,
			       unsigned int *levels);

/*
 * NULL when device 0 takes requests with PASID (Linux enables PASID only
 * where unit and device both support it), else why not.
 */
const char *fixture_pasid_why(const struct fixture *f);

/* Skips @c, naming the engine, when the fixture has no second device. */
bool fixture_second_device(struct ktap_case *c, const struct fixture *f,
			   const char *why);

#endif /* VTDTEST_TESTS_FIXTURE_H */
