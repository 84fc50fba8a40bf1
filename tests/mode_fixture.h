/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One fixture for suites whose cases run in several translation modes:
 * legacy, scalable second-stage and scalable first-stage. The unit is
 * brought up again only when a case needs another mode than the last.
 */
#ifndef VTDTEST_TESTS_MODE_FIXTURE_H
#define VTDTEST_TESTS_MODE_FIXTURE_H

#include "tests/fixture.h"

struct test_mode {
	const char *name;
	bool scalable;
	enum domain_type type;
	u64 ecap_bit;		/* the feature the mode needs, 0 for none */
	const char *needs;	/* why cases skip without it */
};

extern const struct test_mode mode_legacy;
extern const struct test_mode mode_sm_ss;
extern const struct test_mode mode_sm_fs;

/* The fixture of the mode last entered. */
extern struct fixture mode_fx;

/*
 * Suite setup: brings the unit up in legacy mode. NULL, or why the whole
 * suite skips; a setup failure goes to runner_setup_failed().
 */
const char *mode_suite_setup(void);
void mode_suite_teardown(void);
/* Puts the unit in @m's mode; false (and @c skipped or failed) if not. */
bool mode_enter(struct ktap_case *c, const struct test_mode *m);
/* The page-table depth the mode's domains use: the deepest offered. */
unsigned int mode_levels(const struct test_mode *m);
/*
 * Global context-cache, PASID-cache and IOTLB invalidation, so what one
 * case left cached cannot reach the next.
 */
void mode_scrub(void);

#endif /* VTDTEST_TESTS_MODE_FIXTURE_H */
