// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the DMAR parser and checks (drivers/iommu/intel/dmar.c).
 *
 * Expected values come from the VT-d spec's layouts (chapter 8) and the
 * ASL sources in tests/fixtures/dmar, whose header comments list every
 * structure's offset; they are not produced by the code under test.
 *
 * The fake platform below has a small PCI topology with bridges, four
 * remapping units and a memory map. Byte mutations of compiled fixtures
 * cover what iasl cannot express (it computes lengths and the checksum):
 * each one is documented where it is made.
 */
#include <stdlib.h>

#include "drivers/iommu/intel/dmar.h"
#include "lib/ktap.h"
#include "lib/printf.h"
#include "tests/unit/unit.h"

#define DEVFN(d, f)	((u8)(((d) << 3) | (f)))

/* ---------------------------------------------------------------------
 * Fake platform
 *
 * segment 0:
 *   00:00.0 host bridge        00:02.0 graphics     00:14.0 xHCI
 *   00:1c.0 root port, buses 1-2
 *     01:00.0 switch port, bus 2
 *       02:00.0 endpoint
 *   00:1d.0 root port, bus 3
 *     03:00.0 endpoint
 *   00:1f.0 LPC (multi-function bit set in its header type)
 * segment 1:
 *   00:01.0 endpoint
 */
struct fake_fn {
	u16 seg;
	u8 bus, devfn;
	u8 hdr;			/* config 0x0e */
	u8 sec, sub;		/* bridges */
};

static const struct fake_fn fake_pci[] = {
	{ 0, 0, DEVFN(0x00, 0), 0x00, 0, 0 },
	{ 0, 0, DEVFN(0x02, 0), 0x00, 0, 0 },
	{ 0, 0, DEVFN(0x14, 0), 0x00, 0, 0 },
	{ 0, 0, DEVFN(0x1c, 0), 0x01, 1, 2 },
	{ 0, 1, DEVFN(0x00, 0), 0x01, 2, 2 },
	{ 0, 2, DEVFN(0x00, 0), 0x00, 0, 0 },
	{ 0, 0, DEVFN(0x1d, 0), 0x01, 3, 3 },
	{ 0, 3, DEVFN(0x00, 0), 0x00, 0, 0 },
	{ 0, 0, DEVFN(0x1f, 0), 0x80, 0, 0 },
	{ 1, 0, DEVFN(0x01, 0), 0x00, 0, 0 },
};

struct fake_unit {
	u64 base;
	u64 ver, cap, ecap;
};

/* ECAP 0xf050da: QI (bit 1), IR (bit 3), EIM (bit 4); 0xf050d2 lacks IR. */
static const struct fake_unit fake_units[] = {
	{ 0xfed90000, 0x10, 0x00d2008c40660462ULL, 0xf050da },
	{ 0xfed91000, 0x10, 0x00d2008c40660462ULL, 0xf050da },
	{ 0xfed92000, 0x10, 0x00d2008c40660462ULL, 0xf050da },
	{ 0xfed93000, 0x10, 0x00d2008c40660462ULL, 0xf050da },
	{ 0xfed94000, 0x10, 0x00d2008c40660462ULL, 0xf050d2 },
};

/* Reserved in the fake UEFI memory map. */
static const u64 fake_reserved[][2] = {
	{ 0x7b800000, 0x7fffffff },
	{ 0x3e000000, 0x3e2fffff },
};


static u32 fake_pci_read32(void *ctx, u16 seg, u8 bus, u8 devfn, u16 reg)
{
	const struct fake_fn *f;
	unsigned int i;

	(void)ctx;
	for (i = 0; i < ARRAY_SIZE(fake_pci); i++) {
		f = &fake_pci[i];
		if (f->seg != seg || f->bus != bus || f->devfn != devfn)
			continue;
		switch (reg) {
		case 0x00:
			return 0x12348086;
		case 0x0c:
			return (u32)f->hdr << 16;
		case 0x18:
			return ((u32)f->sub << 16) | ((u32)f->sec << 8) | bus;
		default:
			return 0;
		}
	}
	return 0xffffffff;
}

static bool fake_mem_is_reserved(void *ctx, u64 base, u64 end)
{
	unsigned int i;

	(void)ctx;
	for (i = 0; i < ARRAY_SIZE(fake_reserved); i++)
		if (base >= fake_reserved[i][0] && end <= fake_reserved[i][1])
			return true;
	return false;
}

static u64 fake_reg_read64(void *ctx, u64 phys)
{
	const struct fake_unit *u;
	unsigned int i;

	(void)ctx;
	for (i = 0; i < ARRAY_SIZE(fake_units); i++) {
		u = &fake_units[i];
		if (phys == u->base + DMAR_REG_VER)
			return u->ver;
		if (phys == u->base + DMAR_REG_CAP)
			return u->cap;
		if (phys == u->base + DMAR_REG_ECAP)
			return u->ecap;
	}
	return ~0ULL;
}

static const struct dmar_env fake_env = {
	.ctx = NULL,
	.pci_read32 = fake_pci_read32,
	.mem_is_reserved = fake_mem_is_reserved,
	.reg_read64 = fake_reg_read64,
};

/* ---------------------------------------------------------------------
 * Helpers
 */

static struct dmar_table *table_new(void)
{
	struct dmar_table *t = calloc(1, sizeof(*t));

	if (!t)
		abort();
	return t;
}

static void *load(const char *name, size_t *len)
{
	char path[128];

	snprintf(path, sizeof(path), "dmar/%s.aml", name);
	return unit_load_fixture(path, len);
}

static void fix_checksum(u8 *b, size_t len)
{
	u8 sum = 0;
	size_t i;

	b[9] = 0;
	for (i = 0; i < len; i++)
		sum += b[i];
	b[9] = (u8)(0x100 - sum);
}

static void put32(u8 *b, u32 v)
{
	b[0] = (u8)v;
	b[1] = (u8)(v >> 8);
	b[2] = (u8)(v >> 16);
	b[3] = (u8)(v >> 24);
}

/*
 * Appends @n raw bytes to a compiled table, then sets the header length
 * (offset 4) to the new size and recomputes the checksum (offset 9).
 */
