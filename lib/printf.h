/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTDTEST_LIB_PRINTF_H
#define VTDTEST_LIB_PRINTF_H

#include "lib/types.h"

/*
 * Formatting: %d %i %u %x %X %o %p %s %c %%, flags '-' '0' ' ' '+' '#',
 * width and precision (also '*'), length modifiers hh h l ll z t j.
 * Output is always NUL terminated when size > 0; the return value is the
 * length the full output would have had, as C99 specifies.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Console output; the sink is the serial port in the firmware. */
typedef void (*console_sink_t)(const char *s, size_t len);
void console_set_sink(console_sink_t sink);
void console_write(const char *s, size_t len);
int kvprintf(const char *fmt, va_list ap);
int kprintf(const char *fmt, ...) __printf(1, 2);

#endif /* VTDTEST_LIB_PRINTF_H */
