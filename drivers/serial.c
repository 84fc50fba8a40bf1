// SPDX-License-Identifier: GPL-2.0
/*
 * 16550 UART, polled. A transmitter that never drains costs a bounded
 * number of status reads per character and then output is dropped, so a
 * missing or wedged port can never hang the run.
 */
#include "drivers/serial.h"
#include "lib/io.h"

#define UART_THR	0	/* transmit holding (DLAB 0) */
#define UART_DLL	0	/* divisor latch low (DLAB 1) */
#define UART_IER	1
#define UART_DLM	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_SCR	7

#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define FCR_ENABLE	0xc7	/* enable and clear FIFOs, 14-byte trigger */
#define MCR_DTR_RTS	0x03
#define LSR_THRE	0x20
#define UART_CLOCK_DIV	115200

#define THRE_MAX_POLLS	200000
#define DEAD_AFTER	8	/* characters lost in a row */

static u16 base;
static unsigned int lost;

bool serial_init(u16 port, u32 baud)
{
	u16 div = UART_CLOCK_DIV / baud;

	outb(port + UART_SCR, 0x5a);
	if (inb(port + UART_SCR) != 0x5a)
		return false;
	outb(port + UART_IER, 0);
	outb(port + UART_LCR, LCR_DLAB);
	outb(port + UART_DLL, div & 0xff);
	outb(port + UART_DLM, div >> 8);
	outb(port + UART_LCR, LCR_8N1);
	outb(port + UART_FCR, FCR_ENABLE);
	outb(port + UART_MCR, MCR_DTR_RTS);
	base = port;
	lost = 0;
	return true;
}

static void put_char(char c)
{
	for (unsigned int i = 0; i < THRE_MAX_POLLS; i++) {
		if (inb(base + UART_LSR) & LSR_THRE) {
			outb(base + UART_THR, c);
			lost = 0;
			return;
		}
		cpu_relax();
	}
	lost++;
}

void serial_write(const char *s, size_t len)
{
	if (!base)
		return;
	for (size_t i = 0; i < len && lost < DEAD_AFTER; i++) {
		if (s[i] == '\n')
			put_char('\r');
		put_char(s[i]);
	}
}
