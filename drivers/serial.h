/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTDTEST_DRIVERS_SERIAL_H
#define VTDTEST_DRIVERS_SERIAL_H

#include "lib/types.h"

/* The PC UART's input clock: divisor 1 is 115200 baud. */
#define SERIAL_CLOCK_HZ		1843200

enum serial_space {
	SERIAL_IO,
	SERIAL_MMIO,
};

/* A 16550: where its registers are, and how to program the line. */
struct serial_port {
	enum serial_space space;
	u64 base;			/* I/O port or MMIO address */
	u8 reg_width;			/* bytes, also the stride: 1, or 4 (MMIO) */
	u32 baud;			/* 0: keep the firmware's divisor */
	u32 clock_hz;			/* UART input clock */
};

/*
 * Programs the 16550 at @port for 8N1 and makes it the console; false
 * (and the previous console stays) when no UART answers there or the line
 * cannot be programmed.
 */
bool serial_init(const struct serial_port *port);
/* Polled, bounded output; '\n' becomes "\r\n". */
void serial_write(const char *s, size_t len);

#endif /* VTDTEST_DRIVERS_SERIAL_H */
