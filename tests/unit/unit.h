/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host unit-test harness. Each file in tests/unit defines cases with
 * UNIT_TEST(); one binary runs them all under ASan and UBSan.
 *
 *	UNIT_TEST(printf_zero_pad)
 *	{
 *		EXPECT_STR(fmt("%05d", 42), "00042");
 *	}
 */
#ifndef VTDTEST_UNIT_H
#define VTDTEST_UNIT_H

#include <stdio.h>
#include <string.h>

#include "lib/types.h"

struct unit_test {
	const char *name;
	const char *file;
	void (*fn)(void);
	struct unit_test *next;
};

void unit_register(struct unit_test *t);
void unit_failed(const char *file, int line, const char *fmt, ...)
	__printf(3, 4);

#define UNIT_TEST(fn_)							\
	static void fn_(void);						\
	static struct unit_test fn_##_desc = {				\
		.name = #fn_, .file = __FILE__, .fn = fn_ };		\
	__attribute__((constructor)) static void fn_##_register(void)	\
	{								\
		unit_register(&fn_##_desc);				\
	}								\
	static void fn_(void)

#define EXPECT(cond)							\
	do {								\
		if (!(cond))						\
			unit_failed(__FILE__, __LINE__, "%s", #cond);	\
	} while (0)

#define EXPECT_U64(got_, want_)						\
	do {								\
		unsigned long long g_ = (got_), w_ = (want_);		\
		if (g_ != w_)						\
			unit_failed(__FILE__, __LINE__,			\
				    "%s == 0x%llx, want 0x%llx", #got_,	\
				    g_, w_);				\
	} while (0)

#define EXPECT_STR(got_, want_)						\
	do {								\
		const char *g_ = (got_), *w_ = (want_);			\
		if (strcmp(g_, w_))					\
			unit_failed(__FILE__, __LINE__,			\
				    "%s == \"%s\", want \"%s\"", #got_,	\
				    g_, w_);				\
	} while (0)

/* True when @needle occurs in @hay. */
#define EXPECT_CONTAINS(hay_, needle_)					\
	do {								\
		const char *h_ = (hay_), *n_ = (needle_);		\
		if (!strstr(h_, n_))					\
			unit_failed(__FILE__, __LINE__,			\
				    "\"%s\" not found in output:\n%s",	\
				    n_, h_);				\
	} while (0)

/*
 * Console capture: everything the code under test prints through
 * lib/printf's console goes to a buffer between these two calls.
 */
void unit_capture_begin(void);
const char *unit_capture_end(void);

/*
 * Reads build/fixtures/<name> (an iasl-compiled table) into a malloc'd
 * buffer; fails the test and returns NULL when it cannot.
 */
void *unit_load_fixture(const char *name, size_t *len);

#endif /* VTDTEST_UNIT_H */
