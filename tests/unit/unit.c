// SPDX-License-Identifier: GPL-2.0
/*
 * Runs every registered unit test; prints TAP and exits 1 on any failure.
 * Usage: vtdtest-unit [-f FIXTURE_DIR] [NAME_SUBSTRING]
 */
#include <stdarg.h>
#include <stdlib.h>

#include "lib/printf.h"
#include "tests/unit/unit.h"

static struct unit_test *tests, **tests_tail = &tests;
static unsigned int failures_in_test;
static const char *fixture_dir = "build/fixtures";

static char *capture_buf;
static size_t capture_len, capture_cap;
static bool capturing;

void unit_register(struct unit_test *t)
{
	*tests_tail = t;
	tests_tail = &t->next;
}

void unit_failed(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures_in_test++;
}

static void host_sink(const char *s, size_t len)
{
	if (!capturing) {
		fwrite(s, 1, len, stdout);
		return;
	}
	if (capture_len + len + 1 > capture_cap) {
		capture_cap = (capture_len + len + 1) * 2;
		capture_buf = realloc(capture_buf, capture_cap);
		if (!capture_buf)
			abort();
	}
	memcpy(capture_buf + capture_len, s, len);
	capture_len += len;
	capture_buf[capture_len] = '\0';
}

void unit_capture_begin(void)
{
	capture_len = 0;
	if (capture_buf)
		capture_buf[0] = '\0';
	capturing = true;
}

const char *unit_capture_end(void)
{
	capturing = false;
	return capture_buf ? capture_buf : "";
}

void *unit_load_fixture(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	void *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", fixture_dir, name);
	f = fopen(path, "rb");
	if (!f) {
		unit_failed(__FILE__, __LINE__, "cannot open fixture %s", path);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? n : 1);
	if (!buf || fread(buf, 1, n, f) != (size_t)n) {
		unit_failed(__FILE__, __LINE__, "cannot read fixture %s", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	unsigned int n = 0, failed = 0, i = 0;
	const char *filter = NULL;
	struct unit_test *t;

	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-f") && a + 1 < argc)
			fixture_dir = argv[++a];
		else
			filter = argv[a];
	}
	console_set_sink(host_sink);
	for (t = tests; t; t = t->next)
		if (!filter || strstr(t->name, filter))
			n++;
	printf("TAP version 13\n1..%u\n", n);
	for (t = tests; t; t = t->next) {
		if (filter && !strstr(t->name, filter))
			continue;
		failures_in_test = 0;
		t->fn();
		capturing = false;
		printf("%s %u %s\n", failures_in_test ? "not ok" : "ok", ++i,
		       t->name);
		failed += failures_in_test != 0;
	}
	printf("# unit: %u passed, %u failed\n", n - failed, failed);
	free(capture_buf);
	return failed ? 1 : 0;
}
