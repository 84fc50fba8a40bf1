// SPDX-License-Identifier: GPL-2.0
/* lib/printf.c against results written from C99 7.19.6.1. */
#include "lib/printf.h"
#include "tests/unit/unit.h"

static char buf[256];

static const char *fmt(const char *f, ...) __printf(1, 2);

static const char *fmt(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	kvsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	return buf;
}

/* For conversions the compiler would rightly warn about. */
static const char *fmt_unchecked(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	kvsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	return buf;
}

UNIT_TEST(printf_integers)
{
	EXPECT_STR(fmt("%d", 0), "0");
	EXPECT_STR(fmt("%d", -42), "-42");
	EXPECT_STR(fmt("%i", 2147483647), "2147483647");
	EXPECT_STR(fmt("%d", (int)0x80000000), "-2147483648");
	EXPECT_STR(fmt("%u", 4294967295U), "4294967295");
	EXPECT_STR(fmt("%x", 0xdeadbeefU), "deadbeef");
	EXPECT_STR(fmt("%X", 0xabcU), "ABC");
	EXPECT_STR(fmt("%o", 8U), "10");
	EXPECT_STR(fmt("%lld", -9223372036854775807LL - 1),
		   "-9223372036854775808");
	EXPECT_STR(fmt("%llx", 0xfedcba9876543210ULL), "fedcba9876543210");
	EXPECT_STR(fmt_unchecked("%hhx", 0x1ff), "ff");
	EXPECT_STR(fmt_unchecked("%hd", 0x18000), "-32768");
	EXPECT_STR(fmt("%zu", (size_t)123), "123");
}

UNIT_TEST(printf_width_and_padding)
{
	EXPECT_STR(fmt("%5d|", 42), "   42|");
	EXPECT_STR(fmt("%-5d|", 42), "42   |");
	EXPECT_STR(fmt("%05d", 42), "00042");
	EXPECT_STR(fmt("%05d", -42), "-0042");
	EXPECT_STR(fmt("%016llx", 0x1234ULL), "0000000000001234");
	EXPECT_STR(fmt("%08x", 0xfed90000U), "fed90000");
	EXPECT_STR(fmt("%*d", 4, 7), "   7");
	EXPECT_STR(fmt("%-*d|", 3, 7), "7  |");
	EXPECT_STR(fmt("%.3d", 5), "005");
	EXPECT_STR(fmt("%#x", 255U), "0xff");
	EXPECT_STR(fmt("%#x", 0U), "0");
	EXPECT_STR(fmt("%+d %+d", 1, -1), "+1 -1");
	EXPECT_STR(fmt("% d", 1), " 1");
	EXPECT_STR(fmt("%.0d", 0), "");
}

UNIT_TEST(printf_strings_chars_pointers)
{
	EXPECT_STR(fmt("%s", "vtd"), "vtd");
	EXPECT_STR(fmt("%6s|", "vtd"), "   vtd|");
	EXPECT_STR(fmt("%-6s|", "vtd"), "vtd   |");
	EXPECT_STR(fmt("%.2s", "vtd"), "vt");
	EXPECT_STR(fmt("%.*s", 1, "vtd"), "v");
	EXPECT_STR(fmt("%s", (char *)NULL), "(null)");
	EXPECT_STR(fmt("%c%c", 'o', 'k'), "ok");
	EXPECT_STR(fmt("%3c", 'x'), "  x");
	EXPECT_STR(fmt("%p", (void *)0xfee00000UL), "0xfee00000");
	EXPECT_STR(fmt("100%%"), "100%");
	EXPECT_STR(fmt_unchecked("%q"), "%q");
}

UNIT_TEST(printf_truncation)
{
	char buf[8];

	EXPECT_U64(ksnprintf(buf, sizeof(buf), "%s", "0123456789"), 10);
	EXPECT_STR(buf, "0123456");
	EXPECT_U64(ksnprintf(buf, 1, "abc"), 3);
	EXPECT_STR(buf, "");
	EXPECT_U64(ksnprintf(NULL, 0, "%d", 12345), 5);
}
