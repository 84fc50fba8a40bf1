// SPDX-License-Identifier: GPL-2.0
#include "boot/memmap.h"
#include "drivers/acpi/tables.h"
#include "drivers/iommu/intel/platform.h"
#include "drivers/pci.h"
#include "lib/io.h"

static struct dmar_table dmar;
static bool dmar_present;
static const char *dmar_problem;
static struct intel_iommu units[IOMMU_MAX_UNITS];
static unsigned int nr_units;

static u32 env_pci_read32(void *ctx, u16 seg, u8 bus, u8 devfn, u16 reg)
{
	return pci_read32(seg, bus, devfn, reg);
}

static bool env_mem_is_reserved(void *ctx, u64 base, u64 end)
{
	return memmap_is_reserved(base, end);
}

static u64 env_reg_read64(void *ctx, u64 phys)
{
	return mmio_read64(phys);
}

static struct dmar_env env = {
	.pci_read32 = env_pci_read32,
	.mem_is_reserved = env_mem_is_reserved,
	.reg_read64 = env_reg_read64,
};

/*
 * A unit whose base is 0, unaligned or that reads all ones is not probed;
 * the dmar suite names it. Reading further registers of such a "unit"
 * could touch anything.
 */
static void add_units(void)
{
	for (unsigned int i = 0; i < dmar.nr_drhd && nr_units < IOMMU_MAX_UNITS;
	     i++) {
		const struct dmar_drhd *d = &dmar.drhd[i];
		struct intel_iommu *iommu = &units[nr_units];

		if (!d->base || !IS_ALIGNED(d->base, 4096) ||
		    mmio_read32(d->base + DMAR_VER_REG) == ~0U)
			continue;
		*iommu = (struct intel_iommu){
			.seq = i,
			.reg_phys = d->base,
			/* 8.3: the register set spans 2^Size 4 KiB pages. */
			.reg_size = 4096ULL << (d->size & DMAR_DRHD_SIZE_MASK),
			.segment = d->segment,
			.include_all = d->flags & DMAR_DRHD_INCLUDE_PCI_ALL,
		};
		intel_iommu_probe(iommu);
		nr_units++;
	}
}

static void match_devices(void)
{
	for (unsigned int i = 0; i < pci_device_count(); i++) {
		struct pci_dev *d = pci_device(i);

		d->iommu = dmar_unit_for_device(&dmar, d->segment, d->bus,
						d->devfn);
	}
}

void iommu_platform_init(void)
{
	const struct acpi_table_header *h = acpi_find("DMAR", 0);

	if (!memmap_available())
		env.mem_is_reserved = NULL;
	if (!h)
		return;
	dmar_present = true;
	if (dmar_parse(h, h->length, &dmar) < 0) {
		dmar_problem = "the DMAR header cannot be trusted";
		return;
	}
	dmar_resolve(&dmar, &env);
	add_units();
	match_devices();
}

const struct dmar_table *iommu_platform_dmar(void)
{
	return dmar_present ? &dmar : NULL;
}

const char *iommu_platform_dmar_problem(void)
{
	return dmar_problem;
}

const struct dmar_env *iommu_platform_env(void)
{
	return &env;
}

unsigned int iommu_platform_units(struct intel_iommu **out)
{
	*out = units;
	return nr_units;
}
