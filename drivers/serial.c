// SPDX-License-Identifier: GPL-2.0
/*
 * 16550 UART, polled, in I/O space or memory-mapped with 8-bit or 32-bit
 * registers (register n at base + n * width). A transmitter that never
 * drains costs a bounded number of status reads per character and then
 * output is dropped, so a missing or wedged port can never hang the run.
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
#define SCR_PROBE	0x5a
#define DIVISOR_MAX	0xffff

#define THRE_MAX_POLLS	200000
#define DEAD_AFTER	8	/* characters lost in a row */

static struct serial_port con;	/* base 0: no console yet */
static unsigned int lost;

static u8 uart_in(const struct serial_port *p, unsigned int reg)
{
	if (p->space == SERIAL_IO)
		return inb(p->base + reg);
	if (p->reg_width == 4)
		return mmio_read32(p->base + reg * 4) & 0xff;
	return mmio_read8(p->base + reg);
}

static void uart_out(const struct serial_port *p, unsigned int reg, u8 v)
{
	if (p->space == SERIAL_IO)
		outb(p->base + reg, v);
	else if (p->reg_width == 4)
		mmio_write32(p->base + reg * 4, v);
	else
		mmio_write8(p->base + reg, v);
}

/* Rounded to the nearest divisor; 0 when @baud is out of the clock's reach. */
static u32 divisor(const struct serial_port *p)
{
	u64 div = ((u64)p->clock_hz + 8ULL * p->baud) / (16ULL * p->baud);

	return div <= DIVISOR_MAX ? div : 0;
}

/* I/O space has byte registers only; the last one must be a valid port. */
static bool port_valid(const struct serial_port *p)
{
	if (!p->base)
		return false;
	if (p->space == SERIAL_IO)
		return p->reg_width == 1 && p->base <= 0xffff - UART_SCR;
	return p->reg_width == 1 || p->reg_width == 4;
}

bool serial_init(const struct serial_port *p)
{
	u32 div = 0;

	if (!port_valid(p))
		return false;
	if (p->baud) {
		div = divisor(p);
		if (!div)
			return false;
	}
	uart_out(p, UART_SCR, SCR_PROBE);
	if (uart_in(p, UART_SCR) != SCR_PROBE)
		return false;
	uart_out(p, UART_IER, 0);
	if (div) {
		uart_out(p, UART_LCR, LCR_DLAB);
		uart_out(p, UART_DLL, div & 0xff);
		uart_out(p, UART_DLM, div >> 8);
	}
	/* Also clears DLAB when the firmware's divisor is kept. */
	uart_out(p, UART_LCR, LCR_8N1);
	uart_out(p, UART_FCR, FCR_ENABLE);
	uart_out(p, UART_MCR, MCR_DTR_RTS);
	con = *p;
	lost = 0;
	return true;
}

static void put_char(char c)
{
	for (unsigned int i = 0; i < THRE_MAX_POLLS; i++) {
		if (uart_in(&con, UART_LSR) & LSR_THRE) {
			uart_out(&con, UART_THR, c);
			lost = 0;
			return;
		}
		cpu_relax();
	}
	lost++;
}

void serial_write(const char *s, size_t len)
{
	if (!con.base)
		return;
	for (size_t i = 0; i < len && lost < DEAD_AFTER; i++) {
		if (s[i] == '\n')
			put_char('\r');
		put_char(s[i]);
	}
}
