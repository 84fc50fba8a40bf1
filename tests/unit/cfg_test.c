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
	EXPECT_U64(c.console.kind, CFG_CONSOLE_AUTO);
	EXPECT_U64(c.baud, 115200);
	EXPECT_U64(c.pool_mb, 64);
	EXPECT_U64(c.repeat, 1);
	EXPECT_U64(c.units, 0xffffffff);
	EXPECT_U64(c.stop_on_fail, 0);
	EXPECT_U64(c.nr_errors, 0);
}

UNIT_TEST(cfg_every_key)
{
	struct cfg c;

	cfg_parse(&c, "# comment\n"
		      "  tests = dmar.*,hw_info  \r\n"
		      "on_finish=poweroff\n"
		      "console=com2 # trailing comment\n"
		      "baud=57600\n"
		      "\n"
		      "pool_mb=0x80\n"
		      "inject=break_mapping\n"
		      "verbose=1\n");
	EXPECT_STR(c.tests, "dmar.*,hw_info");
	EXPECT_U64(c.on_finish, CFG_FINISH_POWEROFF);
	EXPECT_U64(c.console.kind, CFG_CONSOLE_IO);
	EXPECT_U64(c.console.base, 0x2f8);
	EXPECT_U64(c.baud, 57600);
	EXPECT_U64(c.pool_mb, 128);
	EXPECT_U64(c.inject, CFG_INJECT_BREAK_MAPPING);
	EXPECT_U64(c.verbose, 1);
	EXPECT_U64(c.nr_errors, 0);

	cfg_parse(&c, "console=io:0x2e8\non_finish=reset\ninject=break");
	EXPECT_U64(c.console.base, 0x2e8);
	EXPECT_U64(c.on_finish, CFG_FINISH_RESET);
	EXPECT_U64(c.inject, CFG_INJECT_NONE);
	EXPECT_STR(c.errors[0],
		   "line 3: bad value 'break' for inject (want none, break_mapping, exception or preenable), default kept");
	cfg_parse(&c, "inject=exception");
	EXPECT_U64(c.inject, CFG_INJECT_EXCEPTION);
	cfg_parse(&c, "inject=preenable");
	EXPECT_U64(c.inject, CFG_INJECT_PREENABLE);
	EXPECT_U64(c.nr_errors, 0);
}

UNIT_TEST(cfg_errors_keep_defaults)
{
	struct cfg c;

	cfg_parse(&c, "colour=blue\n"
		      "baud=1000\n"
		      "on_finish=explode\n"
		      "pool_mb=4\n"
		      "console=com9\n"
		      "justtext\n");
	EXPECT_U64(c.nr_errors, 6);
	EXPECT_STR(c.errors[0], "line 1: unknown key 'colour', ignored");
	EXPECT_STR(c.errors[1],
		   "line 2: bad value '1000' for baud (want a divisor of 115200), default kept");
	EXPECT_CONTAINS(c.errors[2], "line 3: bad value 'explode' for on_finish");
	EXPECT_CONTAINS(c.errors[3], "line 4: bad value '4' for pool_mb");
	EXPECT_CONTAINS(c.errors[4], "line 5: bad value 'com9' for console");
	EXPECT_STR(c.errors[5], "line 6: 'justtext' is not key=value, ignored");
	EXPECT_U64(c.baud, 115200);
	EXPECT_U64(c.on_finish, CFG_FINISH_HALT);
	EXPECT_U64(c.pool_mb, 64);
	EXPECT_U64(c.console.kind, CFG_CONSOLE_AUTO);
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

UNIT_TEST(cfg_console_and_run_control)
{
	struct cfg c;

	cfg_parse(&c, "console=mmio32:0xfe030000\nrepeat=3\nunits=0,2\nstop_on_fail=1\n");
	EXPECT_U64(c.nr_errors, 0);
	EXPECT_U64(c.console.kind, CFG_CONSOLE_MMIO);
	EXPECT_U64(c.console.base, 0xfe030000);
	EXPECT_U64(c.console.reg_width, 4);
	EXPECT_U64(c.repeat, 3);
	EXPECT_U64(c.units, 0x5);
	EXPECT(cfg_unit_allowed(&c, 2));
	EXPECT(!cfg_unit_allowed(&c, 1));
	EXPECT(!cfg_unit_allowed(&c, 40));
	EXPECT_U64(c.stop_on_fail, 1);

	cfg_parse(&c, "console=mmio:0x1000000000\n");
	EXPECT_U64(c.console.base, 0x1000000000ULL);
	EXPECT_U64(c.console.reg_width, 1);

	cfg_parse(&c, "console=mmio:0x1001\nrepeat=0\nunits=0,32\nunits=1,,2\nstop_on_fail=yes\nconsole=io:0\n");
	EXPECT_U64(c.nr_errors, 6);
	EXPECT_U64(c.console.kind, CFG_CONSOLE_AUTO);
	EXPECT_U64(c.repeat, 1);
	EXPECT_U64(c.units, 0xffffffff);
	EXPECT_CONTAINS(c.errors[0], "bad value 'mmio:0x1001' for console");
	EXPECT_CONTAINS(c.errors[2], "bad value '0,32' for units");
}

UNIT_TEST(cfg_engines)
{
	struct cfg c;

	cfg_parse(&c, NULL);
	EXPECT(cfg_engine_allowed(&c, "edu"));
	EXPECT(cfg_engine_allowed(&c, "nvme"));
	EXPECT(cfg_engine_allowed(&c, "xhci"));
	EXPECT(cfg_engine_allowed(&c, "dsa"));
	EXPECT(!cfg_engine_allowed(&c, "ioat"));

	cfg_parse(&c, "engines=nvme,xhci\n");
	EXPECT_U64(c.nr_errors, 0);
	EXPECT_U64(c.engines, 0x6);
	EXPECT(!cfg_engine_allowed(&c, "edu"));
	EXPECT(cfg_engine_allowed(&c, "nvme"));
	EXPECT(!cfg_engine_allowed(&c, "nvm"));

	cfg_parse(&c, "engines=dsa\n");
	EXPECT_U64(c.nr_errors, 0);
	EXPECT_U64(c.engines, 0x8);
	EXPECT(cfg_engine_allowed(&c, "dsa"));
	EXPECT(!cfg_engine_allowed(&c, "edu"));

	cfg_parse(&c, "engines=nvme\nengines=auto\n");
	EXPECT_U64(c.engines, 0xffffffff);

	cfg_parse(&c, "engines=nvme,,xhci\nengines=ahci\nengines=\nengines=nvme,\n");
	EXPECT_U64(c.nr_errors, 4);
	EXPECT_U64(c.engines, 0xffffffff);
	EXPECT_CONTAINS(c.errors[0], "bad value 'nvme,,xhci' for engines");
	EXPECT_CONTAINS(c.errors[1], "bad value 'ahci' for engines");
}
