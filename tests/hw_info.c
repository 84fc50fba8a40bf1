// SPDX-License-Identifier: GPL-2.0
/*
 * Suite "hw_info": what each remapping unit reports, as Linux's
 * IOMMU_GET_HW_INFO would hand it to user space, and whether it makes sense.
 */
#include "drivers/iommu/intel/platform.h"
#include "tests/runner.h"

static struct intel_iommu *units;
static unsigned int nr_units;

static void registers(struct ktap_case *c, const void *arg)
{
	for (unsigned int i = 0; i < nr_units; i++)
		intel_iommu_check_registers(c, &units[i]);
}

static void capabilities(struct ktap_case *c, const void *arg)
{
	for (unsigned int i = 0; i < nr_units; i++)
		intel_iommu_check_caps(c, &units[i]);
}

static void units_agree(struct ktap_case *c, const void *arg)
{
	intel_iommu_check_agree(c, units, nr_units);
}

static const char *hw_info_setup(struct test_suite *s)
{
	const struct dmar_table *t = iommu_platform_dmar();

	nr_units = iommu_platform_units(&units);
	if (!t)
		return "no DMAR table: the platform describes no remapping hardware";
	if (!nr_units)
		return "no DRHD with a usable register base (see suite dmar)";
	return NULL;
}

static const struct test_case hw_info_cases[] = {
	TEST_CASE(registers),
	TEST_CASE(capabilities),
	TEST_CASE(units_agree),
};

struct test_suite hw_info_suite = {
	.name = "hw_info",
	.setup = hw_info_setup,
	.cases = hw_info_cases,
	.nr_cases = ARRAY_SIZE(hw_info_cases),
};
