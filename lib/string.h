/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTDTEST_LIB_STRING_H
#define VTDTEST_LIB_STRING_H

#include "lib/types.h"

/*
 * The C library's names and meanings, so code shared with the host unit
 * tests links against libc there and against lib/string.c in the firmware.
 */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif /* VTDTEST_LIB_STRING_H */
