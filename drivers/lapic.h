/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTDTEST_DRIVERS_LAPIC_H
#define VTDTEST_DRIVERS_LAPIC_H

#include "lib/types.h"

/* Software-enables the local APIC (xAPIC or x2APIC, as firmware left it). */
void lapic_init(void);
u32 lapic_id(void);
bool lapic_x2apic(void);
void lapic_eoi(void);
void lapic_self_ipi(u8 vector);

#endif /* VTDTEST_DRIVERS_LAPIC_H */
