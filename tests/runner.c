// SPDX-License-Identifier: GPL-2.0
#include "drivers/iommu/intel/nested.h"
#include "drivers/iommu/intel/platform.h"
#include "lib/printf.h"
#include "lib/time.h"
#include "tests/runner.h"
#include "tests/subject.h"

#define ABORT_REASON_LEN	160
#define NR_SUITES		((unsigned int)ARRAY_SIZE(suites))
#define SUMMARY_MAX_FAILURES	16
#define SUMMARY_LINE_LEN	512	/* as ktap_diag() prints at most */
#define VERDICT_LEN		160
/* A pass: the suites run once, then the DMA suites once per subject. */
#define SCHEDULE_MAX		(NR_SUITES * (SUBJECT_MAX + 1))
#define NO_SUBJECT		(-1)

/* The suites, in order; the DMA suites run once per subject. */
static const struct {
	struct test_suite *suite;
	bool per_subject;
} suites[] = {
	{ &boot_suite, false },
	{ &acpi_suite, false },
	{ &pci_suite, false },
	{ &dmar_suite, false },
	{ &hw_info_suite, false },
	{ &legacy_suite, true },
	{ &scalable_ss_suite, true },
	{ &scalable_fs_suite, true },
	{ &pasid_suite, true },
	{ &invalidation_suite, true },
	{ &replace_suite, true },
	{ &qi_suite, true },
	{ &fault_event_suite, true },
	{ &nested_alloc_suite, true },
	{ &nested_dma_suite, true },
	{ &nested_faults_suite, true },
	{ &nested_invalidate_suite, true },
	{ &pasid_isolation_suite, true },
	{ &nested_replace_suite, true },
	{ &privilege_suite, true },
};

/* One suite run in a pass: which suite, and for which subject. */
struct slot {
	unsigned char suite;
	signed char subject;	/* NO_SUBJECT, or a subject_get() index */
};

/* A failing case for the closing summary. */
struct failure {
	const char *suite;
	const char *name;		/* NULL: the suite's setup */
	const char *subject;		/* NULL: not a DMA suite */
	unsigned int pass;
	char message[KTAP_REASON_LEN];	/* its first failure */
};

/* One suite over every pass, for the closing summary. */
struct tally {
	struct ktap_totals totals;	/* as the totals line counts them */
	unsigned int runs;		/* passes it ran in */
	unsigned int cases_not_run;	/* counted failed in totals */
	unsigned int passes_not_run;	/* one failed suite line each */
};

static struct {
	const struct cfg *cfg;
	bool started;
	bool aborted;
	/* Why the cases and suites left are not run, or NULL. */
	const char *stop;
	/* pass * nr_slots + index into schedule[] of the suite being run */
	unsigned int slot;
	unsigned int nr_slots;		/* per pass */
	struct slot schedule[SCHEDULE_MAX];
	bool dma_selected;		/* a DMA suite was selected */
	unsigned int next_case;	/* index of the next case to start */
	char setup_failure[ABORT_REASON_LEN];
	u64 start_us;
	struct ktap_totals before;	/* the totals when the suite began */
	struct tally tally[NR_SUITES];
	struct ktap_totals subject_totals[SUBJECT_MAX];
	unsigned int nr_failures;	/* may exceed SUMMARY_MAX_FAILURES */
	struct failure failures[SUMMARY_MAX_FAILURES];
	u64 run_ms;			/* set by runner_end() */
	/* Where runner_summary() sends the lines. */
	summary_fn summary_fn;
	void *summary_ctx;
} run;

static const struct slot *slot_of(unsigned int slot)
{
	return &run.schedule[slot % run.nr_slots];
}

static struct test_suite *slot_suite(unsigned int slot)
{
	return suites[slot_of(slot)->suite].suite;
}

static const struct subject *slot_subject(unsigned int slot)
{
	int i = slot_of(slot)->subject;

	return i == NO_SUBJECT ? NULL : subject_get(i);
}

static struct tally *slot_tally(void)
{
	return &run.tally[slot_of(run.slot)->suite];
}

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