static u8 *append(const u8 *b, size_t len, const u8 *more, size_t n,
		  size_t *out_len)
{
	u8 *r = malloc(len + n);

	if (!r)
		abort();
	memcpy(r, b, len);
	memcpy(r + len, more, n);
	*out_len = len + n;
	put32(r + 4, (u32)*out_len);
	fix_checksum(r, *out_len);
	return r;
}

struct run {
	enum ktap_result res[64];
	char *out;
};

static void run_checks(const struct dmar_table *t, const struct dmar_env *env,
		       struct run *r)
{
	struct ktap_case c;
	unsigned int i;

	unit_capture_begin();
	ktap_reset();
	ktap_suite_begin("dmar", dmar_nr_checks);
	for (i = 0; i < dmar_nr_checks; i++) {
		ktap_case_init(&c, dmar_checks[i].name);
		dmar_checks[i].run(&c, t, env);
		r->res[i] = c.result;
		ktap_case_report(&c);
	}
	ktap_suite_end(NULL);
	r->out = strdup(unit_capture_end());
}

static int check_index(const char *name)
{
	unsigned int i;

	for (i = 0; i < dmar_nr_checks; i++)
		if (!strcmp(dmar_checks[i].name, name))
			return (int)i;
	return -1;
}

static enum ktap_result result_of(const struct run *r, const char *name)
{
	int i = check_index(name);

	return i < 0 ? (enum ktap_result)-1 : r->res[i];
}

/* Parses, resolves with @env and runs every check. */
static struct dmar_table *parse_run(const void *b, size_t len,
				    const struct dmar_env *env, struct run *r)
{
	struct dmar_table *t = table_new();

	dmar_parse(b, len, t);
	dmar_resolve(t, env);
	run_checks(t, env, r);
	return t;
}

/*
 * Exactly the checks named in @fails (NULL-terminated) failed; every other
 * check passed or skipped; every string in @needles is in the output.
 */
static void expect_only(const char *what, const struct run *r,
			const char *const *fails, const char *const *needles)
{
	unsigned int i, j;
	bool want;

	for (i = 0; i < dmar_nr_checks; i++) {
		want = false;
		for (j = 0; fails && fails[j]; j++)
			if (!strcmp(fails[j], dmar_checks[i].name))
				want = true;
		if (want != (r->res[i] == KTAP_FAIL))
			unit_failed(__FILE__, __LINE__,
				    "%s: check %s %s, expected it to %s\n%s",
				    what, dmar_checks[i].name,
				    r->res[i] == KTAP_FAIL ? "failed" : "did not fail",
				    want ? "fail" : "pass or skip", r->out);
	}
	for (j = 0; fails && fails[j]; j++)
		if (check_index(fails[j]) < 0)
			unit_failed(__FILE__, __LINE__, "%s: no check %s",
				    what, fails[j]);
	for (j = 0; needles && needles[j]; j++)
		if (!strstr(r->out, needles[j]))
			unit_failed(__FILE__, __LINE__,
				    "%s: \"%s\" not in output:\n%s", what,
				    needles[j], r->out);
}

#define STRS(...)	((const char *const[]){ __VA_ARGS__, NULL })

/* ---------------------------------------------------------------------
 * Valid tables
 */

static void expect_scope(const struct dmar_scope *s, u32 off, u8 type,
			 u8 len, u8 enum_id, u8 bus, u8 owner_type, u16 owner,
			 u16 seg, u8 dev0, u8 fn0, int line)
{
	if (s->offset != off || s->type != type || s->length != len ||
	    s->enum_id != enum_id || s->start_bus != bus ||
	    s->owner_type != owner_type || s->owner != owner ||
	    s->segment != seg || s->path[0][0] != dev0 || s->path[0][1] != fn0)
		unit_failed(__FILE__, line,
			    "scope at 0x%x: type %u len %u id %u bus %x owner %u/%u seg %u path %x.%x, want 0x%x %u %u %u %x %u/%u %u %x.%x",
			    s->offset, s->type, s->length, s->enum_id,
			    s->start_bus, s->owner_type, s->owner, s->segment,
			    s->path[0][0], s->path[0][1], off, type, len,
			    enum_id, bus, owner_type, owner, seg, dev0, fn0);
}

