/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time from the calibrated TSC. Bounded waits use hw_poll_timeout()
 * (lib/hw.h), built on the deadlines here.
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
/* Microseconds until @deadline, 0 once it passed. */
u64 deadline_left_us(u64 deadline);

#endif /* VTDTEST_LIB_TIME_H */
