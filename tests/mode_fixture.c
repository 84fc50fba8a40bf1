// SPDX-License-Identifier: GPL-2.0
#include "drivers/iommu/intel/flush.h"
#include "tests/mode_fixture.h"
#include "tests/runner.h"

const struct test_mode mode_legacy = {
	.name = "legacy", .scalable = false, .type = DOMAIN_SECOND_STAGE,
};
const struct test_mode mode_sm_ss = {
	.name = "scalable second-stage", .scalable = true,
	.type = DOMAIN_SECOND_STAGE, .ecap_bit = ECAP_SSTS,
	.needs = "no second-stage translation in scalable mode (ECAP.SSTS clear)",
};
const struct test_mode mode_sm_fs = {
	.name = "scalable first-stage", .scalable = true,
	.type = DOMAIN_FIRST_STAGE, .ecap_bit = ECAP_FSTS,
	.needs = "no first-stage translation (ECAP.FSTS clear)",
};

struct fixture mode_fx;

static struct {
	const struct test_mode *mode;	/* the mode mode_fx was set up for */
	const char *why;		/* why it cannot run, or NULL */
	bool failed;			/* why is a setup failure */
} cur;

static void set_mode(const struct test_mode *m)
{
	if (cur.mode)
		fixture_teardown(&mode_fx);
	cur.mode = m;
	cur.why = fixture_setup(&mode_fx, m->scalable);
	cur.failed = fixture_error(&mode_fx) != NULL;
	if (!cur.why && m->ecap_bit && !(mode_fx.iommu->ecap & m->ecap_bit))
		cur.why = m->needs;
}

const char *mode_suite_setup(void)
{
	set_mode(&mode_legacy);
	if (cur.failed)
		runner_setup_failed("%s", cur.why);
	return cur.why;
}

void mode_suite_teardown(void)
{
	if (cur.mode)
		fixture_teardown(&mode_fx);
	cur.mode = NULL;
}

bool mode_enter(struct ktap_case *c, const struct test_mode *m)
{
	if (cur.mode != m) {
		ktap_diag("bringing the unit up in %s mode", m->name);
		set_mode(m);
	}
	if (cur.failed)
		ktap_fail(c, "%s mode setup failed: %s", m->name, cur.why);
	else if (cur.why)
		ktap_skip(c, "%s", cur.why);
	return !cur.why;
}

unsigned int mode_levels(const struct test_mode *m)
{
	unsigned int levels[3];

	if (m->type == DOMAIN_FIRST_STAGE)
		return 4;
	return fixture_ss_levels(mode_fx.iommu, levels) ? levels[0] : 0;
}

void mode_scrub(void)
{
	struct intel_iommu *iommu = mode_fx.iommu;

	flush_context(iommu, QI_CC_GLOBAL, 0, 0);
	if (iommu->sm)
		flush_pasid_cache(iommu, QI_PC_GLOBAL, 0, 0);
	flush_iotlb(iommu, QI_IOTLB_GLOBAL, 0, 0, 0, false);
}