/* Layout from tests/fixtures/dmar/valid.asl (offsets in its header). */
UNIT_TEST(dmar_valid_parses_to_asl_layout)
{
	struct dmar_table *t = table_new();
	size_t len;
	u8 *b = load("valid", &len);

	if (!b)
		return;
	EXPECT_U64(len, 0x16b);
	EXPECT_U64(dmar_parse(b, len, t), 0);
	EXPECT(t->header_ok);
	EXPECT_STR(t->signature, "DMAR");
	EXPECT_U64(t->length, 0x16b);
	EXPECT_U64(t->revision, 1);
	EXPECT_STR(t->oem_id, "VTDTST");
	EXPECT_STR(t->oem_table_id, "VALID   ");
	EXPECT_U64(t->sum, 0);
	EXPECT_U64(t->width_field, 0x26);
	EXPECT_U64(t->haw, 39);
	EXPECT_U64(t->flags, DMAR_FLAGS_INTR_REMAP | DMAR_FLAGS_DMA_CTRL_OPT_IN);
	EXPECT_U64(t->nr_structs, 13);
	EXPECT_U64(t->nr_drhd, 4);
	EXPECT_U64(t->nr_rmrr, 2);
	EXPECT_U64(t->nr_atsr, 2);
	EXPECT_U64(t->nr_rhsa, 4);
	EXPECT_U64(t->nr_andd, 1);
	EXPECT_U64(t->nr_satc, 0);
	EXPECT_U64(t->nr_sidp, 0);
	EXPECT_U64(t->nr_scopes, 10);
	EXPECT_U64(t->nr_unknown, 0);
	EXPECT_U64(t->nr_problems, 0);

	EXPECT_U64(t->drhd[0].offset, 0x30);
	EXPECT_U64(t->drhd[0].length, 0x18);
	EXPECT_U64(t->drhd[0].flags, 0);
	EXPECT_U64(t->drhd[0].base, 0xfed90000);
	EXPECT_U64(t->drhd[0].scope_first, 0);
	EXPECT_U64(t->drhd[0].nr_scopes, 1);
	EXPECT_U64(t->drhd[1].offset, 0x48);
	EXPECT_U64(t->drhd[1].length, 0x24);
	EXPECT_U64(t->drhd[1].base, 0xfed92000);
	EXPECT_U64(t->drhd[1].scope_first, 1);
	EXPECT_U64(t->drhd[1].nr_scopes, 2);
	EXPECT_U64(t->drhd[2].offset, 0x6c);
	EXPECT_U64(t->drhd[2].length, 0x28);
	EXPECT_U64(t->drhd[2].flags, DMAR_DRHD_INCLUDE_PCI_ALL);
	EXPECT_U64(t->drhd[2].base, 0xfed91000);
	EXPECT_U64(t->drhd[2].scope_first, 3);
	EXPECT_U64(t->drhd[2].nr_scopes, 3);
	EXPECT_U64(t->drhd[3].offset, 0x94);
	EXPECT_U64(t->drhd[3].segment, 1);
	EXPECT_U64(t->drhd[3].flags, DMAR_DRHD_INCLUDE_PCI_ALL);
	EXPECT_U64(t->drhd[3].base, 0xfed93000);

	EXPECT_U64(t->rmrr[0].offset, 0xac);
	EXPECT_U64(t->rmrr[0].length, 0x20);
	EXPECT_U64(t->rmrr[0].base, 0x7b800000);
	EXPECT_U64(t->rmrr[0].end, 0x7fffffff);
	EXPECT_U64(t->rmrr[0].scope_first, 7);
	EXPECT_U64(t->rmrr[1].offset, 0xcc);
	EXPECT_U64(t->rmrr[1].base, 0x3e2e0000);
	EXPECT_U64(t->rmrr[1].end, 0x3e2fffff);

	EXPECT_U64(t->atsr[0].offset, 0xec);
	EXPECT_U64(t->atsr[0].flags, 0);
	EXPECT_U64(t->atsr[0].nr_scopes, 1);
	EXPECT_U64(t->atsr[1].offset, 0xfc);
	EXPECT_U64(t->atsr[1].flags, DMAR_ATSR_ALL_PORTS);
	EXPECT_U64(t->atsr[1].segment, 1);
	EXPECT_U64(t->atsr[1].nr_scopes, 0);

	EXPECT_U64(t->rhsa[0].offset, 0x104);
	EXPECT_U64(t->rhsa[0].base, 0xfed90000);
	EXPECT_U64(t->rhsa[2].offset, 0x12c);
	EXPECT_U64(t->rhsa[2].base, 0xfed91000);
	EXPECT_U64(t->rhsa[2].proximity, 1);
	EXPECT_U64(t->rhsa[3].offset, 0x140);

	EXPECT_U64(t->andd[0].offset, 0x154);
	EXPECT_U64(t->andd[0].length, 0x17);
	EXPECT_U64(t->andd[0].number, 1);
	EXPECT_U64(t->andd[0].name_bytes, 15);
	EXPECT(t->andd[0].nul_terminated);
	EXPECT_STR(t->andd[0].name, "\\_SB.PCI0.UAR0");

	expect_scope(&t->scopes[0], 0x40, 1, 8, 0, 0x00, 0, 0, 0, 0x02, 0, __LINE__);
	expect_scope(&t->scopes[1], 0x58, 2, 8, 0, 0x00, 0, 1, 0, 0x1d, 0, __LINE__);
	expect_scope(&t->scopes[2], 0x60, 1, 12, 0, 0x00, 0, 1, 0, 0x1c, 0, __LINE__);
	expect_scope(&t->scopes[3], 0x7c, 3, 8, 2, 0xf0, 0, 2, 0, 0x1f, 0, __LINE__);
	expect_scope(&t->scopes[4], 0x84, 4, 8, 0, 0x00, 0, 2, 0, 0x1f, 0, __LINE__);
	expect_scope(&t->scopes[5], 0x8c, 5, 8, 1, 0x00, 0, 2, 0, 0x1e, 6, __LINE__);
	expect_scope(&t->scopes[6], 0xa4, 3, 8, 3, 0x00, 0, 3, 1, 0x05, 4, __LINE__);
	expect_scope(&t->scopes[7], 0xc4, 1, 8, 0, 0x00, 1, 0, 0, 0x02, 0, __LINE__);
	expect_scope(&t->scopes[8], 0xe4, 1, 8, 0, 0x00, 1, 1, 0, 0x14, 0, __LINE__);
	expect_scope(&t->scopes[9], 0xf4, 2, 8, 0, 0x00, 2, 0, 0, 0x1c, 0, __LINE__);
	EXPECT_U64(t->scopes[2].path_len, 3);
	EXPECT_U64(t->scopes[2].path[1][0], 0);
	EXPECT_U64(t->scopes[2].path[2][0], 0);
	/* A three-element path is not located before dmar_resolve(). */
	EXPECT(!t->scopes[2].located);
	EXPECT(t->scopes[0].located);
	EXPECT_U64(t->scopes[0].devfn, DEVFN(2, 0));

	EXPECT_U64(t->structs[0].type, DMAR_TYPE_DRHD);
	EXPECT_U64(t->structs[4].type, DMAR_TYPE_RMRR);
	EXPECT_U64(t->structs[4].offset, 0xac);
	EXPECT_U64(t->structs[12].type, DMAR_TYPE_ANDD);
	EXPECT_U64(t->structs[12].index, 0);
	free(b);
	free(t);
}

