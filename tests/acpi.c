// SPDX-License-Identifier: GPL-2.0
/*
 * Suite "acpi": the tables everything else is found through.
 */
#include "drivers/acpi/tables.h"
#include "tests/runner.h"

static void rsdp(struct ktap_case *c, const void *arg)
{
	acpi_check_rsdp(c);
}

static void xsdt(struct ktap_case *c, const void *arg)
{
	acpi_check_xsdt(c);
}

static void fadt(struct ktap_case *c, const void *arg)
{
	acpi_check_fadt(c);
}

static void mcfg(struct ktap_case *c, const void *arg)
{
	acpi_check_mcfg(c);
}

static const struct test_case acpi_cases[] = {
	TEST_CASE(rsdp),
	TEST_CASE(xsdt),
	TEST_CASE(fadt),
	TEST_CASE(mcfg),
};

struct test_suite acpi_suite = {
	.name = "acpi",
	.cases = acpi_cases,
	.nr_cases = ARRAY_SIZE(acpi_cases),
};
