// SPDX-License-Identifier: GPL-2.0
#include "lib/ktap.h"
#include "lib/printf.h"

#define SUBTEST_INDENT	"    "

static struct {
	unsigned int nr_suites;
	unsigned int suite_no;
	bool in_suite;
	const char *suite_name;
	unsigned int planned;
	unsigned int reported;
	unsigned int suite_failed;
	unsigned int suite_skipped;
	struct ktap_case *current;
	struct ktap_totals totals;
} ktap;

static const char *indent(void)
{
	return ktap.in_suite ? SUBTEST_INDENT : "";
}

void ktap_reset(void)
{
	ktap = (typeof(ktap)){ 0 };
}

void ktap_begin(unsigned int nr_suites)
{
	ktap_reset();
	ktap.nr_suites = nr_suites;
	kprintf("KTAP version 1\n1..%u\n", nr_suites);
}

void ktap_suite_begin(const char *name, unsigned int nr_cases)
{
	ktap.suite_no++;
	ktap.in_suite = true;
	ktap.suite_name = name;
	ktap.planned = nr_cases;
	ktap.reported = 0;
	ktap.suite_failed = 0;
	ktap.suite_skipped = 0;
	kprintf(SUBTEST_INDENT "KTAP version 1\n" SUBTEST_INDENT
		"# Subtest: %s\n" SUBTEST_INDENT "1..%u\n", name, nr_cases);
}

void ktap_case_init(struct ktap_case *c, const char *name)
{
	c->name = name;
	c->result = KTAP_PASS;
	c->reason[0] = '\0';
	c->failure[0] = '\0';
	ktap.current = c;
}

void ktap_case_report(struct ktap_case *c)
{
	const char *ok = c->result == KTAP_FAIL ? "not ok" : "ok";

	ktap.reported++;
	kprintf("%s%s %u %s", indent(), ok, ktap.reported, c->name);
	switch (c->result) {
	case KTAP_PASS:
		ktap.totals.passed++;
		break;
	case KTAP_XFAIL:
		ktap.totals.passed++;
		kprintf(" # XFAIL %s", c->reason);
		break;
	case KTAP_SKIP:
		ktap.totals.skipped++;
		ktap.suite_skipped++;
		kprintf(" # SKIP %s", c->reason);
		break;
	case KTAP_FAIL:
		ktap.totals.failed++;
		ktap.suite_failed++;
		break;
	}
	kprintf("\n");
	if (ktap.current == c)
		ktap.current = NULL;
}

void ktap_suite_end(const char *skip_reason)
{
	unsigned int missing = 0;

	if (ktap.reported != ktap.planned) {
		ktap_diag("plan was %u cases, %u reported", ktap.planned,
			  ktap.reported);
		if (ktap.reported < ktap.planned)
			missing = ktap.planned - ktap.reported;
		ktap.totals.failed += missing;
		ktap.suite_failed += missing ? missing : 1;
	}
	ktap.in_suite = false;
	kprintf("%s %u %s", ktap.suite_failed ? "not ok" : "ok", ktap.suite_no,
		ktap.suite_name);
	if (skip_reason && !ktap.suite_failed)
		kprintf(" # SKIP %s", skip_reason);
	kprintf("\n");
}

void ktap_suite_not_run(const char *name, const char *reason)
{
	ktap.suite_no++;
	ktap.totals.failed++;
	kprintf("not ok %u %s\n# not run: %s\n", ktap.suite_no, name, reason);
}

int ktap_end(void)
{
	bool failed = ktap.totals.failed != 0;

	if (ktap.suite_no != ktap.nr_suites) {
		kprintf("# plan was %u suites, %u ran\n", ktap.nr_suites,
			ktap.suite_no);
		failed = true;
	}
	kprintf("vtdtest: %u passed, %u failed, %u skipped\n",
		ktap.totals.passed, ktap.totals.failed, ktap.totals.skipped);
	return failed ? 1 : 0;
}

void ktap_vdiag(const char *fmt, va_list ap)
{
	char line[512];
	char *p = line, *nl;

	kvsnprintf(line, sizeof(line), fmt, ap);
	/* Every line of a multi-line message is its own diagnostic. */
	do {
		nl = p;
		while (*nl && *nl != '\n')
			nl++;
		kprintf("%s# %.*s\n", indent(), (int)(nl - p), p);
		p = nl + 1;
	} while (*nl && *p);
}

void ktap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ktap_vdiag(fmt, ap);
	va_end(ap);
}

void ktap_fail(struct ktap_case *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (c->result != KTAP_FAIL) {
		va_list first;

		va_copy(first, ap);
		kvsnprintf(c->failure, sizeof(c->failure), fmt, first);
		va_end(first);
	}
	c->result = KTAP_FAIL;
	ktap_vdiag(fmt, ap);
	va_end(ap);
}

static void set_reason(struct ktap_case *c, enum ktap_result r,
		       const char *fmt, va_list ap)
{
	if (c->result == KTAP_FAIL)
		return;
	c->result = r;
	kvsnprintf(c->reason, sizeof(c->reason), fmt, ap);
}

void ktap_skip(struct ktap_case *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_reason(c, KTAP_SKIP, fmt, ap);
	va_end(ap);
}

void ktap_xfail(struct ktap_case *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_reason(c, KTAP_XFAIL, fmt, ap);
	va_end(ap);
}

struct ktap_case *ktap_current_case(void)
{
	return ktap.current;
}

bool ktap_in_suite(void)
{
	return ktap.in_suite;
}

struct ktap_totals ktap_totals(void)
{
	return ktap.totals;
}
