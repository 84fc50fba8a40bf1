/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vtdtest.cfg: "key=value" lines; '#' starts a comment; blanks around keys
 * and values are ignored. An unknown key or a bad value is recorded by name
 * and the default stays, so a typo never stops a run.
 *
 *	tests=dmar.*,hw_info	comma-separated globs over "suite.case"
 *	on_finish=halt		halt | reset | poweroff (not under QEMU)
 *	console=auto		auto (ACPI SPCR, else COM1), com1..com4,
 *				io:PORT, mmio:ADDR (8-bit registers) or
 *				mmio32:ADDR (32-bit registers)
 *	baud=115200		a divisor of 115200
 *	repeat=1		run the selected suites this many times
 *	units=all		remapping units the DMA suites may program:
 *				all, or unit numbers such as 0,2
 *	engines=auto		the DMA engines the suites may use: auto
 *				(every one found), or kinds such as nvme,xhci
 *	stop_on_fail=0		1: after the first failing case, the rest are
 *				reported as not run
 *	pool_mb=64		page pool below 4 GiB, 8..2048 MiB
 *	verbose=0		1: print every PASID entry and QI descriptor,
 *				and every request widened to an engine's units
 *	inject=break_mapping	corrupt a mapping on purpose (legacy,
 *				scalable_*: single_page) to show the trace
 *	inject=exception	raise #UD in boot.exception_path, to show the
 *				crash report
 *	inject=preenable	before the suites, play the platform firmware:
 *				leave every unit enabled (root table, QI, TE,
 *				IR, PMRs where offered) with a fault pending,
 *				for the takeover to cope with
 */
#ifndef VTDTEST_LIB_CFG_H
#define VTDTEST_LIB_CFG_H

#include "lib/types.h"

#define CFG_TESTS_LEN		256
#define CFG_MAX_ERRORS		8
#define CFG_ERROR_LEN		120

enum cfg_inject {
	CFG_INJECT_NONE,
	CFG_INJECT_BREAK_MAPPING,
	CFG_INJECT_EXCEPTION,
	CFG_INJECT_PREENABLE,
};

enum cfg_console_kind {
	CFG_CONSOLE_AUTO,
	CFG_CONSOLE_IO,
	CFG_CONSOLE_MMIO,
};

struct cfg_console {
	enum cfg_console_kind kind;
	u64 base;			/* I/O port or MMIO address */
	u8 reg_width;			/* MMIO register width in bytes: 1 or 4 */
};

#define CFG_MAX_UNITS		32
#define CFG_ENGINE_KINDS	4

enum cfg_finish {
	CFG_FINISH_HALT,
	CFG_FINISH_RESET,
	CFG_FINISH_POWEROFF,
};

struct cfg {
	char tests[CFG_TESTS_LEN];	/* empty: every test */
	enum cfg_finish on_finish;
	struct cfg_console console;
	u32 baud;
	u32 repeat;
	u32 units;			/* bit n: unit n may be programmed */
	u32 engines;			/* bit k: engine kind k may be used */
	bool stop_on_fail;
	u32 pool_mb;
	enum cfg_inject inject;
	bool verbose;
	unsigned int nr_errors;		/* may exceed CFG_MAX_ERRORS */
	char errors[CFG_MAX_ERRORS][CFG_ERROR_LEN];
};

/* Parses @text (NUL terminated, may be NULL) over the defaults. */
void cfg_parse(struct cfg *cfg, const char *text);

/* Whether the tests= patterns select @suite's case @name (NULL: the suite). */
bool cfg_selected(const struct cfg *cfg, const char *suite, const char *name);

/* Whether the units= key lets the DMA suites program unit @seq. */
bool cfg_unit_allowed(const struct cfg *cfg, unsigned int seq);

/* Whether the engines= key lets the DMA suites use engines of @kind. */
bool cfg_engine_allowed(const struct cfg *cfg, const char *kind);

/* '*' matches any run, '?' one character; nothing else is special. */
bool glob_match(const char *pat, const char *s);

#endif /* VTDTEST_LIB_CFG_H */
