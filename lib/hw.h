/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The small interface through which the VT-d driver touches hardware, so the
 * same sources build into the firmware and into host unit tests (which
 * define VTDTEST_HOST and supply these functions from a fake).
 */
#ifndef VTDTEST_LIB_HW_H
#define VTDTEST_LIB_HW_H

#include "lib/types.h"

#ifdef VTDTEST_HOST
u32 hw_read32(u64 pa);
u64 hw_read64(u64 pa);
void hw_write32(u64 pa, u32 v);
void hw_write64(u64 pa, u64 v);
#else
#include "lib/io.h"

static inline u32 hw_read32(u64 pa)
{
	return mmio_read32(pa);
}

static inline u64 hw_read64(u64 pa)
{
	return mmio_read64(pa);
}

static inline void hw_write32(u64 pa, u32 v)
{
	mmio_write32(pa, v);
}

static inline void hw_write64(u64 pa, u64 v)
{
	mmio_write64(pa, v);
}
#endif

#endif /* VTDTEST_LIB_HW_H */