/*
 * Keeps a failure for the summary; under stop_on_fail, the cases and
 * suites left are from now on reported as not run.
 */
static void record_failure(const char *name, const char *message)
{
	struct failure *f;

	if (run.cfg->stop_on_fail && !run.stop)
		run.stop = "stop_on_fail";
	if (run.nr_failures++ >= SUMMARY_MAX_FAILURES)
		return;
	f = &run.failures[run.nr_failures - 1];
	f->suite = slot_suite(run.slot)->name;
	f->name = name;
	f->subject = slot_subject(run.slot) ? slot_subject(run.slot)->name : NULL;
	f->pass = run.slot / run.nr_slots + 1;
	ksnprintf(f->message, sizeof(f->message), "%s",
		  message[0] ? message : "(no message)");
}

/* Reports the selected cases from @from on with result @r; returns how many. */
static unsigned int report_not_run(struct test_suite *s, unsigned int from,
				   enum ktap_result r, const char *reason)
{
	struct ktap_case c;
	unsigned int n = 0;

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
		n++;
	}
	return n;
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
	if (slot_subject(run.slot))
		ktap_diag("subject: %s", slot_subject(run.slot)->name);
	if (run.setup_failure[0]) {
		ktap_diag("setup failed: %s", run.setup_failure);
		report_not_run(s, 0, KTAP_FAIL, "suite setup failed");
		record_failure(NULL, run.setup_failure);
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
		if (run.stop) {
			slot_tally()->cases_not_run +=
				report_not_run(s, i, KTAP_FAIL, run.stop);
			break;
		}
		run.next_case = i + 1;
		ktap_case_init(&c, s->cases[i].name);
		s->cases[i].run(&c, s->cases[i].arg);
		ktap_case_report(&c);
		if (c.result == KTAP_FAIL)
			record_failure(c.name, c.failure);
	}
	if (s->teardown)
		s->teardown();
	ktap_suite_end(NULL);
}

static void add_totals(struct ktap_totals *t, struct ktap_totals now)
{
	t->passed += now.passed - run.before.passed;
	t->failed += now.failed - run.before.failed;
	t->skipped += now.skipped - run.before.skipped;
}

/* Adds what the suite in run.slot reported to its tallies. */
static void count_suite(void)
{
	struct ktap_totals now = ktap_totals();
	int subject = slot_of(run.slot)->subject;

	add_totals(&slot_tally()->totals, now);
	if (subject != NO_SUBJECT)
		add_totals(&run.subject_totals[subject], now);
}

/* Runs, or reports as not run, the suites from run.slot to the end. */
static void run_slots(void)
{
	unsigned int repeat = run.cfg->repeat;

	for (; run.slot < run.nr_slots * repeat; run.slot++) {
		struct test_suite *s = slot_suite(run.slot);

		if (repeat > 1 && run.slot % run.nr_slots == 0)
			ktap_diag("repeat %u of %u", run.slot / run.nr_slots + 1,
				  repeat);
		subject_select(slot_of(run.slot)->subject);
		run.before = ktap_totals();
		if (run.stop) {
			ktap_suite_not_run(s->name, run.stop);
			slot_tally()->passes_not_run++;
		} else {
			run.next_case = 0;
			slot_tally()->runs++;
			run_suite(s);
		}
		count_suite();
	}
}

const struct cfg *runner_cfg(void)
{
	return run.cfg;
}

static void schedule(unsigned int suite, int subject)
{
	if (!cfg_selected(run.cfg, suites[suite].suite->name, NULL))
		return;
	run.schedule[run.nr_slots++] = (struct slot){ suite, subject };
	run.dma_selected |= suites[suite].per_subject;
}

/* One pass: the suites once, then the DMA suites for each subject. */
static void plan_pass(void)
{
	int nr = subject_count();

	for (unsigned int i = 0; i < NR_SUITES; i++)
		if (!suites[i].per_subject)
			schedule(i, NO_SUBJECT);
	for (int sub = 0; sub < MAX(nr, 1); sub++)
		for (unsigned int i = 0; i < NR_SUITES; i++)
			if (suites[i].per_subject)
				schedule(i, nr ? sub : NO_SUBJECT);
}

