// SPDX-License-Identifier: GPL-2.0
#include "lib/cfg.h"
#include "lib/printf.h"

#define CFG_LINE_MAX	256

static const u16 com_ports[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

static void cfg_defaults(struct cfg *cfg)
{
	*cfg = (struct cfg){
		.on_finish = CFG_FINISH_HALT,
		.serial_port = 0x3f8,
		.baud = 115200,
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

/* Decimal or 0x-prefixed hex; false on anything else or on overflow. */
static bool parse_u32(const char *s, u32 *out)
{
	unsigned int base = 10;
	u64 v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return false;
		v = v * base + d;
		if (v > 0xffffffffULL)
			return false;
	}
	*out = (u32)v;
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

static bool set_serial(struct cfg *cfg, const char *v)
{
	u32 port;

	if (v[0] == 'c' && v[1] == 'o' && v[2] == 'm' && v[3] >= '1' &&
	    v[3] <= '4' && !v[4]) {
		cfg->serial_port = com_ports[v[3] - '1'];
		return true;
	}
	if (!parse_u32(v, &port) || port == 0 || port > 0xfff8)
		return false;
	cfg->serial_port = port;
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
	{ "serial", set_serial, "com1..com4 or an I/O port" },
	{ "baud", set_baud, "a divisor of 115200" },
	{ "pool_mb", set_pool_mb, "8..2048" },
	{ "verbose", set_verbose, "0 or 1" },
	{ "inject", set_inject, "none, break_mapping or exception" },
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
