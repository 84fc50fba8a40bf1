// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the DMAR parser: dmar_parse(), dmar_resolve() with a
 * small fake platform, every check, dmar_print() and dmar_unit_for_device(),
 * with console output discarded.
 *
 *   clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -I. \
 *	lib/printf.c lib/ktap.c drivers/iommu/intel/dmar.c \
 *	tests/fuzz/dmar_fuzz.c -o build/fuzz/dmar_fuzz
 *   build/fuzz/dmar_fuzz build/fuzz/corpus build/fixtures/dmar
 */
#include "drivers/iommu/intel/dmar.h"
#include "lib/ktap.h"
#include "lib/printf.h"

#define DEVFN(d, f)	((u8)(((d) << 3) | (f)))

struct fake_fn {
	u8 bus, devfn, hdr, sec, sub;
};

/*
 * Segment 0 only: 00:1c.0 -> buses 1-2 (01:00.0 -> bus 2), 00:1d.0 -> bus
 * 3, and 00:1e.0, a broken bridge whose secondary bus is its own bus 0, so
 * a path can revisit buses.
 */
static const struct fake_fn fake_pci[] = {
	{ 0, DEVFN(0x00, 0), 0x00, 0, 0 },
	{ 0, DEVFN(0x02, 0), 0x00, 0, 0 },
	{ 0, DEVFN(0x1c, 0), 0x01, 1, 2 },
	{ 1, DEVFN(0x00, 0), 0x01, 2, 2 },
	{ 2, DEVFN(0x00, 0), 0x00, 0, 0 },
	{ 0, DEVFN(0x1d, 0), 0x81, 3, 3 },
	{ 3, DEVFN(0x00, 0), 0x00, 0, 0 },
	{ 0, DEVFN(0x1e, 0), 0x01, 0, 0xff },
	{ 0, DEVFN(0x1f, 0), 0x80, 0, 0 },
};

static u32 fake_pci_read32(void *ctx, u16 seg, u8 bus, u8 devfn, u16 reg)
{
	const struct fake_fn *f;
	unsigned int i;

	(void)ctx;
	if (seg != 0)
		return 0xffffffff;
	for (i = 0; i < ARRAY_SIZE(fake_pci); i++) {
		f = &fake_pci[i];
		if (f->bus != bus || f->devfn != devfn)
			continue;
		if (reg == 0x00)
			return 0x12348086;
		if (reg == 0x0c)
			return (u32)f->hdr << 16;
		if (reg == 0x18)
			return ((u32)f->sub << 16) | ((u32)f->sec << 8) | bus;
		return 0;
	}
	return 0xffffffff;
}

static bool fake_mem_is_reserved(void *ctx, u64 base, u64 end)
{
	(void)ctx;
	return base >= 0x7b800000 && end <= 0x7fffffff;
}

/* Units at 0xfed90000..0xfed93000; ECAP varies with the base. */
static u64 fake_reg_read64(void *ctx, u64 phys)
{
	u64 base = phys & ~0xfffULL;

	(void)ctx;
	if (base < 0xfed90000 || base > 0xfed93000)
		return ~0ULL;
	switch (phys & 0xfff) {
	case DMAR_REG_VER:
		return 0x10;
	case DMAR_REG_CAP:
		return 0x00d2008c40660462ULL;
	case DMAR_REG_ECAP:
		return 0xf050da ^ ((base >> 12) & 0x1a);
	default:
		return 0;
	}
}

static const struct dmar_env fake_env = {
	.pci_read32 = fake_pci_read32,
	.mem_is_reserved = fake_mem_is_reserved,
	.reg_read64 = fake_reg_read64,
};

static const struct dmar_env bare_env = { 0 };

static void discard(const char *s, size_t len)
{
	(void)s;
	(void)len;
}

static void run_all(const struct dmar_table *t, const struct dmar_env *env)
{
	struct ktap_case c;
	unsigned int i;

	ktap_reset();
	ktap_suite_begin("dmar", dmar_nr_checks);
	for (i = 0; i < dmar_nr_checks; i++) {
		ktap_case_init(&c, dmar_checks[i].name);
		dmar_checks[i].run(&c, t, env);
		ktap_case_report(&c);
	}
	ktap_suite_end(NULL);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct dmar_table t;
	unsigned int bus;

	console_set_sink(discard);
	dmar_parse(data, size, &t);
	run_all(&t, &bare_env);		/* unresolved, no platform */
	dmar_resolve(&t, &fake_env);
	run_all(&t, &fake_env);
	dmar_print(&t);
	for (bus = 0; bus < 4; bus++)
		dmar_unit_for_device(&t, 0, (u8)bus, DEVFN(0, 0));
	dmar_unit_for_device(&t, 0, 0, DEVFN(0x1f, 0));
	dmar_unit_for_device(&t, 1, 0, DEVFN(0, 0));
	return 0;
}
