// SPDX-License-Identifier: GPL-2.0
#include "boot/cpu.h"
#include "drivers/iommu/intel/platform.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/fixture.h"
#include "tests/runner.h"

static char problem[160];	/* setup failed: the suite fails */
static char skip_reason[160];	/* nothing to test on: the suite skips */

const char *fixture_error(const struct fixture *f)
{
	return problem[0] ? problem : NULL;
}

static struct intel_iommu *unit_of(struct pci_dev *pd)
{
	struct intel_iommu *units;
	unsigned int n = iommu_platform_units(&units);

	for (unsigned int i = 0; i < n; i++)
		if ((int)units[i].seq == pd->iommu)
			return &units[i];
	return NULL;
}

static const char *find_devices(struct fixture *f)
{
	struct pci_dev *pd;

	for (f->nr_edu = 0; f->nr_edu < FIXTURE_MAX_EDU; f->nr_edu++) {
		pd = pci_find(EDU_VENDOR, EDU_DEVICE, f->nr_edu);
		if (!pd)
			break;
		if (edu_init(&f->edu[f->nr_edu], pd)) {
			ksnprintf(problem, sizeof(problem),
				  "edu at %02x:%02x.%u does not answer", pd->bus,
				  PCI_SLOT(pd->devfn), PCI_FUNC(pd->devfn));
			return problem;
		}
		if (!f->iommu)
			f->iommu = unit_of(pd);
		else if (unit_of(pd) != f->iommu)
			break;	/* only devices behind the same unit */
	}
	if (!f->nr_edu)
		return "no edu device (1234:11e8) to do DMA with";
	if (!f->iommu)
		return "no remapping unit covers the edu device";
	/* hw_info fails for such a unit; here there is only nothing to test. */
	if (f->iommu->unusable[0]) {
		ksnprintf(skip_reason, sizeof(skip_reason),
			  "unit %u is not programmed: %s (see hw_info)",
			  f->iommu->seq, f->iommu->unusable);
		return skip_reason;
	}
	if (!cfg_unit_allowed(runner_cfg(), f->iommu->seq)) {
		ksnprintf(skip_reason, sizeof(skip_reason),
			  "unit %u excluded by units= in vtdtest.cfg",
			  f->iommu->seq);
		return skip_reason;
	}
	return NULL;
}

static const char *fail_setup(const char *what, int err)
{
	ksnprintf(problem, sizeof(problem), "%s failed (%d)", what, err);
	return problem;
}

const char *fixture_setup(struct fixture *f, bool scalable)
{
	const char *why;
	int ret;

	memset(f, 0, sizeof(*f));
	problem[0] = '\0';
	why = find_devices(f);
	if (why)
		return why;
	if (scalable && !(f->iommu->ecap & ECAP_SMTS))
		return "the unit has no scalable mode (ECAP.SMTS clear)";
	f->scalable = scalable;
	ret = intel_iommu_takeover(f->iommu);
	if (ret)
		return fail_setup("taking over the unit", ret);
	ret = intel_iommu_setup(f->iommu, scalable);
	if (ret)
		return fail_setup("programming the root table", ret);
	for (unsigned int i = 0; i < f->nr_edu; i++) {
		ret = vtd_device_init(&f->dev[i], f->iommu, f->edu[i].sid);
		/* Linux enables PASID only where both ends support it. */
		if (!ret && scalable && (f->iommu->ecap & ECAP_PASID) &&
		    !edu_enable_pasid(&f->edu[i]))
			f->dev[i].pasid_capable = true;
		if (!ret)
			ret = dma_ctx_init(&f->ctx[i], f->iommu, &f->edu[i],
					   &f->dev[i]);
		if (ret)
			return fail_setup("device setup", ret);
	}
	ret = intel_iommu_enable_translation(f->iommu);
	return ret ? fail_setup("enabling translation", ret) : NULL;
}

void fixture_teardown(struct fixture *f)
{
	/*
	 * The next setup gives each edu a new vector; without this, repeat=
	 * runs out of them. A retired edu's DMA may still complete: its
	 * vector stays taken.
	 */
	for (unsigned int i = 0; i < FIXTURE_MAX_EDU; i++) {
		if (!f->edu[i].dead)
			irq_free_vector(f->edu[i].vector);
		f->edu[i].vector = 0;
	}
	if (!f->iommu)
		return;
	intel_iommu_teardown(f->iommu);
	for (unsigned int i = 0; i < f->nr_edu; i++) {
		dma_ctx_release(&f->ctx[i]);
		vtd_device_release(&f->dev[i]);
	}
	f->iommu = NULL;
}

int fixture_domain(struct fixture *f, struct dmar_domain *d,
		   enum domain_type type, unsigned int levels)
{
	int ret = domain_init(d, f->iommu, type, levels);

	for (unsigned int i = 0; i < f->nr_edu && !ret; i++)
		ret = dma_ctx_map_verify(&f->ctx[i], d);
	return ret;
}

unsigned int fixture_ss_levels(const struct intel_iommu *iommu,
			       unsigned int *levels)
{
	unsigned int n = 0;

	for (unsigned int l = 5; l >= 3; l--)
		if (cap_sagaw(iommu->cap) & BIT(l - 2))
			levels[n++] = l;
	return n;
}
