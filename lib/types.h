/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixed-width types shared by the firmware and the host unit tests.
 * Only freestanding headers are used so both builds agree.
 */
#ifndef VTDTEST_LIB_TYPES_H
#define VTDTEST_LIB_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define BIT(n)			(1U << (n))
#define BIT_ULL(n)		(1ULL << (n))
/* Mask of bits h..l inclusive, as in Linux's GENMASK_ULL(). */
#define GENMASK_ULL(h, l)	((~0ULL >> (63 - (h))) & (~0ULL << (l)))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)		(((x) + (a) - 1) & ~((u64)(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((u64)(a) - 1)) == 0)
#define MIN(a, b)		((a) < (b) ? (a) : (b))
#define MAX(a, b)		((a) > (b) ? (a) : (b))

#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define __noreturn		__attribute__((noreturn))
#define __packed		__attribute__((packed))
#define __aligned(x)		__attribute__((aligned(x)))
#define __unused		__attribute__((unused))

#endif /* VTDTEST_LIB_TYPES_H */
