// SPDX-License-Identifier: GPL-2.0
/* lib/ktap.c: the document it prints, compared line by line. */
#include "lib/ktap.h"
#include "tests/unit/unit.h"

static void report(const char *name, enum ktap_result r, const char *why)
{
	struct ktap_case c;

	ktap_case_init(&c, name);
	if (r == KTAP_FAIL)
		ktap_fail(&c, "%s", why);
	else if (r == KTAP_SKIP)
		ktap_skip(&c, "%s", why);
	else if (r == KTAP_XFAIL)
		ktap_xfail(&c, "%s", why);
	ktap_case_report(&c);
}

UNIT_TEST(ktap_document)
{
	const char *out;
	int rc;

	unit_capture_begin();
	ktap_begin(2);
	ktap_suite_begin("alpha", 4);
	report("one", KTAP_PASS, NULL);
	report("two", KTAP_FAIL, "expected 0x1000\ngot 0x2000");
	report("three", KTAP_SKIP, "no PASID support");
	report("four", KTAP_XFAIL, "QEMU reports 0x5b");
	ktap_suite_end(NULL);
	ktap_suite_begin("beta", 1);
	report("only", KTAP_SKIP, "no DMAR table");
	ktap_suite_end("no DMAR table");
	rc = ktap_end();
	out = unit_capture_end();
	EXPECT_U64(rc, 1);
	EXPECT_STR(out,
		   "KTAP version 1\n"
		   "1..2\n"
		   "    KTAP version 1\n"
		   "    # Subtest: alpha\n"
		   "    1..4\n"
		   "    ok 1 one\n"
		   "    # expected 0x1000\n"
		   "    # got 0x2000\n"
		   "    not ok 2 two\n"
		   "    ok 3 three # SKIP no PASID support\n"
		   "    ok 4 four # XFAIL QEMU reports 0x5b\n"
		   "not ok 1 alpha\n"
		   "    KTAP version 1\n"
		   "    # Subtest: beta\n"
		   "    1..1\n"
		   "    ok 1 only # SKIP no DMAR table\n"
		   "ok 2 beta # SKIP no DMAR table\n"
		   "vtdtest: 2 passed, 1 failed, 2 skipped\n");
}

UNIT_TEST(ktap_plan_mismatch_fails)
{
	const char *out;

	unit_capture_begin();
	ktap_begin(1);
	ktap_suite_begin("short", 3);
	report("one", KTAP_PASS, NULL);
	ktap_suite_end(NULL);
	EXPECT_U64(ktap_end(), 1);
	out = unit_capture_end();
	EXPECT_CONTAINS(out, "    # plan was 3 cases, 1 reported\nnot ok 1 short\n");
	EXPECT_CONTAINS(out, "vtdtest: 1 passed, 2 failed, 0 skipped\n");
}

UNIT_TEST(ktap_failure_is_not_downgraded)
{
	struct ktap_case c;

	unit_capture_begin();
	ktap_begin(0);
	ktap_case_init(&c, "x");
	ktap_fail(&c, "bad");
	ktap_skip(&c, "later skip");
	ktap_xfail(&c, "later xfail");
	unit_capture_end();
	EXPECT_U64(c.result, KTAP_FAIL);
}

UNIT_TEST(ktap_first_failure_is_kept)
{
	struct ktap_case c;

	unit_capture_begin();
	ktap_begin(0);
	ktap_case_init(&c, "x");
	EXPECT_STR(c.failure, "");
	ktap_fail(&c, "fault reason 0x%x at 0x%llx", 6, 0x1000ULL);
	ktap_fail(&c, "second");
	unit_capture_end();
	EXPECT_STR(c.failure, "fault reason 0x6 at 0x1000");
	ktap_case_init(&c, "y");
	EXPECT_STR(c.failure, "");
}

UNIT_TEST(ktap_missing_suites_fail)
{
	const char *out;

	unit_capture_begin();
	ktap_begin(2);
	ktap_suite_begin("a", 0);
	ktap_suite_end(NULL);
	ktap_suite_not_run("b", "the run aborted");
	EXPECT_U64(ktap_end(), 1);
	out = unit_capture_end();
	EXPECT_CONTAINS(out, "ok 1 a\nnot ok 2 b\n# not run: the run aborted\n");
	EXPECT_CONTAINS(out, "vtdtest: 0 passed, 1 failed, 0 skipped\n");
}
