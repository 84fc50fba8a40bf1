/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP version 1 reporting (Documentation/dev-tools/ktap.rst in Linux).
 *
 * The run is one KTAP document whose tests are the suites; each suite is a
 * subtest, indented by four spaces, whose tests are the cases. The totals
 * line "vtdtest: P passed, F failed, S skipped" counts cases and closes the
 * run. An XFAIL is reported as "ok ... # XFAIL reason", as kselftest does,
 * and counts as passed.
 */
#ifndef VTDTEST_LIB_KTAP_H
#define VTDTEST_LIB_KTAP_H

#include "lib/types.h"

enum ktap_result {
	KTAP_PASS,
	KTAP_FAIL,
	KTAP_SKIP,
	KTAP_XFAIL,
};

#define KTAP_REASON_LEN	160

struct ktap_case {
	const char *name;
	enum ktap_result result;
	char reason[KTAP_REASON_LEN];	/* SKIP and XFAIL reasons */
	char failure[KTAP_REASON_LEN];	/* the first ktap_fail() message */
};

struct ktap_totals {
	unsigned int passed;
	unsigned int failed;
	unsigned int skipped;
};

void ktap_begin(unsigned int nr_suites);
void ktap_suite_begin(const char *name, unsigned int nr_cases);
void ktap_case_init(struct ktap_case *c, const char *name);
/* Prints the case's result line and counts it. */
void ktap_case_report(struct ktap_case *c);
/*
 * Prints the suite's result line: not ok when a case failed or the plan was
 * not met (missing cases count as failed), SKIP with @skip_reason when given.
 */
void ktap_suite_end(const char *skip_reason);
/* A suite that never ran because the run aborted: one failed line. */
void ktap_suite_not_run(const char *name, const char *reason);
/* Prints the totals line; returns 0 when nothing failed, else 1. */
int ktap_end(void);

/*
 * Marks @c failed and prints the reason as a diagnostic; the first reason
 * is kept in @c->failure for the closing summary.
 */
void ktap_fail(struct ktap_case *c, const char *fmt, ...) __printf(2, 3);
/* A failure does not become a skip or an expected failure. */
void ktap_skip(struct ktap_case *c, const char *fmt, ...) __printf(2, 3);
void ktap_xfail(struct ktap_case *c, const char *fmt, ...) __printf(2, 3);
/* "# ..." at the current nesting depth. */
void ktap_diag(const char *fmt, ...) __printf(1, 2);
void ktap_vdiag(const char *fmt, va_list ap);

/* The case being run, for the exception handler; NULL between cases. */
struct ktap_case *ktap_current_case(void);
bool ktap_in_suite(void);
struct ktap_totals ktap_totals(void);
/* Restarts the reporter; host unit tests use it between documents. */
void ktap_reset(void);

#endif /* VTDTEST_LIB_KTAP_H */
