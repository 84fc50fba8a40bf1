// SPDX-License-Identifier: GPL-2.0
/*
 * Suite "dmar": every sanity check of drivers/iommu/intel/dmar.c on the
 * platform's DMAR table, one case each.
 */
#include "drivers/iommu/intel/platform.h"
#include "tests/runner.h"

#define DMAR_SUITE_MAX_CASES	48

static struct test_case dmar_cases[DMAR_SUITE_MAX_CASES];

static void run_check(struct ktap_case *c, const void *arg)
{
	const struct dmar_check *check = arg;
	const char *problem = iommu_platform_dmar_problem();

	if (problem) {
		ktap_fail(c, "%s", problem);
		return;
	}
	check->run(c, iommu_platform_dmar(), iommu_platform_env());
}

static const char *dmar_setup(struct test_suite *s)
{
	const struct dmar_table *t = iommu_platform_dmar();

	for (unsigned int i = 0; i < dmar_nr_checks && i < DMAR_SUITE_MAX_CASES; i++)
		dmar_cases[i] = (struct test_case){
			.name = dmar_checks[i].name,
			.run = run_check,
			.arg = &dmar_checks[i],
		};
	s->nr_cases = MIN(dmar_nr_checks, DMAR_SUITE_MAX_CASES);
	if (!t)
		return "no DMAR table: the platform describes no remapping hardware";
	if (!iommu_platform_dmar_problem())
		dmar_print(t);
	return NULL;
}

struct test_suite dmar_suite = {
	.name = "dmar",
	.setup = dmar_setup,
	.cases = dmar_cases,
};
