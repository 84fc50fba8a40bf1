/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The small interface through which the VT-d driver touches the machine:
 * MMIO, pages, address translation, barriers, cache-line flush and time for
 * bounded waits. The same driver sources build into the firmware (inline
 * versions below) and into host unit tests, which define VTDTEST_HOST and
 * supply these functions from tests/unit/fake_hw.c.
 */
#ifndef VTDTEST_LIB_HW_H
#define VTDTEST_LIB_HW_H

#include "lib/types.h"

#define HW_PAGE_SHIFT	12
#define HW_PAGE_SIZE	(1ULL << HW_PAGE_SHIFT)

#ifdef VTDTEST_HOST
u32 hw_read32(u64 pa);
u64 hw_read64(u64 pa);
void hw_write32(u64 pa, u32 v);
void hw_write64(u64 pa, u64 v);
/* @n zeroed, contiguous pages aligned to @align pages; NULL when none. */
void *hw_alloc_pages(u64 n, u64 align);
void hw_free_pages(void *p, u64 n);
u64 hw_virt_to_phys(const void *p);
/* NULL when @pa is not memory that may be read as a table. */
void *hw_phys_to_virt(u64 pa);
void hw_wmb(void);
void hw_mb(void);
void hw_clflush(const void *p);
u64 hw_deadline_after_us(u64 us);
bool hw_deadline_passed(u64 deadline);
void hw_relax(void);
#else
#include "lib/io.h"
#include "lib/palloc.h"
#include "lib/time.h"

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

static inline void *hw_alloc_pages(u64 n, u64 align)
{
	return pages_alloc_aligned(n, align);
}

static inline void hw_free_pages(void *p, u64 n)
{
	pages_free(p, n);
}

static inline u64 hw_virt_to_phys(const void *p)
{
	return virt_to_phys(p);
}

/* Tables only ever live in the pool; anything else is not walked. */
static inline void *hw_phys_to_virt(u64 pa)
{
	return palloc_owns(pa, 8) ? phys_to_virt(pa) : NULL;
}

static inline void hw_wmb(void)
{
	wmb();
}

static inline void hw_mb(void)
{
	mb();
}

static inline void hw_clflush(const void *p)
{
	clflush(p);
}

static inline u64 hw_deadline_after_us(u64 us)
{
	return deadline_after_us(us);
}

static inline bool hw_deadline_passed(u64 deadline)
{
	return deadline_passed(deadline);
}

static inline void hw_relax(void)
{
	cpu_relax();
}
#endif

/*
 * Evaluates @cond until it holds or @timeout_us passed; the value is whether
 * it held. The condition is evaluated once more after the deadline so a
 * descheduled vCPU does not report a false timeout. Every wait on hardware
 * goes through this.
 */
#define hw_poll_timeout(cond, timeout_us)				\
	({								\
		u64 __dl = hw_deadline_after_us(timeout_us);		\
		bool __ok;						\
		for (;;) {						\
			if (cond) {					\
				__ok = true;				\
				break;					\
			}						\
			if (hw_deadline_passed(__dl)) {			\
				__ok = (cond);				\
				break;					\
			}						\
			hw_relax();					\
		}							\
		__ok;							\
	})

#endif /* VTDTEST_LIB_HW_H */
