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

static const char *find_devices(struct fixture *f)
{
	const struct subject *s = subject_current();

	if (!s)
		return subject_none_reason();
	f->iommu = s->iommu;
	/* hw_info fails for such a unit; here there is only nothing to test. */
	if (f->iommu->unusable[0]) {
		ksnprintf(skip_reason, sizeof(skip_reason),
			  "unit %u is not programmed: %s (see hw_info)",
			  f->iommu->seq, f->iommu->unusable);
		return skip_reason;
	}
	for (unsigned int i = 0; i < s->nr_eng; i++) {
		if (s->eng[i]->dead) {
			if (i)
				break;	/* one device is enough for most */
			ksnprintf(skip_reason, sizeof(skip_reason),
				  "%s was retired: %s", s->eng[i]->name,
				  s->eng[i]->why);
			return skip_reason;
		}
		f->eng[f->nr_dev++] = s->eng[i];
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
	/* With translation off, a first bring-up's DMA is untranslated. */
	for (unsigned int i = 0; i < f->nr_dev; i++) {
		ret = engine_start(f->eng[i]);
		if (ret) {
			ksnprintf(problem, sizeof(problem),
				  "%s did not start (%d): %s", f->eng[i]->name,
				  ret, f->eng[i]->why);
			return problem;
		}
	}
	ret = intel_iommu_setup(f->iommu, scalable);
	if (ret)
		return fail_setup("programming the root table", ret);
	for (unsigned int i = 0; i < f->nr_dev; i++) {
		ret = vtd_device_init(&f->dev[i], f->iommu, f->eng[i]->sid);
		/* Linux enables PASID only where both ends support it. */
		if (!ret && scalable && (f->iommu->ecap & ECAP_PASID) &&
		    (f->eng[i]->flags & ENGINE_PASID))
			f->dev[i].pasid_capable = true;
		if (!ret)
			ret = dma_ctx_init(&f->ctx[i], f->iommu, f->eng[i],
					   &f->dev[i]);
		if (ret)
			return fail_setup("device setup", ret);
	}
	ret = intel_iommu_enable_translation(f->iommu);
	return ret ? fail_setup("enabling translation", ret) : NULL;
}

void fixture_teardown(struct fixture *f)
{
	if (!f->iommu)
		return;
	intel_iommu_teardown(f->iommu);
	for (unsigned int i = 0; i < f->nr_dev; i++) {
		dma_ctx_release(&f->ctx[i]);
		vtd_device_release(&f->dev[i]);
	}
	f->iommu = NULL;
}

int fixture_domain(struct fixture *f, struct dmar_domain *d,
		   enum domain_type type, unsigned int levels)
{
	int ret = domain_init(d, f->iommu, type, levels);

	for (unsigned int i = 0; i < f->nr_dev && !ret; i++)
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

const char *fixture_pasid_why(const struct fixture *f)
{
	if (f->dev[0].pasid_capable)
		return NULL;
	if (!f->scalable)
		return "legacy mode takes no requests with PASID";
	if (!(f->iommu->ecap & ECAP_PASID))
		return "the unit does not take requests with PASID (ECAP.PASID clear)";
	ksnprintf(skip_reason, sizeof(skip_reason),
		  "%s cannot tag DMA with a PASID (under QEMU, the patched edu and intel-dsa can: configurations nested and dsa)",
		  f->eng[0]->name);
	return skip_reason;
}

bool fixture_second_device(struct ktap_case *c, const struct fixture *f,
			   const char *why)
{
	if (f->nr_dev > 1)
		return true;
	ktap_skip(c, "%s: no second engine behind unit %u %s", f->eng[0]->name,
		  f->iommu->seq, why);
	return false;
}
