// SPDX-License-Identifier: GPL-2.0
/*
 * SPCR decoding. Offsets and values are those of Microsoft's "Serial Port
 * Console Redirection Table" specification, Table 1 (revision 2; revision
 * 1 has the same fields at the same offsets, revision 3 gives the reserved
 * bytes at 76 to the UART clock, revision 4 appends fields after byte 80:
 * its Precise Baud Rate requires a configured baud rate of 0, "as is",
 * which keeps the rate the firmware programmed). Interface types are
 * those of the DBG2 specification's serial port subtypes.
 */
#include "drivers/acpi/acpi.h"
#include "drivers/acpi/spcr.h"
#include "lib/printf.h"

#define SPCR_INTERFACE_TYPE	36	/* 1 byte */
#define SPCR_BASE_ADDRESS	40	/* 12-byte GAS */
#define SPCR_BAUD_RATE		58	/* 1 byte, a code */
#define SPCR_UART_CLOCK		76	/* 4 bytes, revision 3+ */
#define SPCR_MIN_LEN		80	/* every revision */
#define SPCR_CLOCK_REVISION	3

/* DBG2 serial port subtypes that are a 16550's register set. */
#define SPCR_16550		0x00	/* fully 16550-compatible */
#define SPCR_16450		0x01	/* 16550 subset (DBGP rev. 1) */
#define SPCR_16550_GAS		0x12	/* 16550, width from the GAS */

/* ACPI 6.5 5.2.3.2: the GAS access size. */
#define GAS_ACCESS_LEGACY	0	/* undefined: the bit width decides */
#define GAS_ACCESS_BYTE		1
#define GAS_ACCESS_DWORD	3

static u32 get32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static __printf(3, 4) enum spcr_status
spcr_reject(struct spcr_info *info, enum spcr_status status,
	    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(info->why, sizeof(info->why), fmt, ap);
	va_end(ap);
	return status;
}

/* SPCR Table 1, "Configured Baud Rate"; 0 is "as is": keep the divisor. */
static bool spcr_baud(u8 code, u32 *baud)
{
	switch (code) {
	case 0:
		*baud = 0;
		return true;
	case 3:
		*baud = 9600;
		return true;
	case 4:
		*baud = 19200;
		return true;
	case 6:
		*baud = 57600;
		return true;
	case 7:
		*baud = 115200;
		return true;
	}
	return false;
}

enum spcr_status spcr_parse(const void *table, size_t len,
			    struct spcr_info *info)
{
	const struct acpi_table_header *h = table;
	const u8 *b = table;
	struct acpi_gas gas;
	struct serial_port *p = &info->port;

	*info = (struct spcr_info){};
	if (len < ACPI_HEADER_LEN || __builtin_memcmp(h->signature, "SPCR", 4))
		return spcr_reject(info, SPCR_MALFORMED, "not an SPCR table");
	if (h->length < SPCR_MIN_LEN || h->length > len)
		return spcr_reject(info, SPCR_MALFORMED,
				   "SPCR length %u is below %u or beyond the table",
				   h->length, SPCR_MIN_LEN);
	info->revision = h->revision;
	info->interface_type = b[SPCR_INTERFACE_TYPE];
	__builtin_memcpy(&gas, b + SPCR_BASE_ADDRESS, sizeof(gas));

	if (info->interface_type != SPCR_16550 &&
	    info->interface_type != SPCR_16450 &&
	    info->interface_type != SPCR_16550_GAS)
		return spcr_reject(info, SPCR_UNSUPPORTED,
				   "SPCR interface type 0x%x is not a 16550",
				   info->interface_type);
	if (!gas.address)
		return spcr_reject(info, SPCR_UNSUPPORTED,
				   "SPCR base address is 0: no console");
	if (!spcr_baud(b[SPCR_BAUD_RATE], &p->baud))
		return spcr_reject(info, SPCR_MALFORMED,
				   "SPCR baud rate code %u is reserved",
				   b[SPCR_BAUD_RATE]);
	if (gas.bit_offset)
		return spcr_reject(info, SPCR_MALFORMED,
				   "SPCR base address bit offset %u is not 0",
				   gas.bit_offset);

	switch (gas.space_id) {
	case ACPI_GAS_IO:
		if (gas.bit_width != 8)
			return spcr_reject(info, SPCR_UNSUPPORTED,
					   "SPCR I/O registers of %u bits",
					   gas.bit_width);
		/* Its eight registers must all be I/O ports. */
		if (gas.address > 0xfff8)
			return spcr_reject(info, SPCR_MALFORMED,
					   "SPCR I/O port 0x%llx is beyond 0xfff8",
					   (unsigned long long)gas.address);
		p->space = SERIAL_IO;
		p->reg_width = 1;
		break;
	case ACPI_GAS_MEMORY:
		/*
		 * The register bit width is the register width and stride.
		 * An access size that says otherwise (Linux goes by the
		 * access size) leaves the table ambiguous.
		 */
		if (gas.bit_width == 8 &&
		    (gas.access_size == GAS_ACCESS_LEGACY ||
		     gas.access_size == GAS_ACCESS_BYTE))
			p->reg_width = 1;
		else if (gas.bit_width == 32 &&
			 (gas.access_size == GAS_ACCESS_LEGACY ||
			  gas.access_size == GAS_ACCESS_DWORD))
			p->reg_width = 4;
		else
			return spcr_reject(info, SPCR_UNSUPPORTED,
					   "SPCR MMIO registers of %u bits with access size %u",
					   gas.bit_width, gas.access_size);
		p->space = SERIAL_MMIO;
		break;
	default:
		return spcr_reject(info, SPCR_UNSUPPORTED,
				   "SPCR base address space %u is neither memory nor I/O",
				   gas.space_id);
	}
	p->base = gas.address;

	/* Unset (0, or reserved before revision 3): the PC UART's clock. */
	p->clock_hz = SERIAL_CLOCK_HZ;
	if (info->revision >= SPCR_CLOCK_REVISION && get32(b + SPCR_UART_CLOCK))
		p->clock_hz = get32(b + SPCR_UART_CLOCK);
	return SPCR_USABLE;
}
