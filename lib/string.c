// SPDX-License-Identifier: GPL-2.0
/*
 * The freestanding firmware's memory and string functions; GCC may emit
 * calls to the first four on its own.
 */
#include "lib/string.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	if (d < s)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

/* Eight bytes a store where the address allows: page-sized fills are common. */
void *memset(void *dst, int c, size_t n)
{
	u8 *d = dst;
	u64 v = 0x0101010101010101ULL * (u8)c;

	for (; n && ((uintptr_t)d & 7); n--)
		*d++ = (u8)c;
	for (; n >= 8; n -= 8, d += 8)
		*(volatile u64 *)d = v;
	while (n--)
		*d++ = (u8)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (u8)*a - (u8)*b;
}
