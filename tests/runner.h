/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Suites and cases, and the runner that turns them into one KTAP document.
 */
#ifndef VTDTEST_TESTS_RUNNER_H
#define VTDTEST_TESTS_RUNNER_H

#include "lib/cfg.h"
#include "lib/ktap.h"

struct test_case {
	const char *name;
	void (*run)(struct ktap_case *c, const void *arg);
	const void *arg;
};

struct test_suite {
	const char *name;
	/*
	 * Runs before the cases; may fill in cases built at run time.
	 * Returns NULL, or the reason every case of the suite is skipped.
	 */
	const char *(*setup)(struct test_suite *s);
	void (*teardown)(void);
	const struct test_case *cases;
	unsigned int nr_cases;
};

#define TEST_CASE(fn)	{ .name = #fn, .run = fn }

/* The configuration the run was started with. */
const struct cfg *runner_cfg(void);
/*
 * Runs every selected suite, cfg->repeat times over, as one KTAP document;
 * runner_end() closes it.
 */
void runner_run(const struct cfg *cfg);
/*
 * Prints the closing summary (version, units, subjects, suites, failing
 * cases, run time), the verdict and the totals line, which stays the
 * last line; @quiesced says whether every unit went quiet at the end.
 * Returns 0 when no case failed, else 1.
 */
int runner_end(bool quiesced);
/* What a line of the closing summary tells, for those who lay it out. */
enum summary_kind {
	SUMMARY_FACT,		/* the run, a unit, a subject or a suite */
	SUMMARY_FAILURE,	/* a failing case and its first failure */
	SUMMARY_MORE,		/* how many failing cases it leaves out */
};
typedef void (*summary_fn)(enum summary_kind kind, const char *line,
			   void *ctx);
/*
 * Calls @fn with each line of the closing summary, in order, as
 * runner_end() prints them after "# summary: ", so that the screen can
 * show the same; only after runner_end().
 */
void runner_summary(summary_fn fn, void *ctx);
/* How many cases failed, those the summary leaves out included. */
unsigned int runner_failures(void);
/*
 * The units the DMA suites left untested and why, "unit 0: no DMA engine
 * behind it; ..."; empty when none was or no DMA suite ran.
 */
const char *runner_untested(void);
/*
 * Ends the run after a fatal event: the current case fails with the
 * reason, the cases and suites left are reported as not run, and the
 * summary and totals line are printed so the KTAP document stays complete.
 */
void runner_abort(const char *fmt, ...) __printf(1, 2);
/*
 * Called from a suite's setup when it could not set up what the suite
 * needs: every case of the suite then fails with the reason.
 */
void runner_setup_failed(const char *fmt, ...) __printf(1, 2);

extern struct test_suite boot_suite;
extern struct test_suite acpi_suite;
extern struct test_suite pci_suite;
extern struct test_suite dmar_suite;
extern struct test_suite hw_info_suite;
extern struct test_suite legacy_suite;
extern struct test_suite scalable_ss_suite;
extern struct test_suite scalable_fs_suite;
extern struct test_suite invalidation_suite;
extern struct test_suite replace_suite;
extern struct test_suite qi_suite;
extern struct test_suite fault_event_suite;
extern struct test_suite pasid_suite;
extern struct test_suite nested_alloc_suite;
extern struct test_suite nested_dma_suite;
extern struct test_suite nested_faults_suite;
extern struct test_suite nested_invalidate_suite;
extern struct test_suite pasid_isolation_suite;
extern struct test_suite nested_replace_suite;
extern struct test_suite privilege_suite;

#endif /* VTDTEST_TESTS_RUNNER_H */