UNIT_TEST(dmar_valid_resolves_through_bridges)
{
	struct dmar_table *t = table_new();
	const struct dmar_scope *s;
	size_t len;
	u8 *b = load("valid", &len);

	if (!b)
		return;
	dmar_parse(b, len, t);
	dmar_resolve(t, &fake_env);
	/* 0x60: bus 0 path 1c.0/00.0/00.0 -> 00:1c.0 -> 01:00.0 -> 02:00.0 */
	s = &t->scopes[2];
	EXPECT_U64(s->status, DMAR_SCOPE_OK);
	EXPECT(s->located);
	EXPECT_U64(s->bus, 2);
	EXPECT_U64(s->devfn, DEVFN(0, 0));
	EXPECT_U64(s->elem_bus[0], 0);
	EXPECT_U64(s->elem_bus[1], 1);
	EXPECT_U64(s->elem_bus[2], 2);
	EXPECT_U64(s->hdr_type, 0);
	/* 0x58: bridge 00:1d.0, buses 3..3 */
	s = &t->scopes[1];
	EXPECT_U64(s->status, DMAR_SCOPE_OK);
	EXPECT_U64(s->hdr_type, 1);
	EXPECT(s->range_valid);
	EXPECT_U64(s->sec_bus, 3);
	EXPECT_U64(s->sub_bus, 3);
	/* 0xf4: ATSR bridge 00:1c.0, buses 1..2 */
	s = &t->scopes[9];
	EXPECT(s->range_valid);
	EXPECT_U64(s->sec_bus, 1);
	EXPECT_U64(s->sub_bus, 2);
	/* 0x7c: IOAPIC f0:1f.0 is a source-id, not looked up */
	s = &t->scopes[3];
	EXPECT_U64(s->status, DMAR_SCOPE_OK);
	EXPECT_U64(s->bus, 0xf0);
	EXPECT_U64(s->devfn, DEVFN(0x1f, 0));
	free(b);
	free(t);
}

UNIT_TEST(dmar_valid_passes_every_check)
{
	struct run r;
	struct dmar_table *t;
	size_t len;
	u8 *b = load("valid", &len);

	if (!b)
		return;
	t = parse_run(b, len, &fake_env, &r);
	expect_only("valid", &r, NULL,
		    STRS("ok 1 table_header", "host address width 39 bits",
			 "VER 1.0 CAP 0xd2008c40660462",
			 "ok 16 device_scopes", "ok 17 rhsa_units"));
	EXPECT(result_of(&r, "satc") == KTAP_SKIP);
	EXPECT(result_of(&r, "sidp") == KTAP_SKIP);
	EXPECT_CONTAINS(r.out, "# SKIP no SATC structures");
	EXPECT_CONTAINS(r.out, "# SKIP no SIDP structures");
	/* everything else passes */
	EXPECT_CONTAINS(r.out, "ok 21 sidp");
	EXPECT(!strstr(r.out, "not ok"));
	free(r.out);
	free(t);
	free(b);
}

UNIT_TEST(dmar_valid_qemu_passes)
{
	struct run r;
	struct dmar_table *t;
	size_t len;
	u8 *b = load("valid_qemu", &len);

	if (!b)
		return;
	t = parse_run(b, len, &fake_env, &r);
	expect_only("valid_qemu", &r, NULL, NULL);
	EXPECT_U64(t->nr_drhd, 1);
	EXPECT_U64(t->drhd[0].flags, DMAR_DRHD_INCLUDE_PCI_ALL);
	EXPECT_U64(t->scopes[0].start_bus, 0xff);
	free(r.out);
	free(t);
	free(b);
}

/* SATC (8.8) at 0x16b: flags ATC_REQUIRED, seg 0, endpoint 00:02.0. */
static const u8 satc_bytes[] = {
	0x05, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
};

/* SIDP (8.9) at 0x17b: seg 0, endpoint 00:14.0 with scope flags 0x10. */
static const u8 sidp_bytes[] = {
	0x06, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x08, 0x10, 0x00, 0x00, 0x00, 0x14, 0x00,
};

/*
 * iasl 20200925 cannot compile SATC or SIDP: the test appends them to
 * valid.aml as raw bytes (header length and checksum recomputed).
 */
static u8 *valid_with_satc_sidp(size_t *len)
{
	u8 more[sizeof(satc_bytes) + sizeof(sidp_bytes)];
	size_t vlen;
	u8 *v = load("valid", &vlen), *r;

	if (!v)
		return NULL;
	memcpy(more, satc_bytes, sizeof(satc_bytes));
	memcpy(more + sizeof(satc_bytes), sidp_bytes, sizeof(sidp_bytes));
	r = append(v, vlen, more, sizeof(more), len);
	free(v);
	return r;
}

UNIT_TEST(dmar_satc_sidp_parse_and_pass)
{
	struct run r;
	struct dmar_table *t;
	size_t len;
	u8 *b = valid_with_satc_sidp(&len);

	if (!b)
		return;
	EXPECT_U64(len, 0x18b);
	t = parse_run(b, len, &fake_env, &r);
	EXPECT_U64(t->nr_structs, 15);
	EXPECT_U64(t->nr_satc, 1);
	EXPECT_U64(t->satc[0].offset, 0x16b);
	EXPECT_U64(t->satc[0].flags, DMAR_SATC_ATC_REQUIRED);
	EXPECT_U64(t->satc[0].nr_scopes, 1);
	EXPECT_U64(t->nr_sidp, 1);
	EXPECT_U64(t->sidp[0].offset, 0x17b);
	EXPECT_U64(t->sidp[0].nr_scopes, 1);
	expect_scope(&t->scopes[10], 0x173, 1, 8, 0, 0, DMAR_TYPE_SATC, 0, 0,
		     0x02, 0, __LINE__);
	expect_scope(&t->scopes[11], 0x183, 1, 8, 0, 0, DMAR_TYPE_SIDP, 0, 0,
		     0x14, 0, __LINE__);
	EXPECT_U64(t->scopes[11].flags, 0x10);
	EXPECT_U64(t->scopes[11].status, DMAR_SCOPE_OK);
	expect_only("valid+SATC+SIDP", &r, NULL,
		    STRS("ok 20 satc", "ok 21 sidp"));
	free(r.out);
	free(t);
	free(b);
}

