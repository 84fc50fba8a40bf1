// SPDX-License-Identifier: GPL-2.0
/* lib/cfg.c: the documented keys, their defaults and every error path. */
#include "lib/cfg.h"
#include "tests/unit/unit.h"

UNIT_TEST(cfg_defaults)
{
	struct cfg c;

	cfg_parse(&c, NULL);
	EXPECT_STR(c.tests, "");
	EXPECT_U64(c.on_finish, CFG_FINISH_HALT);
	EXPECT_U64(c.serial_port, 0x3f8);
	EXPECT_U64(c.baud, 115200);
	EXPECT_U64(c.pool_mb, 64);
	EXPECT_U64(c.nr_errors, 0);
}

UNIT_TEST(cfg_every_key)
{
	struct cfg c;

	cfg_parse(&c, "# comment\n"
		      "  tests = dmar.*,hw_info  \r\n"
		      "on_finish=poweroff\n"
		      "serial=com2 # trailing comment\n"
		      "baud=57600\n"
		      "\n"
		      "pool_mb=0x80\n"
		      "inject=break_mapping\n"
		      "verbose=1\n");
	EXPECT_STR(c.tests, "dmar.*,hw_info");
	EXPECT_U64(c.on_finish, CFG_FINISH_POWEROFF);
	EXPECT_U64(c.serial_port, 0x2f8);
	EXPECT_U64(c.baud, 57600);
	EXPECT_U64(c.pool_mb, 128);
	EXPECT_U64(c.inject, CFG_INJECT_BREAK_MAPPING);
	EXPECT_U64(c.verbose, 1);
	EXPECT_U64(c.nr_errors, 0);

	cfg_parse(&c, "serial=0x2e8\non_finish=reset\ninject=break");
	EXPECT_U64(c.serial_port, 0x2e8);
	EXPECT_U64(c.on_finish, CFG_FINISH_RESET);
	EXPECT_U64(c.inject, CFG_INJECT_NONE);
	EXPECT_STR(c.errors[0],
		   "line 3: bad value 'break' for inject (want none, break_mapping or exception), default kept");
	cfg_parse(&c, "inject=exception");
	EXPECT_U64(c.inject, CFG_INJECT_EXCEPTION);
}

UNIT_TEST(cfg_errors_keep_defaults)
{
	struct cfg c;

	cfg_parse(&c, "colour=blue\n"
		      "baud=1000\n"
		      "on_finish=explode\n"
		      "pool_mb=4\n"
		      "serial=com9\n"
		      "justtext\n");
	EXPECT_U64(c.nr_errors, 6);
	EXPECT_STR(c.errors[0], "line 1: unknown key 'colour', ignored");
	EXPECT_STR(c.errors[1],
		   "line 2: bad value '1000' for baud (want a divisor of 115200), default kept");
	EXPECT_CONTAINS(c.errors[2], "line 3: bad value 'explode' for on_finish");
	EXPECT_CONTAINS(c.errors[3], "line 4: bad value '4' for pool_mb");
	EXPECT_CONTAINS(c.errors[4], "line 5: bad value 'com9' for serial");
	EXPECT_STR(c.errors[5], "line 6: 'justtext' is not key=value, ignored");
	EXPECT_U64(c.baud, 115200);
	EXPECT_U64(c.on_finish, CFG_FINISH_HALT);
	EXPECT_U64(c.pool_mb, 64);
	EXPECT_U64(c.serial_port, 0x3f8);
}

UNIT_TEST(cfg_overflow_and_long_lines)
{
	char text[600];
	struct cfg c;

	cfg_parse(&c, "pool_mb=99999999999\nbaud=0x\n");
	EXPECT_U64(c.nr_errors, 2);
	EXPECT_U64(c.pool_mb, 64);

	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	cfg_parse(&c, text);
	EXPECT_U64(c.nr_errors, 1);
	EXPECT_CONTAINS(c.errors[0], "longer than 255 characters");

	cfg_parse(&c, "a=1\nb=1\nc=1\nd=1\ne=1\nf=1\ng=1\nh=1\ni=1\nj=1\n");
	EXPECT_U64(c.nr_errors, 10);
	EXPECT_STR(c.errors[7], "line 8: unknown key 'h', ignored");
}

UNIT_TEST(cfg_glob)
{
	EXPECT(glob_match("*", ""));
	EXPECT(glob_match("dmar.*", "dmar.checksum"));
	EXPECT(!glob_match("dmar.*", "hw_info.registers"));
	EXPECT(glob_match("*.rmrr_*", "dmar.rmrr_overlap"));
	EXPECT(glob_match("d?ar", "dmar"));
	EXPECT(!glob_match("d?ar", "dar"));
	EXPECT(glob_match("a*b*c", "axxbyyc"));
	EXPECT(!glob_match("a*b*c", "axxbyy"));
}

UNIT_TEST(cfg_selection)
{
	struct cfg c;

	cfg_parse(&c, NULL);
	EXPECT(cfg_selected(&c, "dmar", NULL));
	EXPECT(cfg_selected(&c, "dmar", "checksum"));

	cfg_parse(&c, "tests=dmar.rmrr_*, hw_info");
	EXPECT(cfg_selected(&c, "dmar", NULL));
	EXPECT(cfg_selected(&c, "dmar", "rmrr_overlap"));
	EXPECT(!cfg_selected(&c, "dmar", "checksum"));
	EXPECT(cfg_selected(&c, "hw_info", NULL));
	EXPECT(cfg_selected(&c, "hw_info", "registers"));
	EXPECT(!cfg_selected(&c, "boot", NULL));
	EXPECT(!cfg_selected(&c, "boot", "config"));
}
