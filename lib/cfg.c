// SPDX-License-Identifier: GPL-2.0
#include "lib/cfg.h"
#include "lib/printf.h"

#define CFG_LINE_MAX	256

static const u16 com_ports[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

static void cfg_defaults(struct cfg *cfg)
{
	*cfg = (struct cfg){
		.on_finish = CFG_FINISH_HALT,
		.console = { .kind = CFG_CONSOLE_AUTO },
		.baud = 115200,
		.repeat = 1,
		.units = ~0U,
		.engines = ~0U,
		.pool_mb = 64,
	};
}

static __printf(3, 4) void cfg_error(struct cfg *cfg, unsigned int line,
				     const char *fmt, ...)
{
	va_list ap;
	int n;

	if (cfg->nr_errors < CFG_MAX_ERRORS) {
		char *buf = cfg->errors[cfg->nr_errors];

		n = ksnprintf(buf, CFG_ERROR_LEN, "line %u: ", line);
		va_start(ap, fmt);
		kvsnprintf(buf + n, CFG_ERROR_LEN - n, fmt, ap);
		va_end(ap);
	}
	cfg->nr_errors++;
}

static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static size_t slen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/*
 * Decimal or 0x-prefixed hex up to @max; false on anything else or on
 * overflow. Stops at @end (NUL when NULL).
 */
static bool parse_num(const char *s, char end, u64 max, u64 *out)
{
	unsigned int base = 10;
	u64 v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s || *s == end)
		return false;
	for (; *s && *s != end; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return false;
		if (v > (max - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

static bool parse_u32(const char *s, u32 *out)
{
	u64 v;

	if (!parse_num(s, '\0', 0xffffffffULL, &v))
		return false;
	*out = (u32)v;
	return true;
}

static bool starts(const char *s, const char *prefix, const char **rest)
{
	while (*prefix && *s == *prefix) {
		s++;
		prefix++;
	}
	if (*prefix)
		return false;
	*rest = s;
	return true;
}

static bool set_on_finish(struct cfg *cfg, const char *v)
{
	static const char *const names[] = {
		[CFG_FINISH_HALT] = "halt",
		[CFG_FINISH_RESET] = "reset",
		[CFG_FINISH_POWEROFF] = "poweroff",
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(names); i++) {
		if (streq(v, names[i])) {
			cfg->on_finish = i;
			return true;
		}
	}
	return false;
}

static bool set_console(struct cfg *cfg, const char *v)
{
	struct cfg_console c = { .kind = CFG_CONSOLE_IO, .reg_width = 1 };
	const char *rest;
	u64 n;

	if (streq(v, "auto")) {
		c.kind = CFG_CONSOLE_AUTO;
	} else if (starts(v, "com", &rest) && rest[0] >= '1' &&
		   rest[0] <= '4' && !rest[1]) {
		c.base = com_ports[rest[0] - '1'];
	} else if (starts(v, "io:", &rest)) {
		if (!parse_num(rest, '\0', 0xfff8, &n) || !n)
			return false;
		c.base = n;
	} else if (starts(v, "mmio:", &rest) || starts(v, "mmio32:", &rest)) {
		if (!parse_num(rest, '\0', ~0ULL, &n) || !n || (n & 3))
			return false;
		c.kind = CFG_CONSOLE_MMIO;
		c.base = n;
		c.reg_width = v[4] == '3' ? 4 : 1;
	} else {
		return false;
	}
	cfg->console = c;
	return true;
}

static bool set_repeat(struct cfg *cfg, const char *v)
{
	u32 n;

	if (!parse_u32(v, &n) || n < 1 || n > 1000)
		return false;
	cfg->repeat = n;
	return true;
}

/* "all", or unit numbers below CFG_MAX_UNITS separated by commas. */
static bool set_units(struct cfg *cfg, const char *v)
{
	u32 mask = 0;
	u64 n;

	if (streq(v, "all")) {
		cfg->units = ~0U;
		return true;
	}
	for (;;) {
		if (!parse_num(v, ',', CFG_MAX_UNITS - 1, &n))
			return false;
		mask |= BIT(n);
		while (*v && *v != ',')
			v++;
		if (!*v)
			break;
		v++;
	}
	cfg->units = mask;
	return true;
}

/* The engines the DMA suites may use, by kind; see cfg.h. */
static const char *const engine_kinds[CFG_ENGINE_KINDS] = {
	"edu", "nvme", "xhci", "dsa",
};

static int engine_kind(const char *v, size_t len)
{
	for (unsigned int k = 0; k < CFG_ENGINE_KINDS; k++)
		if (slen(engine_kinds[k]) == len &&
		    !__builtin_memcmp(engine_kinds[k], v, len))
			return k;
	return -1;
}

/* "auto", or engine kinds separated by commas. */
static bool set_engines(struct cfg *cfg, const char *v)
{
	u32 mask = 0;

	if (streq(v, "auto")) {
		cfg->engines = ~0U;
		return true;
	}
	for (;;) {
		size_t len = 0;
		int k;

		while (v[len] && v[len] != ',')
			len++;
		k = engine_kind(v, len);
		if (k < 0)
			return false;
		mask |= BIT(k);
		if (!v[len])
			break;
		v += len + 1;
	}
	cfg->engines = mask;
	return true;
}

static bool set_stop_on_fail(struct cfg *cfg, const char *v)
{
	if (!streq(v, "0") && !streq(v, "1"))
		return false;
	cfg->stop_on_fail = v[0] == '1';
	return true;
}

static bool set_baud(struct cfg *cfg, const char *v)
{
	u32 baud;

	if (!parse_u32(v, &baud) || baud == 0 || baud > 115200 ||
	    115200 % baud)
		return false;
	cfg->baud = baud;
	return true;
}

static bool set_pool_mb(struct cfg *cfg, const char *v)
{
	u32 mb;

	if (!parse_u32(v, &mb) || mb < 8 || mb > 2048)
		return false;
	cfg->pool_mb = mb;
	return true;
}

static bool set_tests(struct cfg *cfg, const char *v)
{
	size_t n = slen(v);

	if (n >= sizeof(cfg->tests))
		return false;
	__builtin_memcpy(cfg->tests, v, n + 1);
	return true;
}

static bool set_verbose(struct cfg *cfg, const char *v)
{
	if (!streq(v, "0") && !streq(v, "1"))
		return false;
	cfg->verbose = v[0] == '1';
	return true;
}

static bool set_inject(struct cfg *cfg, const char *v)
{
	if (streq(v, "break_mapping"))
		cfg->inject = CFG_INJECT_BREAK_MAPPING;
	else if (streq(v, "exception"))
		cfg->inject = CFG_INJECT_EXCEPTION;
	else if (streq(v, "preenable"))
		cfg->inject = CFG_INJECT_PREENABLE;
	else if (streq(v, "none"))
		cfg->inject = CFG_INJECT_NONE;
	else
		return false;
	return true;
}

static const struct cfg_key {
	const char *name;
	bool (*set)(struct cfg *cfg, const char *value);
	const char *expect;
} cfg_keys[] = {
	{ "tests", set_tests, "comma-separated globs, under 256 characters" },
	{ "on_finish", set_on_finish, "halt, reset or poweroff" },
	{ "console", set_console,
	  "auto, com1..com4, io:PORT, mmio:ADDR or mmio32:ADDR" },
	{ "baud", set_baud, "a divisor of 115200" },
	{ "repeat", set_repeat, "1..1000" },
	{ "units", set_units, "all or unit numbers such as 0,2" },
	{ "engines", set_engines, "auto or engine kinds such as nvme,xhci (edu, nvme, xhci, dsa)" },
	{ "stop_on_fail", set_stop_on_fail, "0 or 1" },
	{ "pool_mb", set_pool_mb, "8..2048" },
	{ "verbose", set_verbose, "0 or 1" },
	{ "inject", set_inject, "none, break_mapping, exception or preenable" },
};

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + slen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	*e = '\0';
	return s;
}

static void parse_line(struct cfg *cfg, char *line, unsigned int lineno)
{
	char *eq, *key, *value;

	for (char *c = line; *c; c++) {
		if (*c == '#') {
			*c = '\0';
			break;
		}
	}
	line = trim(line);
	if (!*line)
		return;
	eq = line;
	while (*eq && *eq != '=')
		eq++;
	if (!*eq) {
		cfg_error(cfg, lineno, "'%s' is not key=value, ignored", line);
		return;
	}
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	for (unsigned int i = 0; i < ARRAY_SIZE(cfg_keys); i++) {
		if (!streq(key, cfg_keys[i].name))
			continue;
		if (!cfg_keys[i].set(cfg, value))
			cfg_error(cfg, lineno,
				  "bad value '%s' for %s (want %s), default kept",
				  value, key, cfg_keys[i].expect);
		return;
	}
	cfg_error(cfg, lineno, "unknown key '%s', ignored", key);
}

void cfg_parse(struct cfg *cfg, const char *text)
{
	char line[CFG_LINE_MAX];
	unsigned int lineno = 0;

	cfg_defaults(cfg);
	while (text && *text) {
		size_t n = 0;

		lineno++;
		while (text[n] && text[n] != '\n')
			n++;
		if (n >= sizeof(line)) {
			cfg_error(cfg, lineno, "longer than %u characters, ignored",
				  CFG_LINE_MAX - 1);
		} else {
			__builtin_memcpy(line, text, n);
			line[n] = '\0';
			parse_line(cfg, line, lineno);
		}
		text += n;
		if (*text == '\n')
			text++;
	}
}

bool cfg_unit_allowed(const struct cfg *cfg, unsigned int seq)
{
	return seq < CFG_MAX_UNITS && (cfg->units & BIT(seq));
}

bool cfg_engine_allowed(const struct cfg *cfg, const char *kind)
{
	int k = engine_kind(kind, slen(kind));

	return k >= 0 && (cfg->engines & BIT(k));
}

bool glob_match(const char *pat, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s) {
		if (*pat == '*') {
			star = pat++;
			resume = s;
		} else if (*pat == '?' || *pat == *s) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

/*
 * A pattern without a '.' names whole suites; "suite.case" names cases. A
 * suite is selected when any pattern could select one of its cases.
 */
static bool pattern_selects(const char *pat, const char *suite,
			    const char *name)
{
	char full[160];
	bool has_dot = false;

	for (const char *p = pat; *p; p++)
		has_dot |= *p == '.';
	if (!has_dot)
		return glob_match(pat, suite);
	if (!name) {
		char spat[CFG_TESTS_LEN];
		size_t n = 0;

		while (pat[n] != '.')
			n++;
		__builtin_memcpy(spat, pat, n);
		spat[n] = '\0';
		return glob_match(spat, suite);
	}
	ksnprintf(full, sizeof(full), "%s.%s", suite, name);
	return glob_match(pat, full);
}

bool cfg_selected(const struct cfg *cfg, const char *suite, const char *name)
{
	const char *p = cfg->tests;
	char pat[CFG_TESTS_LEN];

	if (!*p)
		return true;
	while (*p) {
		size_t n = 0;

		while (p[n] && p[n] != ',')
			n++;
		__builtin_memcpy(pat, p, n);
		pat[n] = '\0';
		if (n && pattern_selects(trim(pat), suite, name))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}