UNIT_TEST(dmar_print_one_line_per_structure)
{
	struct dmar_table *t = table_new();
	const char *out;
	size_t len;
	u8 *b = valid_with_satc_sidp(&len);

	if (!b)
		return;
	dmar_parse(b, len, t);
	dmar_resolve(t, &fake_env);
	unit_capture_begin();
	ktap_reset();
	dmar_print(t);
	out = unit_capture_end();
	EXPECT_CONTAINS(out, "host address width 39 flags 0x5 INTR_REMAP DMA_CTRL_PLATFORM_OPT_IN, 15 structures");
	EXPECT_CONTAINS(out, "0x030 DRHD seg 0 base 0xfed90000 flags 0x0 size 4 KiB, 1 scope(s)");
	EXPECT_CONTAINS(out, "0x06c DRHD seg 0 base 0xfed91000 flags 0x1 INCLUDE_PCI_ALL");
	EXPECT_CONTAINS(out, "0x060   endpoint scope at 0x60 (DRHD at 0x48, id 0): path 1c.0/00.0/00.0 from bus 00 = 0000:00:1c.0 -> 0000:01:00.0 -> 0000:02:00.0");
	EXPECT_CONTAINS(out, "0x0ac RMRR seg 0 [0x7b800000, 0x7fffffff], 1 scope(s)");
	EXPECT_CONTAINS(out, "0x0fc ATSR seg 1 flags 0x1 ALL_PORTS, 0 scope(s)");
	EXPECT_CONTAINS(out, "0x12c RHSA base 0xfed91000 proximity domain 1");
	EXPECT_CONTAINS(out, "0x154 ANDD device 1 \"\\_SB.PCI0.UAR0\"");
	EXPECT_CONTAINS(out, "0x16b SATC seg 0 flags 0x1 ATC_REQUIRED, 1 scope(s)");
	EXPECT_CONTAINS(out, "0x17b SIDP seg 0, 1 scope(s)");
	free(t);
	free(b);
}

/* ---------------------------------------------------------------------
 * dmar_unit_for_device
 */

static int unit_for(const char *fixture, bool resolve, u16 seg, u8 bus,
		    u8 devfn)
{
	struct dmar_table *t = table_new();
	size_t len;
	u8 *b = load(fixture, &len);
	int r = -2;

	if (b) {
		dmar_parse(b, len, t);
		if (resolve)
			dmar_resolve(t, &fake_env);
		r = dmar_unit_for_device(t, seg, bus, devfn);
	}
	free(b);
	free(t);
	return r;
}

UNIT_TEST(dmar_unit_for_device_cases)
{
	/* valid.asl: DRHD#0 00:02.0, DRHD#1 bridge 00:1d.0 + 02:00.0 */
	EXPECT_U64(unit_for("valid", true, 0, 0, DEVFN(0x02, 0)), 0);
	EXPECT_U64(unit_for("valid", true, 0, 2, DEVFN(0, 0)), 1);
	EXPECT_U64(unit_for("valid", true, 0, 0, DEVFN(0x1d, 0)), 1);
	EXPECT_U64(unit_for("valid", true, 0, 3, DEVFN(0, 0)), 1);
	EXPECT_U64(unit_for("valid", true, 0, 3, DEVFN(0x1f, 7)), 1);
	/* Not named explicitly: segment 0's INCLUDE_PCI_ALL unit, DRHD#2 */
	EXPECT_U64(unit_for("valid", true, 0, 0, DEVFN(0x1c, 0)), 2);
	EXPECT_U64(unit_for("valid", true, 0, 1, DEVFN(0, 0)), 2);
	EXPECT_U64(unit_for("valid", true, 0, 4, DEVFN(0, 0)), 2);
	/* IOAPIC/HPET source-ids are not PCI scopes */
	EXPECT_U64(unit_for("valid", true, 0, 0, DEVFN(0x1f, 0)), 2);
	/* segment 1: DRHD#3 */
	EXPECT_U64(unit_for("valid", true, 1, 0, DEVFN(0x01, 0)), 3);
	EXPECT_U64((u64)(s64)unit_for("valid", true, 2, 0, 0), (u64)-1LL);
	/* Unresolved: a 1-element path is known, a 3-element one is not */
	EXPECT_U64(unit_for("valid", false, 0, 0, DEVFN(0x02, 0)), 0);
	EXPECT_U64(unit_for("valid", false, 0, 2, DEVFN(0, 0)), 2);
	EXPECT_U64(unit_for("valid", false, 0, 3, DEVFN(0, 0)), 2);
	/* include_all_not_last: the explicit unit wins whatever the order */
	EXPECT_U64(unit_for("include_all_not_last", true, 0, 0,
			    DEVFN(0x02, 0)), 1);
	EXPECT_U64(unit_for("include_all_not_last", true, 0, 0,
			    DEVFN(0x1f, 0)), 0);
	/* no DRHD at all */
	EXPECT_U64((u64)(s64)unit_for("no_drhd", true, 0, 0, 0), (u64)-1LL);
}

/* ---------------------------------------------------------------------
 * Malformed fixtures: each fails exactly its check
 */

struct malformed {
	const char *fixture;
	const char *check;
	const char *needles[4];
};

