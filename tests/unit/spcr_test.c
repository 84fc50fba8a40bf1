// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the SPCR decoder (drivers/acpi/spcr.c) on the iasl-built
 * tables of tests/fixtures/spcr. Expected values are read off the ASL
 * sources by hand. Byte mutations cover what iasl 20200925 cannot write
 * (it knows only revision 1's layout) or what no valid table holds; each
 * is documented where it is made, with the SPCR Table 1 offset.
 */
#include <stdlib.h>

#include "drivers/acpi/spcr.h"
#include "tests/unit/unit.h"

#define OFF_BASE_BIT_WIDTH	41
#define OFF_BASE_ACCESS_SIZE	43
#define OFF_BASE_ADDRESS	44
#define OFF_UART_CLOCK		76

static void put32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static enum spcr_status parse(const char *name, struct spcr_info *info,
			      void (*mutate)(u8 *table))
{
	enum spcr_status st = SPCR_MALFORMED;
	size_t len;
	u8 *t = unit_load_fixture(name, &len);

	if (!t)
		return st;
	if (mutate)
		mutate(t);
	st = spcr_parse(t, len, info);
	free(t);
	return st;
}

UNIT_TEST(spcr_io_com2)
{
	struct spcr_info i;

	EXPECT_U64(parse("spcr/com2.aml", &i, NULL), SPCR_USABLE);
	EXPECT_U64(i.revision, 2);
	EXPECT_U64(i.interface_type, 0);
	EXPECT_U64(i.port.space, SERIAL_IO);
	EXPECT_U64(i.port.base, 0x2f8);
	EXPECT_U64(i.port.reg_width, 1);
	EXPECT_U64(i.port.baud, 115200);
	EXPECT_U64(i.port.clock_hz, 1843200);
}

/* Revision 3's UART clock at 76: 48 MHz. */
static void clock_48mhz(u8 *t)
{
	put32(t + OFF_UART_CLOCK, 48000000);
}

UNIT_TEST(spcr_mmio32)
{
	struct spcr_info i;

	EXPECT_U64(parse("spcr/mmio32.aml", &i, NULL), SPCR_USABLE);
	EXPECT_U64(i.revision, 3);
	EXPECT_U64(i.interface_type, 0x12);
	EXPECT_U64(i.port.space, SERIAL_MMIO);
	EXPECT_U64(i.port.base, 0xfe032000);
	EXPECT_U64(i.port.reg_width, 4);
	EXPECT_U64(i.port.baud, 115200);
	EXPECT_U64(i.port.clock_hz, 1843200);

	EXPECT_U64(parse("spcr/mmio32.aml", &i, clock_48mhz), SPCR_USABLE);
	EXPECT_U64(i.port.clock_hz, 48000000);
}

/* Junk in the bytes at 76, reserved before revision 3. */
static void reserved_junk(u8 *t)
{
	put32(t + OFF_UART_CLOCK, 0x12345678);
}

UNIT_TEST(spcr_mmio8_as_is)
{
	struct spcr_info i;

	EXPECT_U64(parse("spcr/mmio8_asis.aml", &i, reserved_junk),
		   SPCR_USABLE);
	EXPECT_U64(i.interface_type, 1);
	EXPECT_U64(i.port.space, SERIAL_MMIO);
	EXPECT_U64(i.port.base, 0xfed00800);
	EXPECT_U64(i.port.reg_width, 1);
	EXPECT_U64(i.port.baud, 0);
	EXPECT_U64(i.port.clock_hz, 1843200);
}

UNIT_TEST(spcr_not_16550)
{
	struct spcr_info i;

	EXPECT_U64(parse("spcr/pl011.aml", &i, NULL), SPCR_UNSUPPORTED);
	EXPECT_U64(i.interface_type, 3);
	EXPECT_STR(i.why, "SPCR interface type 0x3 is not a 16550");
	EXPECT_U64(i.port.base, 0);
}

UNIT_TEST(spcr_bad_baud)
{
	struct spcr_info i;

	EXPECT_U64(parse("spcr/bad_baud.aml", &i, NULL), SPCR_MALFORMED);
	EXPECT_STR(i.why, "SPCR baud rate code 5 is reserved");
}

/* Register bit width 16 (a GAS the SPCR allows, serial.c does not drive). */
static void mmio16(u8 *t)
{
	t[OFF_BASE_BIT_WIDTH] = 16;
	t[OFF_BASE_ACCESS_SIZE] = 2;
}

/* 32-bit registers read with byte accesses: the GAS contradicts itself. */
static void width_mismatch(u8 *t)
{
	t[OFF_BASE_ACCESS_SIZE] = 1;
}

/* 32-bit registers in I/O space. */
static void io32(u8 *t)
{
	t[OFF_BASE_BIT_WIDTH] = 32;
}

/* I/O port 0xfffc: its scratch register would be port 0x10003. */
static void io_top(u8 *t)
{
	put32(t + OFF_BASE_ADDRESS, 0xfffc);
}

UNIT_TEST(spcr_io_port_range)
{
	struct spcr_info i;

	EXPECT_U64(parse("spcr/com2.aml", &i, io_top), SPCR_MALFORMED);
	EXPECT_STR(i.why, "SPCR I/O port 0xfffc is beyond 0xfff8");
}

UNIT_TEST(spcr_register_widths)
{
	struct spcr_info i;

	EXPECT_U64(parse("spcr/mmio32.aml", &i, mmio16), SPCR_UNSUPPORTED);
	EXPECT_STR(i.why, "SPCR MMIO registers of 16 bits with access size 2");
	EXPECT_U64(parse("spcr/mmio32.aml", &i, width_mismatch),
		   SPCR_UNSUPPORTED);
	EXPECT_STR(i.why, "SPCR MMIO registers of 32 bits with access size 1");
	EXPECT_U64(parse("spcr/com2.aml", &i, io32), SPCR_UNSUPPORTED);
	EXPECT_STR(i.why, "SPCR I/O registers of 32 bits");
}

UNIT_TEST(spcr_short)
{
	struct spcr_info i;
	size_t len;
	u8 *t = unit_load_fixture("spcr/com2.aml", &len);

	if (!t)
		return;
	/* The buffer ends before the 80 bytes the header claims. */
	EXPECT_U64(spcr_parse(t, 79, &i), SPCR_MALFORMED);
	EXPECT_STR(i.why, "SPCR length 80 is below 80 or beyond the table");
	/* Header length 79: no revision is that short. */
	put32(t + 4, 79);
	EXPECT_U64(spcr_parse(t, len, &i), SPCR_MALFORMED);
	EXPECT_STR(i.why, "SPCR length 79 is below 80 or beyond the table");
	EXPECT_U64(spcr_parse(t, 20, &i), SPCR_MALFORMED);
	EXPECT_STR(i.why, "not an SPCR table");
	free(t);
}
