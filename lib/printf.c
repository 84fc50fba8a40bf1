// SPDX-License-Identifier: GPL-2.0
/*
 * A small C99-style formatter for the firmware. No floating point: the
 * kernel is built without SSE.
 */
#include "lib/printf.h"

#define FL_LEFT		BIT(0)
#define FL_ZERO		BIT(1)
#define FL_PLUS		BIT(2)
#define FL_SPACE	BIT(3)
#define FL_ALT		BIT(4)
#define FL_UPPER	BIT(5)

struct outbuf {
	char *buf;
	size_t size;
	size_t len;
};

struct spec {
	unsigned int flags;
	int width;
	int prec;	/* -1: none */
};

static void put(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct outbuf *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_str(struct outbuf *o, const char *s, const struct spec *sp)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len] && (sp->prec < 0 || len < sp->prec))
		len++;
	if (!(sp->flags & FL_LEFT))
		pad(o, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->flags & FL_LEFT)
		pad(o, ' ', sp->width - len);
}

/* Formats one integer: sign or prefix, precision zeros, width padding. */
static void put_num(struct outbuf *o, u64 v, bool neg, unsigned int base,
		    const struct spec *sp)
{
	const char *digits = (sp->flags & FL_UPPER) ? "0123456789ABCDEF" :
						      "0123456789abcdef";
	char tmp[24];
	const char *prefix = "";
	int n = 0, zeros, plen, total;

	while (v) {
		tmp[n++] = digits[v % base];
		v /= base;
	}
	if (n == 0 && sp->prec != 0)
		tmp[n++] = '0';

	if (neg)
		prefix = "-";
	else if (sp->flags & FL_PLUS)
		prefix = "+";
	else if (sp->flags & FL_SPACE)
		prefix = " ";
	else if ((sp->flags & FL_ALT) && base == 16 && n && tmp[n - 1] != '0')
		prefix = (sp->flags & FL_UPPER) ? "0X" : "0x";
	else if ((sp->flags & FL_ALT) && base == 8 && tmp[n - 1] != '0')
		prefix = "0";
	plen = 0;
	while (prefix[plen])
		plen++;

	zeros = sp->prec > n ? sp->prec - n : 0;
	total = plen + zeros + n;
	if ((sp->flags & FL_ZERO) && !(sp->flags & FL_LEFT) && sp->prec < 0 &&
	    sp->width > total) {
		zeros += sp->width - total;
		total = sp->width;
	}
	if (!(sp->flags & FL_LEFT))
		pad(o, ' ', sp->width - total);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->flags & FL_LEFT)
		pad(o, ' ', sp->width - total);
}

static const char *parse_flags(const char *f, struct spec *sp)
{
	for (;; f++) {
		switch (*f) {
		case '-': sp->flags |= FL_LEFT; break;
		case '0': sp->flags |= FL_ZERO; break;
		case '+': sp->flags |= FL_PLUS; break;
		case ' ': sp->flags |= FL_SPACE; break;
		case '#': sp->flags |= FL_ALT; break;
		default: return f;
		}
	}
}

static const char *parse_int(const char *f, int *out, va_list *ap)
{
	int v = 0;

	if (*f == '*') {
		*out = va_arg(*ap, int);
		return f + 1;
	}
	while (*f >= '0' && *f <= '9')
		v = v * 10 + (*f++ - '0');
	*out = v;
	return f;
}

/* Length modifiers, returned as the operand size in bytes. */
static const char *parse_length(const char *f, int *size)
{
	*size = sizeof(int);
	if (f[0] == 'h' && f[1] == 'h') {
		*size = 1;
		return f + 2;
	}
	if (f[0] == 'l' && f[1] == 'l') {
		*size = 8;
		return f + 2;
	}
	switch (*f) {
	case 'h': *size = 2; return f + 1;
	case 'l': *size = sizeof(long); return f + 1;
	case 'z': *size = sizeof(size_t); return f + 1;
	case 't': *size = sizeof(ptrdiff_t); return f + 1;
	case 'j': *size = sizeof(intmax_t); return f + 1;
	}
	return f;
}

static u64 fetch_unsigned(int size, va_list *ap)
{
	if (size == 8)
		return va_arg(*ap, unsigned long long);
	if (size == 2)
		return (u16)va_arg(*ap, unsigned int);
	if (size == 1)
		return (u8)va_arg(*ap, unsigned int);
	return va_arg(*ap, unsigned int);
}

static s64 fetch_signed(int size, va_list *ap)
{
	if (size == 8)
		return va_arg(*ap, long long);
	if (size == 2)
		return (s16)va_arg(*ap, int);
	if (size == 1)
		return (s8)va_arg(*ap, int);
	return va_arg(*ap, int);
}

/* Handles one conversion; returns false for an unknown one. */
static bool convert(struct outbuf *o, char c, int size, struct spec *sp,
		    va_list *ap)
{
	char ch;
	s64 sv;

	switch (c) {
	case 'd':
	case 'i':
		sv = fetch_signed(size, ap);
		put_num(o, sv < 0 ? -(u64)sv : (u64)sv, sv < 0, 10, sp);
		return true;
	case 'u':
		put_num(o, fetch_unsigned(size, ap), false, 10, sp);
		return true;
	case 'X':
		sp->flags |= FL_UPPER;
		/* fall through */
	case 'x':
		put_num(o, fetch_unsigned(size, ap), false, 16, sp);
		return true;
	case 'o':
		put_num(o, fetch_unsigned(size, ap), false, 8, sp);
		return true;
	case 'p':
		sp->flags |= FL_ALT;
		put_num(o, (uintptr_t)va_arg(*ap, void *), false, 16, sp);
		return true;
	case 's':
		put_str(o, va_arg(*ap, const char *), sp);
		return true;
	case 'c':
		ch = (char)va_arg(*ap, int);
		sp->prec = -1;
		if (!(sp->flags & FL_LEFT))
			pad(o, ' ', sp->width - 1);
		put(o, ch);
		if (sp->flags & FL_LEFT)
			pad(o, ' ', sp->width - 1);
		return true;
	case '%':
		put(o, '%');
		return true;
	}
	return false;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { .buf = buf, .size = size };
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		const char *start = fmt;
		struct spec sp = { .prec = -1 };
		int lsize;

		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = parse_flags(fmt + 1, &sp);
		fmt = parse_int(fmt, &sp.width, &aq);
		if (sp.width < 0) {
			sp.flags |= FL_LEFT;
			sp.width = -sp.width;
		}
		if (*fmt == '.')
			fmt = parse_int(fmt + 1, &sp.prec, &aq);
		fmt = parse_length(fmt, &lsize);
		if (*fmt && convert(&o, *fmt, lsize, &sp, &aq)) {
			fmt++;
			continue;
		}
		/* Unknown conversion: print it literally. */
		while (start < fmt)
			put(&o, *start++);
	}
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static console_sink_t console_sink;

void console_set_sink(console_sink_t sink)
{
	console_sink = sink;
}

void console_write(const char *s, size_t len)
{
	if (console_sink)
		console_sink(s, len);
}

int kvprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);

	console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