static const struct malformed malformed_fixtures[] = {
	{ "bad_revision", "table_header",
	  { "revision at 0x8 is 0" } },
	{ "haw_zero", "host_address_width",
	  { "host address width field at 0x24 is 0: width 1 bits is below 12" } },
	{ "order_wrong", "structure_order",
	  { "DRHD at 0x44 follows RHSA at 0x30" } },
	{ "no_drhd", "drhd_present",
	  { "no DRHD structure in 1 structures" } },
	{ "drhd_base_zero", "drhd_base",
	  { "DRHD at 0x30: register base address (at 0x38) is 0",
	    "SKIP no DRHD has a usable register base" } },
	{ "drhd_base_unaligned", "drhd_base",
	  { "DRHD at 0x30: register base address 0xfed90800 (at 0x38) is not 4 KiB aligned" } },
	{ "drhd_regs_ones", "drhd_registers",
	  { "DRHD at 0x30 base 0xfed9f000: VER reads 0xffffffff, CAP 0xffffffffffffffff" } },
	{ "caps_mismatch", "drhd_caps",
	  { "DRHD at 0x30 base 0xfed94000: the table sets INTR_REMAP but ECAP 0xf050d2 has IR (bit 3) clear" } },
	{ "include_all_twice", "drhd_include_all",
	  { "DRHD at 0x48 is a second INCLUDE_PCI_ALL unit for segment 0 (first at 0x30)" } },
	{ "include_all_not_last", "drhd_include_all",
	  { "DRHD at 0x48 (segment 0) follows the INCLUDE_PCI_ALL DRHD at 0x30" } },
	{ "rmrr_unaligned", "rmrr_alignment",
	  { "RMRR at 0x48: base 0x7b800800 (at 0x50) is not 4 KiB aligned" } },
	{ "rmrr_end_before_base", "rmrr_alignment",
	  { "RMRR at 0x48: end 0x7b7fffff (at 0x58) is below base 0x7f000000",
	    "RMRR at 0x48: end below base, not looked up" } },
	{ "rmrr_overlap", "rmrr_overlap",
	  { "RMRR at 0x48 [0x7b800000, 0x7cffffff] overlaps RMRR at 0x68 [0x7c000000, 0x7fffffff]" } },
	{ "rmrr_not_reserved", "rmrr_reserved",
	  { "RMRR at 0x48 [0x10000000, 0x100fffff] is not wholly inside memory the UEFI memory map marks reserved" } },
	{ "scope_wrong_type", "scope_types",
	  { "endpoint scope at 0x50 (ATSR at 0x48, id 0): path 02.0 from bus 00 = 0000:00:02.0: a ATSR may not hold endpoint scopes" } },
	{ "scope_missing_device", "device_scopes",
	  { "endpoint scope at 0x48 (DRHD at 0x30, id 0): path 1b.0 from bus 00 = 0000:00:1b.0: no device at 0000:00:1b.0 (config space reads all ones)" } },
	{ "scope_bad_paths", "device_scopes",
	  { "bridge scope at 0x40 (DRHD at 0x30, id 0): path 02.0 from bus 00 = 0000:00:02.0: bridge scope names a device with header type 0, not 1",
	    "endpoint scope at 0x48 (DRHD at 0x30, id 0): path 02.0/00.0 from bus 00 = 0000:00:02.0: element 0 (0000:00:02.0) is not a PCI-to-PCI bridge",
	    "endpoint scope at 0x52 (DRHD at 0x30, id 0): path 1c.0/05.0 from bus 00 = 0000:00:1c.0 -> 0000:01:05.0: no device at 0000:01:05.0",
	    "endpoint scope at 0x5c (DRHD at 0x30, id 0): path 1a.0/00.0 from bus 00 = 0000:00:1a.0: no device at element 0 (0000:00:1a.0)" } },
	{ "rhsa_bad_unit", "rhsa_units",
	  { "RHSA at 0x5c names register base 0xfed99000 (at 0x64): no DRHD has that base" } },
	{ "andd_missing", "andd",
	  { "ACPI scope at 0x48 (DRHD at 0x30, id 7): path 1e.6 from bus 00 = 0000:00:1e.6: no ANDD declares ACPI device 7" } },
	{ "atsr_no_scope", "atsr",
	  { "ATSR at 0x48 (segment 0): ALL_PORTS is clear and no device scope names a root port" } },
};

UNIT_TEST(dmar_malformed_fixtures_fail_their_check)
{
	const struct malformed *m;
	struct dmar_table *t;
	unsigned int i, j;
	struct run r;
	size_t len;
	u8 *b;

	for (i = 0; i < ARRAY_SIZE(malformed_fixtures); i++) {
		m = &malformed_fixtures[i];
		b = load(m->fixture, &len);
		if (!b)
			continue;
		t = parse_run(b, len, &fake_env, &r);
		expect_only(m->fixture, &r, (const char *const[]){ m->check, NULL },
			    NULL);
		for (j = 0; j < ARRAY_SIZE(m->needles) && m->needles[j]; j++)
			if (!strstr(r.out, m->needles[j]))
				unit_failed(__FILE__, __LINE__,
					    "%s: \"%s\" not in output:\n%s",
					    m->fixture, m->needles[j], r.out);
		free(r.out);
		free(t);
		free(b);
	}
}

/* Every check has a malformed fixture or mutation below. */
UNIT_TEST(dmar_check_names_stable)
{
	static const char *const names[] = {
		"table_header", "checksum", "host_address_width",
		"structure_lengths", "structure_order", "parser_limits",
		"drhd_present", "drhd_base", "drhd_registers", "drhd_caps",
		"drhd_include_all", "rmrr_alignment", "rmrr_overlap",
		"rmrr_reserved", "scope_types", "device_scopes", "rhsa_units",
		"andd", "atsr", "satc", "sidp",
	};
	unsigned int i;

	EXPECT_U64(dmar_nr_checks, ARRAY_SIZE(names));
	for (i = 0; i < ARRAY_SIZE(names) && i < dmar_nr_checks; i++)
		EXPECT_STR(dmar_checks[i].name, names[i]);
}

/* ---------------------------------------------------------------------
 * Byte mutations of valid.aml (what iasl cannot express)
 */

static void run_mutation(const char *what, u8 *b, size_t len,
			 const char *check, const char *const *needles)
{
	struct dmar_table *t;
	struct run r;

	t = parse_run(b, len, &fake_env, &r);
	expect_only(what, &r,
		    check ? (const char *const[]){ check, NULL } : NULL,
		    needles);
	free(r.out);
	free(t);
}

UNIT_TEST(dmar_mutation_checksum)
{
	size_t len;
	u8 *b = load("valid", &len);

	if (!b)
		return;
	/* OEM revision byte at 0x18: 1 -> 2, checksum (0xbd) left alone */
	b[0x18]++;
	run_mutation("checksum", b, len, "checksum",
		     STRS("bytes 0x0..0x16a sum to 0x01, not 0: checksum byte at 0x9 is 0xbd, should be 0xbc"));
	free(b);
}

UNIT_TEST(dmar_mutation_signature)
{
	size_t len;
	u8 *b = load("valid", &len);

	if (!b)
		return;
	/* signature byte 3 'R' -> 'X', checksum recomputed */
	b[3] = 'X';
	fix_checksum(b, len);
	run_mutation("signature", b, len, "table_header",
		     STRS("signature at 0x0 is \"DMAX\", expected \"DMAR\""));
	free(b);
}