void runner_run(const struct cfg *cfg)
{
	struct intel_iommu *units;
	unsigned int n = iommu_platform_units(&units);

	run.cfg = cfg;
	subjects_init(cfg, units, n, engine_get(0), engine_count());
	plan_pass();
	run.start_us = time_now_us();
	ktap_begin(run.nr_slots * cfg->repeat);
	run.started = true;
	run.slot = 0;
	run_slots();
}

/* A line of the closing summary, to whoever runner_summary() serves. */
static __printf(2, 3) void summary(enum summary_kind kind, const char *fmt, ...)
{
	char line[SUMMARY_LINE_LEN];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	run.summary_fn(kind, line, run.summary_ctx);
}

static void summarize_units(void)
{
	static const struct {
		const char *name;
		u64 bit;
	} features[] = {
		{ "SMTS", ECAP_SMTS }, { "FSTS", ECAP_FSTS },
		{ "SSTS", ECAP_SSTS }, { "NEST", ECAP_NEST },
		{ "PASID", ECAP_PASID }, { "PT", ECAP_PT },
		{ "QI", ECAP_QI }, { "IR", ECAP_IR },
	};
	struct intel_iommu *units;
	unsigned int n = iommu_platform_units(&units);
	char buf[64];
	size_t len;

	if (!n)
		summary(SUMMARY_FACT, "no remapping unit");
	for (unsigned int i = 0; i < n; i++) {
		const struct intel_iommu *u = &units[i];

		if (u->unusable[0]) {
			summary(SUMMARY_FACT, "unit %u at 0x%llx: not programmed: %s",
				u->seq, (unsigned long long)u->reg_phys,
				u->unusable);
			continue;
		}
		len = 0;
		for (unsigned int f = 0; f < ARRAY_SIZE(features); f++)
			len += ksnprintf(buf + len, sizeof(buf) - len, " %c%s",
					 u->ecap & features[f].bit ? '+' : '-',
					 features[f].name);
		summary(SUMMARY_FACT, "unit %u at 0x%llx VER %u.%u:%s%s",
			u->seq, (unsigned long long)u->reg_phys,
			(unsigned int)((u->ver & VER_MAJOR_MASK) >> VER_MAJOR_SHIFT),
			(unsigned int)(u->ver & VER_MINOR_MASK), buf,
			cfg_unit_allowed(run.cfg, u->seq) ?
			"" : " (excluded by units=)");
		if (subject_untested(u))
			summary(SUMMARY_FACT, "unit %u untested: %s", u->seq,
				subject_untested(u));
	}
}

/* Each subject's DMA suites, counted together. */
static void summarize_subjects(void)
{
	for (unsigned int i = 0; i < subject_count(); i++) {
		const struct subject *sub = subject_get(i);
		const struct ktap_totals *t = &run.subject_totals[i];

		summary(SUMMARY_FACT, "%s: %u passed, %u failed, %u skipped%s%s",
			sub->name, t->passed, t->failed, t->skipped,
			sub->eng[0]->dead ? ", retired: " : "",
			sub->eng[0]->dead ? sub->eng[0]->why : "");
	}
}

/*
 * What the run could not test: the units no DMA suite ran on, and why.
 * Empty when every unit was tested or no DMA suite was selected.
 */
static void incompleteness(char *buf, size_t len)
{
	struct intel_iommu *units;
	unsigned int n = iommu_platform_units(&units);
	size_t used = 0;

	buf[0] = '\0';
	if (!run.dma_selected)
		return;
	if (!n) {
		ksnprintf(buf, len, "no remapping unit");
		return;
	}
	for (unsigned int i = 0; i < n && used < len; i++) {
		const char *why = units[i].unusable[0] ? "not programmed" :
				  subject_untested(&units[i]);

		if (why)
			used += ksnprintf(buf + used, len - used, "%sunit %u: %s",
					  used ? "; " : "", units[i].seq, why);
	}
}

