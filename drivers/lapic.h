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

/* Measures the timer's rate against the calibrated TSC; after time_init. */
void lapic_timer_init(void);
u64 lapic_timer_hz(void);
/*
 * Halts until @done(@arg) holds or @timeout_us passed, with interrupts on
 * only while halted; a one-shot timer bounds every sleep. Returns whether
 * @done held. Under QEMU with -icount sleep=off a halted wait costs no
 * wall time.
 *
 * @done must read the device's own completion status. An interrupt only
 * ends a halt: it may be the late one of an earlier request, whose
 * completion was read before its interrupt could be taken.
 */
bool lapic_halt_until(bool (*done)(void *arg), void *arg, u64 timeout_us);

#endif /* VTDTEST_DRIVERS_LAPIC_H */