UNIT_TEST(dmar_mutation_header_length_short)
{
	struct dmar_table *t = table_new();
	struct run r;
	size_t len;
	u8 *b = load("valid", &len);
	unsigned int i;

	if (!b)
		return;
	/* header length at 0x4 = 40: below the 48-byte DMAR header */
	put32(b + 4, 40);
	fix_checksum(b, len);
	EXPECT_U64((u64)(s64)dmar_parse(b, len, t), (u64)-1LL);
	EXPECT(!t->header_ok);
	dmar_resolve(t, &fake_env);
	run_checks(t, &fake_env, &r);
	expect_only("header length 40", &r, STRS("table_header"),
		    STRS("40 bytes to parse (header length 40): less than the 48-byte DMAR header"));
	/* every other check skips */
	for (i = 1; i < dmar_nr_checks; i++)
		EXPECT(r.res[i] == KTAP_SKIP);
	free(r.out);
	free(t);
	free(b);
}

UNIT_TEST(dmar_mutation_header_length_bounds_parse)
{
	struct dmar_table *t = table_new();
	size_t len;
	u8 *b = load("valid", &len);

	if (!b)
		return;
	/*
	 * Header length at 0x4 = 0x104 (end of the ATSRs) while the buffer
	 * holds 0x16b bytes: the RHSAs and the ANDD must not be read.
	 */
	put32(b + 4, 0x104);
	fix_checksum(b, 0x104);
	EXPECT_U64(dmar_parse(b, len, t), 0);
	EXPECT_U64(t->parsed_len, 0x104);
	EXPECT_U64(t->nr_structs, 8);
	EXPECT_U64(t->nr_rhsa, 0);
	EXPECT_U64(t->nr_andd, 0);
	EXPECT_U64(t->nr_problems, 0);
	EXPECT_U64(t->sum, 0);
	free(t);
	free(b);
}

UNIT_TEST(dmar_mutation_buffer_shorter_than_header)
{
	struct run r;
	struct dmar_table *t;
	size_t len;
	u8 *b = load("valid", &len);

	if (!b)
		return;
	/* only 0x104 bytes given; header still says 0x16b */
	t = parse_run(b, 0x104, &fake_env, &r);
	EXPECT_U64(t->parsed_len, 0x104);
	EXPECT(result_of(&r, "checksum") == KTAP_SKIP);
	/* the namespace scope's ANDD (0x154) is not there any more */
	expect_only("truncated at 0x104", &r, STRS("table_header", "andd"),
		    STRS("header length 363 (0x16b) at 0x4 exceeds the 260 bytes available",
			 "table truncated: 260 of 363 bytes available"));
	free(r.out);
	free(t);
	free(b);
}

UNIT_TEST(dmar_mutation_andd_not_terminated)
{
	size_t len;
	u8 *b = load("valid", &len);

	if (!b)
		return;
	/* last byte 0x16a, the ANDD name's NUL, -> 'X'; checksum fixed */
	EXPECT_U64(b[0x16a], 0);
	b[0x16a] = 'X';
	fix_checksum(b, len);
	run_mutation("ANDD without NUL", b, len, "andd",
		     STRS("ANDD at 0x154 (device 1): the 15-byte name at 0x15c (\"\\_SB.PCI0.UAR0X\") is not NUL terminated"));
	free(b);
}

/* Appends @more to valid.aml and expects exactly @check to fail. */
static void appended(const char *what, const u8 *more, size_t n,
		     const char *check, const char *const *needles)
{
	size_t vlen, len;
	u8 *v = load("valid", &vlen), *b;

	if (!v)
		return;
	b = append(v, vlen, more, n, &len);
	run_mutation(what, b, len, check, needles);
	free(b);
	free(v);
}

UNIT_TEST(dmar_mutation_zero_length_structure)
{
	/* at 0x16b: a SIDP header with length 0, then 12 more bytes */
	static const u8 more[16] = { 0x06, 0x00, 0x00, 0x00 };

	appended("zero-length structure", more, sizeof(more),
		 "structure_lengths",
		 STRS("zero-length structure (type 6 SIDP) at 0x16b; the rest of the table (0x10 bytes) is not parsed"));
}

UNIT_TEST(dmar_mutation_structure_past_end)
{
	/* at 0x16b: a SIDP of length 0x40 with only 16 bytes left */
	static const u8 more[16] = { 0x06, 0x00, 0x40, 0x00 };

	appended("structure past the end", more, sizeof(more),
		 "structure_lengths",
		 STRS("structure type 6 SIDP at 0x16b length 64 (0x40) runs past the table end 0x17b"));
}

UNIT_TEST(dmar_mutation_structure_below_minimum)
{
	/* at 0x16b: a SIDP of length 6 (minimum 8), then a 2-byte tail */
	static const u8 more[8] = { 0x06, 0x00, 0x06, 0x00 };

	appended("structure below minimum", more, sizeof(more),
		 "structure_lengths",
		 STRS("structure type 6 SIDP at 0x16b length 6 is below the minimum 8 for its type; skipped",
		      "2 trailing bytes at 0x171 are too short for a structure header"));
}

UNIT_TEST(dmar_mutation_scope_length_misaligned)
{
	/* SATC at 0x16b: scope 00:02.0 at 0x173, then a 7-byte scope */
	static const u8 more[] = {
		0x05, 0x00, 0x17, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
		0x01, 0x07, 0x00, 0x00, 0x00, 0x00, 0x02,
	};

	appended("misaligned scope", more, sizeof(more), "structure_lengths",
		 STRS("SATC at 0x16b: device scope at 0x17b length 7 is not 6 + 2*N with N >= 1"));
}

UNIT_TEST(dmar_mutation_scope_zero_and_past_end)
{
	/* SATC at 0x16b: scope at 0x173 OK, scope at 0x17b with length 0 */
	static const u8 zero[] = {
		0x05, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
	};
	/* same, the second scope claims 0x20 bytes in 8 */
	static const u8 past[] = {
		0x05, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
		0x01, 0x20, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
	};

	appended("zero-length scope", zero, sizeof(zero), "structure_lengths",
		 STRS("SATC at 0x16b: zero-length device scope at 0x17b (type 1); rest of the structure skipped"));
	appended("scope past end", past, sizeof(past), "structure_lengths",
		 STRS("SATC at 0x16b: device scope at 0x17b length 32 runs past the structure end 0x183"));
}

