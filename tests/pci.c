// SPDX-License-Identifier: GPL-2.0
/*
 * Suite "pci": enumeration through ECAM and which remapping unit each
 * device sits behind.
 */
#include "drivers/iommu/intel/platform.h"
#include "drivers/pci.h"
#include "lib/printf.h"
#include "tests/runner.h"

#define HOST_BRIDGE_CLASS	0x0600

static void print_device(const struct pci_dev *d)
{
	char unit[16] = "none";

	if (d->iommu >= 0)
		ksnprintf(unit, sizeof(unit), "%d", d->iommu);
	ktap_diag("%04x:%02x:%02x.%u %04x:%04x class %06x%s unit %s",
		  d->segment, d->bus, PCI_SLOT(d->devfn), PCI_FUNC(d->devfn),
		  d->vendor, d->device, d->class_rev >> 8,
		  (d->header_type & PCI_HEADER_TYPE_MASK) == PCI_HEADER_BRIDGE ?
			  " bridge" : "",
		  unit);
}

static void enumerate(struct ktap_case *c, const void *arg)
{
	unsigned int n = pci_device_count();
	const struct pci_dev *d0 = pci_device(0);

	for (unsigned int i = 0; i < n; i++)
		print_device(pci_device(i));
	if (!n) {
		ktap_fail(c, "no PCI function found through ECAM");
		return;
	}
	if (n == PCI_MAX_DEVICES)
		ktap_fail(c, "more than %u functions: enumeration truncated",
			  PCI_MAX_DEVICES);
	if (d0->bus != 0 || d0->devfn != 0 ||
	    (d0->class_rev >> 16) != HOST_BRIDGE_CLASS)
		ktap_fail(c, "first function %02x:%02x.%u class %04x is not the host bridge at 00:00.0",
			  d0->bus, PCI_SLOT(d0->devfn), PCI_FUNC(d0->devfn),
			  d0->class_rev >> 16);
}

/* With a DMAR, every function must sit behind exactly one unit. */
static void device_units(struct ktap_case *c, const void *arg)
{
	unsigned int n = pci_device_count(), orphans = 0;

	if (!iommu_platform_dmar()) {
		ktap_skip(c, "no DMAR table");
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		const struct pci_dev *d = pci_device(i);

		if (d->iommu >= 0)
			continue;
		orphans++;
		ktap_fail(c, "%04x:%02x:%02x.%u is covered by no DRHD scope and no INCLUDE_PCI_ALL unit",
			  d->segment, d->bus, PCI_SLOT(d->devfn),
			  PCI_FUNC(d->devfn));
	}
	ktap_diag("%u of %u functions matched to a remapping unit",
		  n - orphans, n);
}

static const struct test_case pci_cases[] = {
	TEST_CASE(enumerate),
	TEST_CASE(device_units),
};

struct test_suite pci_suite = {
	.name = "pci",
	.cases = pci_cases,
	.nr_cases = ARRAY_SIZE(pci_cases),
};
