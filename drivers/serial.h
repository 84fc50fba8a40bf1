/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTDTEST_DRIVERS_SERIAL_H
#define VTDTEST_DRIVERS_SERIAL_H

#include "lib/types.h"

/* Programs the 16550 at @port for 8N1; false when no UART answers there. */
bool serial_init(u16 port, u32 baud);
/* Polled, bounded output; '\n' becomes "\r\n". */
void serial_write(const char *s, size_t len);

#endif /* VTDTEST_DRIVERS_SERIAL_H */
