// SPDX-License-Identifier: GPL-2.0
#include "lib/printf.h"
#include "tests/runner.h"

#define ABORT_REASON_LEN	160

static struct test_suite *const suites[] = {
	&boot_suite,
	&acpi_suite,
	&pci_suite,
	&dmar_suite,
	&hw_info_suite,
	&legacy_suite,
	&scalable_ss_suite,
	&scalable_fs_suite,
	&pasid_suite,
	&invalidation_suite,
	&replace_suite,
	&qi_suite,
	&fault_event_suite,
	&nested_alloc_suite,
	&nested_dma_suite,
	&nested_faults_suite,
	&nested_invalidate_suite,
	&pasid_isolation_suite,
	&nested_replace_suite,
};

static struct {
	const struct cfg *cfg;
	bool started;
	bool aborted;
	unsigned int suite;	/* index into suites[] being run */
	unsigned int next_case;	/* index of the next case to start */
	char setup_failure[ABORT_REASON_LEN];
} run;

static bool case_selected(const struct test_suite *s, unsigned int i)
{
	return cfg_selected(run.cfg, s->name, s->cases[i].name);
}

static unsigned int count_selected(const struct test_suite *s)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < s->nr_cases; i++)
		n += case_selected(s, i);
	return n;
}

static void report_not_run(struct test_suite *s, unsigned int from,
			   enum ktap_result r, const char *reason)
{
	struct ktap_case c;

	for (unsigned int i = from; i < s->nr_cases; i++) {
		if (!case_selected(s, i))
			continue;
		ktap_case_init(&c, s->cases[i].name);
		c.result = r;
		if (r == KTAP_SKIP)
			ktap_skip(&c, "%s", reason);
		else
			ktap_diag("%s: not run: %s", s->cases[i].name, reason);
		ktap_case_report(&c);
	}
}

void runner_setup_failed(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(run.setup_failure, sizeof(run.setup_failure), fmt, ap);
	va_end(ap);
}

static void run_suite(struct test_suite *s)
{
	const char *skip;
	struct ktap_case c;

	run.setup_failure[0] = '\0';
	skip = s->setup ? s->setup(s) : NULL;
	ktap_suite_begin(s->name, count_selected(s));
	if (run.setup_failure[0]) {
		ktap_diag("setup failed: %s", run.setup_failure);
		report_not_run(s, 0, KTAP_FAIL, "suite setup failed");
		if (s->teardown)
			s->teardown();
		ktap_suite_end(NULL);
		return;
	}
	if (skip) {
		report_not_run(s, 0, KTAP_SKIP, skip);
		if (s->teardown)
			s->teardown();
		ktap_suite_end(skip);
		return;
	}
	for (unsigned int i = 0; i < s->nr_cases; i++) {
		if (!case_selected(s, i))
			continue;
		run.next_case = i + 1;
		ktap_case_init(&c, s->cases[i].name);
		s->cases[i].run(&c, s->cases[i].arg);
		ktap_case_report(&c);
	}
	if (s->teardown)
		s->teardown();
	ktap_suite_end(NULL);
}

const struct cfg *runner_cfg(void)
{
	return run.cfg;
}

int runner_run(const struct cfg *cfg)
{
	unsigned int n = 0;

	run.cfg = cfg;
	for (unsigned int i = 0; i < ARRAY_SIZE(suites); i++)
		n += cfg_selected(cfg, suites[i]->name, NULL);
	ktap_begin(n);
	run.started = true;
	for (run.suite = 0; run.suite < ARRAY_SIZE(suites); run.suite++) {
		if (!cfg_selected(cfg, suites[run.suite]->name, NULL))
			continue;
		run.next_case = 0;
		run_suite(suites[run.suite]);
	}
	return ktap_end();
}

void runner_abort(const char *fmt, ...)
{
	char reason[ABORT_REASON_LEN];
	struct ktap_case *c = ktap_current_case();
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (run.aborted)
		return;
	run.aborted = true;
	if (!run.started) {
		kprintf("KTAP version 1\n1..0\n# aborted before any test ran: %s\n",
			reason);
		kprintf("vtdtest: 0 passed, 1 failed, 0 skipped\n");
		return;
	}
	if (ktap_in_suite()) {
		struct test_suite *s = suites[run.suite];

		if (c) {
			ktap_fail(c, "%s", reason);
			ktap_case_report(c);
		}
		report_not_run(s, run.next_case, KTAP_FAIL, "the run aborted");
		ktap_suite_end(NULL);
		run.suite++;
	}
	for (; run.suite < ARRAY_SIZE(suites); run.suite++)
		if (cfg_selected(run.cfg, suites[run.suite]->name, NULL))
			ktap_suite_not_run(suites[run.suite]->name,
					   "the run aborted");
	ktap_end();
}
