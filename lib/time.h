/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time and the one bounded-wait helper every hardware poll uses.
 */
#ifndef VTDTEST_LIB_TIME_H
#define VTDTEST_LIB_TIME_H

#include "lib/types.h"

enum time_source {
	TIME_SOURCE_NONE,
	TIME_SOURCE_PM_TIMER,
	TIME_SOURCE_HPET,
};

struct time_calibration {
	enum time_source source;
	u64 tsc_hz;
	u64 reference_ticks;		/* of the reference over the window */
	bool ok;
	char problem[120];
};

/*
 * Calibrates the TSC against the ACPI PM timer, or the HPET when there is no
 * PM timer. On failure a 1 GHz guess keeps waits bounded and the problem is
 * recorded for the boot suite.
 */
void time_init(u16 pm_tmr_port, bool pm_tmr_32bit, u64 hpet_base);
const struct time_calibration *time_calibration(void);

u64 time_now_us(void);
void udelay(u64 us);

/* An absolute deadline in TSC ticks, @us from now. */
u64 deadline_after_us(u64 us);
bool deadline_passed(u64 deadline);

/*
 * Evaluates @cond until it holds or @timeout_us passed; the value is whether
 * it held. The condition is evaluated once more after the deadline so a
 * slow vCPU that was descheduled does not report a false timeout.
 */
#define poll_timeout(cond, timeout_us)					\
	({								\
		u64 __dl = deadline_after_us(timeout_us);		\
		bool __ok;						\
		for (;;) {						\
			if (cond) {					\
				__ok = true;				\
				break;					\
			}						\
			if (deadline_passed(__dl)) {			\
				__ok = (cond);				\
				break;					\
			}						\
			cpu_relax();					\
		}							\
		__ok;							\
	})

#endif /* VTDTEST_LIB_TIME_H */