UNIT_TEST(dmar_mutation_satc_sidp_without_scopes)
{
	/* SATC at 0x16b with no device scope */
	static const u8 satc[] = { 0x05, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00 };
	/* SIDP at 0x16b with no device scope */
	static const u8 sidp[] = { 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00 };

	appended("empty SATC", satc, sizeof(satc), "satc",
		 STRS("SATC at 0x16b (segment 0) has no device scope"));
	appended("empty SIDP", sidp, sizeof(sidp), "sidp",
		 STRS("SIDP at 0x16b (segment 0) has no device scope"));
}

UNIT_TEST(dmar_mutation_unknown_type_skipped)
{
	/* at 0x16b: reserved type 0x7f, length 12 */
	static const u8 more[12] = { 0x7f, 0x00, 0x0c, 0x00, 0xaa, 0xbb };
	size_t vlen, len;
	struct dmar_table *t = table_new();
	u8 *v = load("valid", &vlen), *b;

	appended("unknown type", more, sizeof(more), NULL,
		 STRS("structure at 0x16b has reserved type 127 (length 12): skipped (8.2)",
		      "ok 4 structure_lengths"));
	if (!v)
		goto out;
	b = append(v, vlen, more, sizeof(more), &len);
	EXPECT_U64(dmar_parse(b, len, t), 0);
	EXPECT_U64(t->nr_unknown, 1);
	EXPECT_U64(t->nr_structs, 14);
	EXPECT_U64(t->structs[13].type, 0x7f);
	EXPECT_U64(t->structs[13].index, 0xffff);
	free(b);
out:
	free(v);
	free(t);
}

/*
 * A generated table over the parser's maximums: 70 DRHDs (maximum 64),
 * the first with 300 device scopes (maximum 256) and one scope with a
 * 10-element path (maximum 8).
 */
UNIT_TEST(dmar_parser_limits)
{
	size_t cap = 48 + 70 * 24 + 300 * 8 + 26, len = 48, first;
	u8 *b = calloc(1, cap);
	struct dmar_table *t;
	unsigned int i, j;
	struct run r;

	if (!b)
		abort();
	memcpy(b, "DMAR", 4);
	b[8] = 1;
	b[DMAR_OFF_WIDTH] = 38;
	for (i = 0; i < 70; i++) {
		first = len;
		b[len + 0] = DMAR_TYPE_DRHD;
		b[len + 4] = i == 69 ? DMAR_DRHD_INCLUDE_PCI_ALL : 0;
		put32(b + len + 8, 0xfed90000);	/* base, low dword */
		len += 16;
		for (j = 0; j < (i == 0 ? 300U : 1U); j++, len += 8) {
			b[len] = DMAR_SCOPE_IOAPIC;
			b[len + 1] = 8;
		}
		if (i == 1) {	/* 10-element path: 6 + 20 bytes */
			b[len] = DMAR_SCOPE_IOAPIC;
			b[len + 1] = 26;
			len += 26;
		}
		b[first + 2] = (u8)(len - first);
		b[first + 3] = (u8)((len - first) >> 8);
	}
	EXPECT(len <= cap);
	put32(b + 4, (u32)len);
	fix_checksum(b, len);
	t = parse_run(b, len, NULL, &r);
	EXPECT_U64(t->nr_drhd, DMAR_MAX_DRHD);
	EXPECT_U64(t->dropped[DMAR_TYPE_DRHD], 6);
	EXPECT_U64(t->nr_scopes, DMAR_MAX_SCOPES);
	EXPECT_U64(t->nr_structs, 70);
	EXPECT(result_of(&r, "parser_limits") == KTAP_FAIL);
	EXPECT_CONTAINS(r.out, "6 DRHDs beyond vtdtest's maximum of 64: not decoded or checked");
	EXPECT_CONTAINS(r.out, "device scopes beyond vtdtest's maximum of 256");
	free(r.out);
	free(t);
	free(b);
}

/* Without platform access the dependent checks skip with a reason. */
UNIT_TEST(dmar_checks_without_env_skip)
{
	struct run r;
	struct dmar_table *t;
	size_t len;
	u8 *b = load("valid", &len);

	if (!b)
		return;
	t = parse_run(b, len, NULL, &r);
	expect_only("valid, no env", &r, NULL,
		    STRS("ok 9 drhd_registers # SKIP no register access",
			 "ok 10 drhd_caps # SKIP no register access",
			 "ok 14 rmrr_reserved # SKIP no memory map available",
			 "ok 16 device_scopes # SKIP no PCI config access"));
	free(r.out);
	free(t);
	free(b);
}

/* ---------------------------------------------------------------------
 * Truncation: every prefix of a valid table, in an exact-size heap buffer
 * so AddressSanitizer reports any read past it.
 */

static void every_prefix(const char *what, const u8 *b, size_t len)
{
	struct dmar_table *t = table_new();
	struct run r;
	size_t n;
	u8 *p;
	int ret;

	for (n = 0; n <= len; n++) {
		p = malloc(n ? n : 1);
		if (!p)
			abort();
		memcpy(p, b, n);
		ret = dmar_parse(n ? p : NULL, n, t);
		if ((ret == 0) != (n >= DMAR_HEADER_LEN))
			unit_failed(__FILE__, __LINE__,
				    "%s: prefix %zu: dmar_parse returned %d",
				    what, n, ret);
		dmar_resolve(t, &fake_env);
		run_checks(t, &fake_env, &r);
		unit_capture_begin();
		dmar_print(t);
		unit_capture_end();
		free(r.out);
		free(p);
	}
	free(t);
}

UNIT_TEST(dmar_truncated_prefixes_stay_in_bounds)
{
	static const char *const fixtures[] = {
		"valid", "scope_bad_paths", "andd_missing", "rmrr_overlap",
	};
	unsigned int i;
	size_t len;
	u8 *b;

	for (i = 0; i < ARRAY_SIZE(fixtures); i++) {
		b = load(fixtures[i], &len);
		if (!b)
			continue;
		every_prefix(fixtures[i], b, len);
		free(b);
	}
	b = valid_with_satc_sidp(&len);
	if (b)
		every_prefix("valid+SATC+SIDP", b, len);
	free(b);
}