/*
 * Cases and suites not run are counted failed in the totals line; here
 * they are told apart from the cases that ran and failed.
 */
static void summarize_suites(void)
{
	for (unsigned int i = 0; i < NR_SUITES; i++) {
		const struct tally *t = &run.tally[i];
		char extra[48] = "";
		int len = 0;

		if (!cfg_selected(run.cfg, suites[i].suite->name, NULL))
			continue;
		if (!t->runs) {
			summary(SUMMARY_FACT, "%-18s not run: %s",
				suites[i].suite->name, run.stop);
			continue;
		}
		if (t->cases_not_run)
			len = ksnprintf(extra, sizeof(extra), ", %u not run",
					t->cases_not_run);
		if (t->passes_not_run)
			ksnprintf(extra + len, sizeof(extra) - len,
				  ", not run in %u pass(es)", t->passes_not_run);
		summary(SUMMARY_FACT, "%-18s %3u passed, %3u failed, %3u skipped%s",
			suites[i].suite->name, t->totals.passed,
			t->totals.failed - t->cases_not_run - t->passes_not_run,
			t->totals.skipped, extra);
	}
}

static void summarize_failures(void)
{
	unsigned int n = MIN(run.nr_failures, SUMMARY_MAX_FAILURES);

	for (unsigned int i = 0; i < n; i++) {
		const struct failure *f = &run.failures[i];
		char pass[24] = "";
		int len = 0;

		/* The first line of the first failure is enough at a glance. */
		while (f->message[len] && f->message[len] != '\n')
			len++;
		if (run.cfg->repeat > 1)
			ksnprintf(pass, sizeof(pass), " (repeat %u)", f->pass);
		summary(SUMMARY_FAILURE, "failed: %s.%s%s%s%s%s: %.*s",
			f->suite, f->name ? f->name : "setup", pass,
			f->subject ? " [" : "", f->subject ? f->subject : "",
			f->subject ? "]" : "", len, f->message);
	}
	if (run.nr_failures > n)
		summary(SUMMARY_MORE, "and %u more failing case(s), see above",
			run.nr_failures - n);
}

const char *runner_untested(void)
{
	static char untested[VERDICT_LEN];

	incompleteness(untested, sizeof(untested));
	return untested;
}

void runner_summary(summary_fn fn, void *ctx)
{
	run.summary_fn = fn;
	run.summary_ctx = ctx;
	summary(SUMMARY_FACT, "vtdtest %s", VTDTEST_VERSION);
	summary(SUMMARY_FACT, "programmed as Linux %s programs it",
		VTD_LINUX_REFERENCE);
	summarize_units();
	summarize_subjects();
	summarize_suites();
	summarize_failures();
	summary(SUMMARY_FACT, "run time %llu.%03llu s",
		(unsigned long long)run.run_ms / 1000,
		(unsigned long long)run.run_ms % 1000);
}

unsigned int runner_failures(void)
{
	return run.nr_failures;
}

static void print_summary(enum summary_kind kind, const char *line, void *ctx)
{
	ktap_diag("summary: %s", line);
}

int runner_end(bool quiesced)
{
	const char *untested;
	struct ktap_totals t;

	run.run_ms = (time_now_us() - run.start_us) / 1000;
	runner_summary(print_summary, NULL);
	t = ktap_totals();
	untested = runner_untested();
	ktap_diag("verdict: %s%s%s", !t.failed && quiesced ? "PASS" : "FAIL",
		  untested[0] ? ", incomplete: " : "", untested);
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
	run.stop = "the run aborted";
	if (ktap_in_suite()) {
		struct test_suite *s = slot_suite(run.slot);

		if (c) {
			ktap_fail(c, "%s", reason);
			ktap_case_report(c);
			record_failure(c->name, c->failure);
		}
		slot_tally()->cases_not_run +=
			report_not_run(s, run.next_case, KTAP_FAIL, run.stop);
		ktap_suite_end(NULL);
		count_suite();
		run.slot++;
	}
	run_slots();
	runner_end(true);
}
