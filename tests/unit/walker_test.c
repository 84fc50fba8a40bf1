// SPDX-License-Identifier: GPL-2.0
/*
 * Reference walker tests. Tables are written by hand as raw u64 words in
 * the fake physical arena, from the layouts of VT-d spec rev 5.10 chapter
 * 9; expected addresses, page sizes, fault reasons (Table 30 in 7.1.3,
 * by condition label) and levels are literals worked out from the spec,
 * not from any other vtdtest code.
 */
#include <stdlib.h>

#include "drivers/iommu/intel/walker.h"
#include "tests/unit/fake_hw.h"
#include "tests/unit/unit.h"

/* ---- raw layout literals (spec 9.x, 11.4) ---- */
#define ADDR_MASK	0x000ffffffffff000ULL
#define SMT		(1ULL << 10)		/* RTADDR.TTM = 01b */

/* CAP: SAGAW 39+48 (bits 9, 10), MGAW 48 (47 << 16), SLLPS 2M+1G, FS1GP */
#define CAP_SAGAW_39	(1ULL << 9)
#define CAP_SAGAW_48	(1ULL << 10)
#define CAP_SAGAW_57	(1ULL << 11)
#define CAP_MGAW(n)	((u64)((n) - 1) << 16)
#define CAP_SLLPS_2M	(1ULL << 34)
#define CAP_SLLPS_1G	(1ULL << 35)
#define CAP_FS1GP	(1ULL << 56)
#define CAP_FS5LP	(1ULL << 60)
#define CAP_STD		(CAP_SAGAW_39 | CAP_SAGAW_48 | CAP_MGAW(48) | \
			 CAP_SLLPS_2M | CAP_SLLPS_1G | CAP_FS1GP)

#define ECAP_DT		(1ULL << 2)
#define ECAP_PT		(1ULL << 6)
#define ECAP_SC		(1ULL << 7)
#define ECAP_NEST	(1ULL << 26)
#define ECAP_SRS	(1ULL << 31)
#define ECAP_EAFS	(1ULL << 34)
#define ECAP_SMTS	(1ULL << 43)
#define ECAP_SSTS	(1ULL << 46)
#define ECAP_FSTS	(1ULL << 47)
#define ECAP_SMPWC	(1ULL << 48)
#define ECAP_RPS	(1ULL << 49)
#define ECAP_PSS(n)	((u64)(n) << 35)	/* 39:35: PASIDs of n + 1 bits */
#define ECAP_PSS_MASK	(0x1fULL << 35)
#define ECAP_SM		(ECAP_PT | ECAP_NEST | ECAP_SRS | ECAP_SMTS | \
			 ECAP_SSTS | ECAP_FSTS | ECAP_SMPWC | ECAP_PSS(19))

/* second-stage entry: R 0, W 1, X 2, PS 7, SNP 11 */
#define SS_R		0x1ULL
#define SS_W		0x2ULL
#define SS_RW		0x3ULL
#define SS_PS		0x80ULL
#define SS_SNP		0x800ULL
/* first-stage entry: P 0, R/W 1, U/S 2, A 5, D 6, PS 7, XD 63 */
#define FS_P		0x1ULL
#define FS_RW		0x2ULL
#define FS_US		0x4ULL
#define FS_A		0x20ULL
#define FS_D		0x40ULL
#define FS_PS		0x80ULL
#define FS_XD		(1ULL << 63)
#define FS_TBL		(FS_P | FS_RW | FS_US | FS_A)		/* 0x27 */
#define FS_LEAF		(FS_P | FS_RW | FS_US | FS_A | FS_D)	/* 0x67 */

/* PASID entry val[0]: P 0, FPD 1, AW 4:2, PGTT 8:6; val[2]: SRE 0, FSPM 3:2, WPE 4 */
#define PE_P		0x1ULL
#define PE_AW(n)	((u64)(n) << 2)
#define PE_PGTT(n)	((u64)(n) << 6)
#define PE_SRE		0x1ULL
#define PE_FSPM5	(1ULL << 2)
#define PE_WPE		(1ULL << 4)
#define PE_PWSNP	(1ULL << 23)			/* val[1] bit 23 */

/* An address outside the fake arena: not readable memory. */
#define NOT_MEMORY	0x7f000000ULL

static struct walk_result res;

static u64 *new_pages(unsigned int n)
{
	u64 *t = hw_alloc_pages(n, 1);

	if (!t)
		abort();
	return t;
}

static u64 *new_table(void)
{
	return new_pages(1);
}

static u64 pa(const void *p)
{
	return hw_virt_to_phys(p);
}

static u64 *va(u64 phys)
{
	return hw_phys_to_virt(phys & ADDR_MASK);
}

static unsigned int idx(u64 addr, unsigned int level)
{
	return (addr >> (12 + 9 * (level - 1))) & 511;
}

/*
 * Writes the path of @in in the radix tables under @top (both stages have
 * 512 entries of 8 bytes and a 9-bit stride): tables from @levels down to
 * @leaf + 1 get "next table | @tbl", the entry at @leaf gets @leaf_val.
 */
static u64 *map(u64 *top, unsigned int levels, u64 in, unsigned int leaf,
		u64 leaf_val, u64 tbl)
{
	u64 *t = top;

	for (unsigned int l = levels; l > leaf; l--) {
		u64 *e = &t[idx(in, l)];

		if (!*e)
			*e = pa(new_table()) | tbl;
		t = va(*e);
	}
	t[idx(in, leaf)] = leaf_val;
	return &t[idx(in, leaf)];
}

/* The entry of @in's path at @level (the path must exist above it). */
static u64 *entry_at(u64 *top, unsigned int levels, u64 in, unsigned int level)
{
	u64 *t = top;

	for (unsigned int l = levels; l > level; l--)
		t = va(t[idx(in, l)]);
	return &t[idx(in, level)];
}

static void walk(const struct walk_unit *u, u16 sid, u64 addr, bool write)
{
	struct walk_request req = { .sid = sid, .addr = addr, .write = write };

	vtd_walk(u, &req, &res);
}

static void walk_req(const struct walk_unit *u, const struct walk_request *req)
{
	vtd_walk(u, req, &res);
}

#define EXPECT_OK(phys_, size_)						\
	do {								\
		if (res.fault) {					\
			unit_failed(__FILE__, __LINE__,			\
				    "fault 0x%02x (%s): %s", res.reason,	\
				    vtd_fault_reason_name(res.reason),	\
				    res.detail);			\
			vtd_walk_print(&res);				\
		}							\
		EXPECT_U64(res.phys, phys_);				\
		EXPECT_U64(res.page_size, size_);			\
	} while (0)

#define EXPECT_FAULT(reason_, level_)					\
	do {								\
		if (!res.fault)						\
			unit_failed(__FILE__, __LINE__,			\
				    "no fault, phys 0x%llx",		\
				    (unsigned long long)res.phys);	\
		EXPECT_U64(res.reason, reason_);			\
		EXPECT_U64(res.level, level_);				\
		if (res.reason != (reason_))				\
			vtd_walk_print(&res);				\
	} while (0)

/* @reason_ is in the set of reasons the spec allows for this fault. */
#define EXPECT_ALLOWS(reason_)						\
	do {								\
		if (!vtd_walk_allows(&res, reason_)) {			\
			unit_failed(__FILE__, __LINE__,			\
				    "reason 0x%02x not allowed (0x%02x first of %u)", \
				    reason_, res.reason, res.nr_reasons);	\
			vtd_walk_print(&res);				\
		}							\
	} while (0)

/* ---------------------------------------------------------------- legacy */

#define SID		0x0318		/* 03:03.0 */

struct legacy {
	u64 *root, *ctx, *sl;
	struct walk_unit u;
};

/* Root entry for bus 3 -> context table; context devfn 0x18 -> @sl. */
static void legacy_build(struct legacy *l, u64 tt, u64 aw, u16 did)
{
	l->root = new_table();
	l->ctx = new_table();
	l->sl = new_table();
	l->root[3 * 2] = pa(l->ctx) | 1;		/* P */
	l->ctx[0x18 * 2] = pa(l->sl) | tt << 2 | 1;	/* SLPTPTR | TT | P */
	l->ctx[0x18 * 2 + 1] = (u64)did << 8 | aw;	/* DID 87:72 | AW 66:64 */
	l->u = (struct walk_unit){ .rtaddr = pa(l->root), .cap = CAP_STD,
				   .ecap = ECAP_PT };
}

UNIT_TEST(walker_legacy_4level_4k)
{
	struct legacy l;

	fake_hw_reset();
	legacy_build(&l, 0, 2, 0x42);
	map(l.sl, 4, 0x12345000, 1, 0x87654000 | SS_RW, SS_RW);
	walk(&l.u, SID, 0x12345678, false);
	EXPECT_OK(0x87654678, 0x1000);
	EXPECT_U64(res.mode, WALK_LEGACY);
	EXPECT_U64(res.did, 0x42);
	EXPECT_U64(res.nr_steps, 6);
	EXPECT_STR(res.steps[0].what, "root");
	EXPECT_U64(res.steps[0].index, 3);
	EXPECT_STR(res.steps[1].what, "context");
	EXPECT_U64(res.steps[1].index, 0x18);
	EXPECT_STR(res.steps[2].what, "ss-L4");
	EXPECT_U64(res.steps[2].table, pa(l.sl));
	EXPECT_STR(res.steps[5].what, "ss-L1");
	EXPECT_U64(res.steps[5].index, 0x145);
	EXPECT_U64(res.steps[5].entry[0], 0x87654003);
	EXPECT_CONTAINS(res.steps[5].decoded, "R=1 W=1");
	EXPECT_CONTAINS(res.steps[5].decoded, "addr=0x87654000");
	walk(&l.u, SID, 0x12345ff8, true);
	EXPECT_OK(0x87654ff8, 0x1000);
}

UNIT_TEST(walker_legacy_3level_and_width)
{
	struct legacy l;

	fake_hw_reset();
	legacy_build(&l, 0, 1, 1);		/* AW 1: 39-bit, 3 levels */
	map(l.sl, 3, 0x7fc0001000ULL, 1, 0x5000 | SS_R, SS_RW);
	walk(&l.u, SID, 0x7fc0001234ULL, false);
	EXPECT_OK(0x5234, 0x1000);
	EXPECT_U64(res.nr_steps, 5);
	EXPECT_STR(res.steps[2].what, "ss-L3");
	EXPECT_U64(res.steps[2].index, 0x1ff);
	/* 7.1.3 4h: above 2^min(MGAW 48, AGAW 39) - 1 */
	walk(&l.u, SID, 1ULL << 39, false);
	EXPECT_FAULT(0x04, 3);
	/* AGAW 48 but MGAW 39: X = 39 */
	legacy_build(&l, 0, 2, 1);
	l.u.cap = (l.u.cap & ~CAP_MGAW(64)) | CAP_MGAW(39);
	walk(&l.u, SID, 1ULL << 39, true);
	EXPECT_FAULT(0x04, 4);
}

UNIT_TEST(walker_legacy_superpages)
{
	struct legacy l;

	fake_hw_reset();
	legacy_build(&l, 0, 2, 1);
	/* 2 MiB: PS at level 2, address bits 20:12 of the entry are reserved */
	map(l.sl, 4, 0x40200000, 2, 0x80000000 | SS_PS | SS_RW, SS_RW);
	walk(&l.u, SID, 0x402fedcb, true);
	EXPECT_OK(0x800fedcb, 0x200000);
	EXPECT_U64(res.level, 0);
	/* 1 GiB at level 3 */
	map(l.sl, 4, 0x80000000ULL, 3, 0x1c0000000ULL | SS_PS | SS_R, SS_RW);
	walk(&l.u, SID, 0xb2345678ULL, false);
	EXPECT_OK(0x1f2345678ULL, 0x40000000);
	walk(&l.u, SID, 0xb2345678ULL, true);
	EXPECT_FAULT(0x05, 3);
	/* 2 MiB entry with address bit 12 set: reserved (Ch) */
	map(l.sl, 4, 0x40400000, 2, 0x80001000 | SS_PS | SS_RW, SS_RW);
	walk(&l.u, SID, 0x40400000, false);
	EXPECT_FAULT(0x0c, 2);
	/* no 2 MiB pages in SLLPS: PS is reserved */
	l.u.cap &= ~CAP_SLLPS_2M;
	walk(&l.u, SID, 0x402fedcb, false);
	EXPECT_FAULT(0x0c, 2);
	/* PS at level 4 is always reserved */
	legacy_build(&l, 0, 2, 1);
	l.sl[0] = 0x0 | SS_PS | SS_RW;
	walk(&l.u, SID, 0x1000, false);
	EXPECT_FAULT(0x0c, 4);
}

UNIT_TEST(walker_legacy_permissions)
{
	struct legacy l;

	fake_hw_reset();
	legacy_build(&l, 0, 2, 1);
	map(l.sl, 4, 0x1000, 1, 0x9000 | SS_R, SS_RW);
	map(l.sl, 4, 0x2000, 1, 0xa000 | SS_W, SS_RW);
	walk(&l.u, SID, 0x1000, true);
	EXPECT_FAULT(0x05, 1);
	walk(&l.u, SID, 0x1000, false);
	EXPECT_OK(0x9000, 0x1000);
	walk(&l.u, SID, 0x2000, false);
	EXPECT_FAULT(0x06, 1);
	walk(&l.u, SID, 0x2000, true);
	EXPECT_OK(0xa000, 0x1000);
	/* permissions accumulate: a read-only L3 entry blocks writes below */
	*entry_at(l.sl, 4, 0x1000, 3) &= ~SS_W;
	*entry_at(l.sl, 4, 0x1000, 1) |= SS_W;
	walk(&l.u, SID, 0x1000, true);
	EXPECT_FAULT(0x05, 1);
}

UNIT_TEST(walker_legacy_not_present_each_level)
{
	struct legacy l;

	for (unsigned int lvl = 4; lvl >= 1; lvl--) {
		fake_hw_reset();
		legacy_build(&l, 0, 2, 1);
		map(l.sl, 4, 0x3456789000ULL, 1, 0xb000 | SS_RW, SS_RW);
		*entry_at(l.sl, 4, 0x3456789000ULL, lvl) = 0;
		walk(&l.u, SID, 0x3456789000ULL, false);
		EXPECT_FAULT(0x06, lvl);
		walk(&l.u, SID, 0x3456789000ULL, true);
		EXPECT_FAULT(0x05, lvl);
		EXPECT_U64(res.nr_steps, 2 + 5 - lvl);
	}
}

UNIT_TEST(walker_legacy_root_context_faults)
{
	struct legacy l;

	fake_hw_reset();
	legacy_build(&l, 0, 2, 7);
	map(l.sl, 4, 0x1000, 1, 0x9000 | SS_RW, SS_RW);
	walk(&l.u, 0x0418, 0x1000, false);		/* bus 4: no root entry */
	EXPECT_FAULT(0x01, 0);
	walk(&l.u, 0x0320, 0x1000, false);		/* devfn 0x20: none */
	EXPECT_FAULT(0x02, 0);
	l.root[3 * 2 + 1] = 1;				/* root hi is reserved */
	walk(&l.u, SID, 0x1000, false);
	EXPECT_FAULT(0x0a, 0);
	l.root[3 * 2 + 1] = 0;
	l.root[3 * 2] |= 0x10;				/* root lo bit 4 */
	walk(&l.u, SID, 0x1000, false);
	EXPECT_FAULT(0x0a, 0);
	l.root[3 * 2] &= ~0x10ULL;
	l.ctx[0x18 * 2] |= 0x100;			/* context lo bit 8 */
	walk(&l.u, SID, 0x1000, false);
	EXPECT_FAULT(0x0b, 0);
	l.ctx[0x18 * 2] &= ~0x100ULL;
	l.ctx[0x18 * 2 + 1] |= 1ULL << 30;		/* context hi bit 94 */
	walk(&l.u, SID, 0x1000, false);
	EXPECT_FAULT(0x0b, 0);
	EXPECT_CONTAINS(res.detail, "hi");
	l.ctx[0x18 * 2 + 1] &= ~(1ULL << 30);
	l.ctx[0x18 * 2] |= 3 << 2;			/* TT 11b reserved */
	walk(&l.u, SID, 0x1000, false);
	EXPECT_FAULT(0x03, 0);
	l.ctx[0x18 * 2] &= ~(3ULL << 2);
	l.ctx[0x18 * 2] |= 1 << 2;			/* TT 01b without ECAP.DT */
	walk(&l.u, SID, 0x1000, false);
	EXPECT_FAULT(0x03, 0);
	l.u.ecap |= ECAP_DT;
	walk(&l.u, SID, 0x1000, false);
	EXPECT_OK(0x9000, 0x1000);
	l.ctx[0x18 * 2 + 1] = (7ULL << 8) | 3;		/* AW 3 (57-bit) not in SAGAW */
	walk(&l.u, SID, 0x1000, false);
	EXPECT_FAULT(0x03, 0);
	EXPECT_U64(res.did, 7);
	/* a request with PASID in legacy mode (RTA.2) */
	l.ctx[0x18 * 2 + 1] = (7ULL << 8) | 2;
	{
		struct walk_request req = { .sid = SID, .addr = 0x1000,
					    .pasid_present = true, .pasid = 1 };

		walk_req(&l.u, &req);
		EXPECT_FAULT(0x31, 0);
	}
}

UNIT_TEST(walker_legacy_pass_through)
{
	struct legacy l;

	fake_hw_reset();
	legacy_build(&l, 2, 2, 9);
	walk(&l.u, SID, 0x123456789aULL, true);
	EXPECT_OK(0x123456789aULL, 0x1000);
	EXPECT_U64(res.mode, WALK_LEGACY_PT);
	EXPECT_U64(res.did, 9);
	EXPECT_U64(res.nr_steps, 2);
	walk(&l.u, SID, 1ULL << 48, false);
	EXPECT_FAULT(0x04, 0);
	l.u.ecap &= ~ECAP_PT;				/* TT 10b needs ECAP.PT */
	walk(&l.u, SID, 0x1000, false);
	EXPECT_FAULT(0x03, 0);
}

UNIT_TEST(walker_legacy_reserved_pte_bits)
{
	struct legacy l;
	u64 *pte;

	fake_hw_reset();
	legacy_build(&l, 0, 2, 1);
	pte = map(l.sl, 4, 0x1000, 1, 0x9000 | SS_RW | SS_SNP, SS_RW);
	walk(&l.u, SID, 0x1000, false);		/* SNP with ECAP.SC=0 */
	EXPECT_FAULT(0x0c, 1);
	EXPECT_CONTAINS(res.detail, "SNP");
	l.u.ecap |= ECAP_SC;
	walk(&l.u, SID, 0x1000, false);
	EXPECT_OK(0x9000, 0x1000);
	*pte = (1ULL << 48) | 0x9000 | SS_RW;	/* above HAW = MGAW 48 */
	walk(&l.u, SID, 0x1000, false);
	EXPECT_FAULT(0x0c, 1);
	EXPECT_CONTAINS(res.detail, "HAW");
	l.u.haw = 50;					/* a wider host */
	walk(&l.u, SID, 0x1000, false);
	EXPECT_OK((1ULL << 48) | 0x9000, 0x1000);
	/* a not-present entry's other bits do not matter (Ch needs R or W) */
	*pte = 0xfff0000000000800ULL;
	walk(&l.u, SID, 0x1000, false);
	EXPECT_FAULT(0x06, 1);
	/* the output lands in the interrupt range (LGN.4) */
	*pte = 0xfee00000ULL | SS_RW;
	walk(&l.u, SID, 0x1000, true);
	EXPECT_FAULT(0x0e, 1);
}

UNIT_TEST(walker_legacy_access_errors)
{
	struct legacy l;

	fake_hw_reset();
	legacy_build(&l, 0, 2, 1);
	map(l.sl, 4, 0x1000, 1, 0x9000 | SS_RW, SS_RW);
	l.u.rtaddr = NOT_MEMORY;
	walk(&l.u, SID, 0x1000, false);
	EXPECT_FAULT(0x08, 0);
	EXPECT_U64(res.steps[0].nr_words, 0);
	l.u.rtaddr = pa(l.root);
	l.root[3 * 2] = NOT_MEMORY | 1;
	walk(&l.u, SID, 0x1000, false);
	EXPECT_FAULT(0x09, 0);
	l.root[3 * 2] = pa(l.ctx) | 1;
	l.ctx[0x18 * 2] = NOT_MEMORY | 1;		/* SLPTPTR: 3h */
	walk(&l.u, SID, 0x1000, false);
	EXPECT_FAULT(0x03, 4);
	l.ctx[0x18 * 2] = pa(l.sl) | 1;
	*entry_at(l.sl, 4, 0x1000, 2) = NOT_MEMORY | SS_RW;	/* lower: 7h */
	walk(&l.u, SID, 0x1000, false);
	EXPECT_FAULT(0x07, 1);
}

/* -------------------------------------------------------------- scalable */

#define SM_SID		0x0510		/* 05:02.0, lower half */
#define SM_SID_HI	0x0588		/* 05:11.0, upper half */

struct sm {
	u64 *root, *ctx, *dir, *ce, *pe;
	struct walk_unit u;
};

/* PASID directory entry and PASID table for @pasid; returns the entry. */
static u64 *sm_pasid(struct sm *s, u32 pasid)
{
	u64 *de = &s->dir[pasid >> 6];

	if (!*de)
		*de = pa(new_table()) | 1;
	return &va(*de)[(pasid & 63) * 8];
}

/* Root (bus 5), context (@sid's devfn), PDTS 0 directory, PASID @pasid. */
static void sm_build(struct sm *s, u16 sid, u32 pasid)
{
	unsigned int devfn = sid & 0xff;

	s->root = new_table();
	s->ctx = new_table();
	s->dir = new_table();
	s->root[(sid >> 8) * 2 + (devfn >= 128)] = pa(s->ctx) | 1;
	s->ce = &s->ctx[(devfn & 127) * 4];
	s->ce[0] = pa(s->dir) | 1 << 3 | 1;		/* PASIDE | P, PDTS 0 */
	s->pe = sm_pasid(s, pasid);
	s->u = (struct walk_unit){ .rtaddr = pa(s->root) | SMT, .cap = CAP_STD,
				   .ecap = ECAP_SM };
}

/*
 * Requests with PASID 0 next to requests without PASID: SCT.9 (48h)
 * forbids a PASID equal to RID_PASID (0 without ECAP.RPS), so give
 * RID_PASID 0x40 (ECAP.RPS) and let directory entry 1 share the table of
 * entry 0: both PASIDs use the same entry.
 */
static void sm_rid_pasid_alias(struct sm *s)
{
	s->u.ecap |= ECAP_RPS;
	s->ce[1] = 0x40;
	s->dir[1] = s->dir[0];
}

/* Scalable mode, PASID @pasid's entry: second stage only, 48-bit @ss. */
static void ss_unit(struct sm *s, u64 **ss, u32 pasid)
{
	sm_build(s, SM_SID, pasid);
	*ss = new_table();
	s->pe[0] = pa(*ss) | PE_PGTT(2) | PE_AW(2) | PE_P;
}

UNIT_TEST(walker_sm_second_stage)
{
	struct sm s;
	u64 *ss;

	fake_hw_reset();
	ss_unit(&s, &ss, 0);
	s.pe[1] = 0x33;					/* DID */
	map(ss, 4, 0x7000, 1, 0x20000 | SS_RW, SS_RW);
	map(ss, 4, 0x8000, 1, 0x21000 | SS_R, SS_RW);
	walk(&s.u, SM_SID, 0x7abc, true);
	EXPECT_OK(0x20abc, 0x1000);
	EXPECT_U64(res.mode, WALK_SECOND_STAGE);
	EXPECT_U64(res.did, 0x33);
	EXPECT_U64(res.nr_steps, 8);
	EXPECT_STR(res.steps[1].what, "context");
	EXPECT_U64(res.steps[1].nr_words, 4);
	EXPECT_STR(res.steps[2].what, "pasid-dir");
	EXPECT_STR(res.steps[3].what, "pasid");
	EXPECT_U64(res.steps[3].nr_words, 8);
	EXPECT_CONTAINS(res.steps[3].decoded, "PGTT=2");
	EXPECT_STR(res.steps[4].what, "ss-L4");
	/* write to read-only: SGN.6 */
	walk(&s.u, SM_SID, 0x8000, true);
	EXPECT_FAULT(0x85, 1);
	/* no read permission: SGN.7 */
	*entry_at(ss, 4, 0x8000, 1) = 0x21000 | SS_W;
	walk(&s.u, SM_SID, 0x8000, false);
	EXPECT_FAULT(0x86, 1);
	/* not present: SSS.2 */
	walk(&s.u, SM_SID, 0x9000, false);
	EXPECT_FAULT(0x79, 1);
	*entry_at(ss, 4, 0x7000, 3) = 0;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x79, 3);
	/* beyond min(MGAW, AGAW 48): SGN.5 */
	walk(&s.u, SM_SID, 1ULL << 48, false);
	EXPECT_FAULT(0x84, 4);
	/* reserved: SSS.3 */
	map(ss, 4, 0x7000, 1, 0x20000 | SS_RW, SS_RW);
	*entry_at(ss, 4, 0x7000, 4) |= SS_PS;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x7a, 4);
	*entry_at(ss, 4, 0x7000, 4) &= ~SS_PS;
	/* lower table unreadable: SSS.1; SSPTPTR table unreadable: SSS.4 */
	*entry_at(ss, 4, 0x7000, 2) = NOT_MEMORY | SS_RW;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x78, 1);
	s.pe[0] = NOT_MEMORY | PE_PGTT(2) | PE_AW(2) | PE_P;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x7b, 4);
}

UNIT_TEST(walker_sm_second_stage_superpages_and_3level)
{
	struct sm s;
	u64 *ss;

	fake_hw_reset();
	sm_build(&s, SM_SID, 0);
	ss = new_table();
	s.pe[0] = pa(ss) | PE_PGTT(2) | PE_AW(1) | PE_P;	/* 39-bit */
	map(ss, 3, 0x40000000, 3, 0x80000000 | SS_PS | SS_RW, SS_RW);
	map(ss, 3, 0x600000, 2, 0xc00000 | SS_PS | SS_RW, SS_RW);
	walk(&s.u, SM_SID, 0x7fffffff, false);
	EXPECT_OK(0xbfffffff, 0x40000000);
	walk(&s.u, SM_SID, 0x612345, true);
	EXPECT_OK(0xc12345, 0x200000);
	walk(&s.u, SM_SID, 1ULL << 39, false);
	EXPECT_FAULT(0x84, 3);
	/* AW not in SAGAW: SPT.4 */
	s.pe[0] = pa(ss) | PE_PGTT(2) | PE_AW(3) | PE_P;
	walk(&s.u, SM_SID, 0x612345, false);
	EXPECT_FAULT(0x5b, 0);
	/* output in the interrupt range: SGN.8 */
	s.pe[0] = pa(ss) | PE_PGTT(2) | PE_AW(1) | PE_P;
	map(ss, 3, 0x1000, 1, 0xfee01000 | SS_RW, SS_RW);
	walk(&s.u, SM_SID, 0x1000, true);
	EXPECT_FAULT(0x87, 1);
}

UNIT_TEST(walker_sm_structure_faults)
{
	struct sm s;
	u64 *ss;
	struct walk_request req = { .sid = SM_SID, .addr = 0x7000,
				    .pasid_present = true, .pasid = 0x41 };

	fake_hw_reset();
	ss_unit(&s, &ss, 0);
	map(ss, 4, 0x7000, 1, 0x20000 | SS_RW, SS_RW);
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_OK(0x20000, 0x1000);

	walk(&s.u, 0x0610, 0x7000, false);		/* bus 6: root not present */
	EXPECT_FAULT(0x39, 0);
	walk(&s.u, SM_SID_HI, 0x7000, false);		/* upper half not present */
	EXPECT_FAULT(0x39, 0);
	EXPECT_CONTAINS(res.detail, "upper");
	walk(&s.u, 0x0518, 0x7000, false);		/* devfn 0x18: no context */
	EXPECT_FAULT(0x41, 0);
	s.root[5 * 2] |= 0x2;				/* root lo bit 1 */
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x3a, 0);
	s.root[5 * 2] &= ~0x2ULL;
	s.ce[2] = 1;					/* context 191:128 reserved */
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x42, 0);
	EXPECT_CONTAINS(res.detail, "val[2]");
	s.ce[2] = 0;
	s.ce[1] = 5;					/* RID_PASID without ECAP.RPS */
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x42, 0);
	EXPECT_CONTAINS(res.detail, "RID_PASID");
	s.ce[1] = 0;

	/* requests with PASID: PASIDE, PDTS (0: PASIDs 0-8191), directory */
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x51, 0);				/* dir entry 1 absent */
	req.pasid = 0x2000;
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x46, 0);
	s.ce[0] &= ~(1ULL << 3);
	req.pasid = 1;
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x45, 0);
	s.ce[0] |= 1ULL << 3;
	walk_req(&s.u, &req);				/* PASID 1: entry not present */
	EXPECT_FAULT(0x59, 0);
	s.dir[0] |= 1ULL << 5;				/* dir entry bit 5 */
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x52, 0);
	s.dir[0] &= ~(1ULL << 5);

	/* PASID entry: reserved (SPT.3), invalid (SPT.4), SRE (SPT.6) */
	s.pe[1] = 1ULL << 16;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x5a, 0);
	EXPECT_CONTAINS(res.detail, "22:16");
	s.pe[1] = 0;
	s.pe[5] = 1;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x5a, 0);
	s.pe[5] = 0;
	s.pe[0] = pa(ss) | PE_PGTT(5) | PE_AW(2) | PE_P;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x5b, 0);
	s.pe[0] = pa(ss) | PE_PGTT(0) | PE_AW(2) | PE_P;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x5b, 0);
	s.pe[0] = pa(ss) | PE_PGTT(2) | PE_AW(2) | PE_P;
	s.u.ecap &= ~ECAP_SSTS;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x5b, 0);
	s.u.ecap |= ECAP_SSTS;
	sm_rid_pasid_alias(&s);
	req.pasid = 0;
	req.priv = true;
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x5d, 0);
	s.pe[2] = PE_SRE;
	walk_req(&s.u, &req);
	EXPECT_OK(0x20000, 0x1000);
	s.u.ecap &= ~ECAP_SRS;				/* SRE without ECAP.SRS */
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x5a, 0);
	s.u.ecap = (s.u.ecap | ECAP_SRS) & ~ECAP_RPS;
	s.ce[1] = 0;
	s.dir[1] = 0;

	/* access errors */
	s.dir[0] = NOT_MEMORY | 1;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x58, 0);
	s.ce[0] = NOT_MEMORY | 1 << 3 | 1;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x50, 0);
	s.root[5 * 2] = NOT_MEMORY | 1;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x40, 0);
	s.u.rtaddr = NOT_MEMORY | SMT;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x38, 0);
	/* TTM 10b is reserved; TTM 01b needs ECAP.SMTS */
	s.u.rtaddr = pa(s.root) | 2ULL << 10;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x30, 0);
	s.u.rtaddr = pa(s.root) | SMT;
	s.u.ecap &= ~ECAP_SMTS;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x30, 0);
}

UNIT_TEST(walker_sm_upper_half_rid_pasid_fpd)
{
	struct sm s;
	u64 *pe5;

	fake_hw_reset();
	sm_build(&s, SM_SID_HI, 0);
	s.pe[0] = PE_PGTT(4) | PE_P;			/* pass-through */
	s.pe[1] = 1;
	walk(&s.u, SM_SID_HI, 0xdeadbeef, true);
	EXPECT_OK(0xdeadbeef, 0x1000);
	EXPECT_U64(res.mode, WALK_PASS_THROUGH);
	EXPECT_U64(res.did, 1);
	EXPECT_U64(res.steps[1].index, 0x08);		/* devfn 0x88 & 0x7f */
	EXPECT(!res.fpd);
	/* RID_PASID 5 with ECAP.RPS: requests without PASID use PASID 5 */
	pe5 = sm_pasid(&s, 5);
	pe5[0] = PE_PGTT(4) | PE_P | 0x2;		/* FPD */
	pe5[1] = 0x55;
	s.ce[1] = 5;
	s.u.ecap |= ECAP_RPS;
	walk(&s.u, SM_SID_HI, 0x1000, false);
	EXPECT_OK(0x1000, 0x1000);
	EXPECT_U64(res.did, 0x55);
	EXPECT_U64(res.steps[3].index, 5);
	EXPECT(res.fpd);
	/* pass-through beyond HAW (SGN.4), and without ECAP.PT (SPT.4) */
	walk(&s.u, SM_SID_HI, 1ULL << 48, false);
	EXPECT_FAULT(0x83, 0);
	s.u.ecap &= ~ECAP_PT;
	walk(&s.u, SM_SID_HI, 0x1000, false);
	EXPECT_FAULT(0x5b, 0);
}

/*
 * 9.3-9.6: FPD "is evaluated by hardware irrespective of the setting of
 * the present (P) field": an entry with P=0 and FPD=1 faults (LCT.2 2h,
 * SCT.2 41h, SPD.2 51h, SPT.2 59h) without a record; with FPD=0 the
 * record is made.
 */
UNIT_TEST(walker_fpd_of_entries_not_present)
{
	struct legacy l;
	struct sm s;

	fake_hw_reset();
	legacy_build(&l, 0, 2, 1);
	l.ctx[0x18 * 2] = 0x2;				/* P=0, FPD */
	walk(&l.u, SID, 0x5000, true);
	EXPECT_FAULT(0x02, 0);
	EXPECT(res.fpd);
	l.ctx[0x18 * 2] = 0;
	walk(&l.u, SID, 0x5000, true);
	EXPECT_FAULT(0x02, 0);
	EXPECT(!res.fpd);

	fake_hw_reset();
	sm_build(&s, SM_SID, 0);
	s.pe[0] = 0x2;					/* PASID entry P=0, FPD */
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x59, 0);
	EXPECT(res.fpd);
	s.pe[0] = 0;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x59, 0);
	EXPECT(!res.fpd);
	s.dir[0] = (s.dir[0] & ~1ULL) | 0x2;		/* directory P=0, FPD */
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x51, 0);
	EXPECT(res.fpd);
	s.ce[0] = 0x2;					/* context P=0, FPD */
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x41, 0);
	EXPECT(res.fpd);
	s.ce[0] = 0;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x41, 0);
	EXPECT(!res.fpd);
}

/*
 * SPT.6 (5Dh) names no PGTT: a privileged request with PASID through a
 * pass-through entry with SRE=0 faults too; with SRE=1 it passes.
 */
UNIT_TEST(walker_spt6_pass_through)
{
	struct walk_request req = { .sid = SM_SID, .addr = 0x7000,
				    .write = true, .pasid_present = true,
				    .pasid = 1, .priv = true };
	struct sm s;

	fake_hw_reset();
	sm_build(&s, SM_SID, 1);
	s.pe[0] = PE_PGTT(4) | PE_P;
	s.pe[1] = 1;
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x5d, 0);
	s.pe[2] = PE_SRE;
	walk_req(&s.u, &req);
	EXPECT_OK(0x7000, 0x1000);
	req.priv = false;				/* a user request */
	s.pe[2] = 0;
	walk_req(&s.u, &req);
	EXPECT_OK(0x7000, 0x1000);
}

/* ------------------------------------------------------------ first stage */

static void fs_unit(struct sm *s, u64 **fs, u64 pe2_flags)
{
	sm_build(s, SM_SID, 0);
	*fs = new_table();
	s->pe[0] = PE_PGTT(1) | PE_P;
	s->pe[1] = PE_PWSNP | 0x11;
	s->pe[2] = pa(*fs) | pe2_flags;
}

UNIT_TEST(walker_fs_4level_pages)
{
	struct sm s;
	u64 *fs;

	fake_hw_reset();
	fs_unit(&s, &fs, 0);
	map(fs, 4, 0x12345000, 1, 0x66666000 | FS_LEAF, FS_TBL);
	map(fs, 4, 0x40000000, 2, 0x80000000ULL | FS_PS | FS_LEAF, FS_TBL);
	map(fs, 4, 0x1c0000000ULL, 3, 0x100000000ULL | FS_PS | FS_LEAF, FS_TBL);
	walk(&s.u, SM_SID, 0x12345abc, true);
	EXPECT_OK(0x66666abc, 0x1000);
	EXPECT_U64(res.mode, WALK_FIRST_STAGE);
	EXPECT_U64(res.did, 0x11);
	EXPECT_U64(res.nr_steps, 8);
	EXPECT_STR(res.steps[4].what, "fs-L4");
	EXPECT_STR(res.steps[7].what, "fs-L1");
	EXPECT_CONTAINS(res.steps[7].decoded, "P=1 RW=1 US=1");
	walk(&s.u, SM_SID, 0x401fffff, false);
	EXPECT_OK(0x801fffffULL, 0x200000);
	walk(&s.u, SM_SID, 0x1c1234567ULL, false);
	EXPECT_OK(0x101234567ULL, 0x40000000);
	/* 1 GiB pages need CAP.FS1GP: PS is reserved otherwise (SFS.3) */
	s.u.cap &= ~CAP_FS1GP;
	walk(&s.u, SM_SID, 0x1c1234567ULL, false);
	EXPECT_FAULT(0x72, 3);
	/* canonical upper half: index 256 of the L4 table */
	map(fs, 4, 0xffff800000001000ULL, 1, 0x3000 | FS_LEAF, FS_TBL);
	walk(&s.u, SM_SID, 0xffff800000001008ULL, false);
	EXPECT_OK(0x3008, 0x1000);
	EXPECT_U64(res.steps[4].index, 256);
	/* not canonical for 4-level paging: SGN.1 */
	walk(&s.u, SM_SID, 0x0000800000000000ULL, false);
	EXPECT_FAULT(0x80, 4);
	walk(&s.u, SM_SID, 0xfff0000000001000ULL, false);
	EXPECT_FAULT(0x80, 4);
	/* the output lands in the interrupt range (SGN.8) */
	map(fs, 4, 0x5000, 1, 0xfeeff000ULL | FS_LEAF, FS_TBL);
	walk(&s.u, SM_SID, 0x5ffc, false);
	EXPECT_FAULT(0x87, 1);
}

UNIT_TEST(walker_fs_not_present_each_level)
{
	struct sm s;
	u64 *fs;

	for (unsigned int lvl = 4; lvl >= 1; lvl--) {
		fake_hw_reset();
		fs_unit(&s, &fs, 0);
		map(fs, 4, 0x12345000, 1, 0x66666000 | FS_LEAF, FS_TBL);
		*entry_at(fs, 4, 0x12345000, lvl) &= ~FS_P;
		walk(&s.u, SM_SID, 0x12345000, false);
		EXPECT_FAULT(0x71, lvl);
	}
}

UNIT_TEST(walker_fs_permissions)
{
	struct sm s;
	u64 *fs, *leaf;
	struct walk_request req = { .sid = SM_SID, .addr = 0x12345000,
				    .pasid_present = true, .pasid = 0 };

	fake_hw_reset();
	fs_unit(&s, &fs, PE_SRE);
	sm_rid_pasid_alias(&s);
	leaf = map(fs, 4, 0x12345000, 1, 0x66666000 | FS_P | FS_A, FS_TBL);
	/* user request, U/S = 0 on the leaf: SGN.2 */
	walk(&s.u, SM_SID, 0x12345000, false);
	EXPECT_FAULT(0x81, 1);
	/* supervisor request (SRE = 1) may read a supervisor page */
	req.priv = true;
	walk_req(&s.u, &req);
	EXPECT_OK(0x66666000, 0x1000);
	/* supervisor write to a read-only page: allowed unless WPE */
	req.write = true;
	walk_req(&s.u, &req);
	EXPECT_OK(0x66666000, 0x1000);
	s.pe[2] |= PE_WPE;
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x85, 1);
	/* a user write to a read-only page (U/S on every level) */
	*leaf |= FS_US;
	walk(&s.u, SM_SID, 0x12345000, true);
	EXPECT_FAULT(0x85, 1);
	walk(&s.u, SM_SID, 0x12345000, false);
	EXPECT_OK(0x66666000, 0x1000);
	/* U/S clear on a middle level is enough for SGN.2 */
	*entry_at(fs, 4, 0x12345000, 3) &= ~FS_US;
	walk(&s.u, SM_SID, 0x12345000, false);
	EXPECT_FAULT(0x81, 1);
	*entry_at(fs, 4, 0x12345000, 3) |= FS_US;
	/*
	 * Execute requests by VER_REG. Rev 5.10 (major 8 and above, or VER
	 * not given): RTA.5, 34h, whatever the tables say.
	 */
	req.priv = false;
	req.write = false;
	req.exec = true;
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x34, 0);
	s.u.ver = 0x80;					/* VER 8.0 */
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x34, 0);
	/* major 7 and below without ECAP.ERS: SPT.5, 5Ch */
	s.u.ver = 0x60;					/* VER 6.0 */
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x5c, 0);
	/* with ECAP.ERS (bit 30), the rev 3.x model: XD refuses it (SGN.3) */
	s.u.ecap |= 1ULL << 30;
	walk_req(&s.u, &req);
	EXPECT_OK(0x66666000, 0x1000);
	*entry_at(fs, 4, 0x12345000, 2) |= FS_XD;
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x82, 1);
	req.exec = false;
	walk_req(&s.u, &req);
	EXPECT_OK(0x66666000, 0x1000);
	/* rev 5.10: bits 63:52 of a first-stage entry are ignored */
	s.u.ver = 0x80;
	walk_req(&s.u, &req);
	EXPECT_OK(0x66666000, 0x1000);
	/*
	 * exec and priv of a request without PASID are ignored: without
	 * ECAP.RPRIVS its PrivilegeModeRequested is 0 (9.4), so a
	 * supervisor page refuses it (SGN.2).
	 */
	req.pasid_present = false;
	req.exec = true;
	req.priv = true;
	walk_req(&s.u, &req);
	EXPECT_OK(0x66666000, 0x1000);
	*entry_at(fs, 4, 0x12345000, 3) &= ~FS_US;
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x81, 1);
}

UNIT_TEST(walker_fs_5level_and_faults)
{
	struct sm s;
	u64 *fs;

	fake_hw_reset();
	fs_unit(&s, &fs, PE_FSPM5);
	map(fs, 5, 0x00ff000012345000ULL, 1, 0x7000 | FS_LEAF, FS_TBL);
	walk(&s.u, SM_SID, 0x00ff000012345000ULL, false);
	EXPECT_FAULT(0x5b, 0);				/* no CAP.FS5LP */
	s.u.cap |= CAP_FS5LP;
	walk(&s.u, SM_SID, 0x00ff000012345010ULL, false);
	EXPECT_OK(0x7010, 0x1000);
	EXPECT_STR(res.steps[4].what, "fs-L5");
	EXPECT_U64(res.steps[4].index, 0xff);
	walk(&s.u, SM_SID, 0x0100000000000000ULL, false);
	EXPECT_FAULT(0x80, 5);
	/* PS in an L5 entry is reserved */
	*entry_at(fs, 5, 0x00ff000012345000ULL, 5) |= FS_PS;
	walk(&s.u, SM_SID, 0x00ff000012345000ULL, false);
	EXPECT_FAULT(0x72, 5);
	*entry_at(fs, 5, 0x00ff000012345000ULL, 5) &= ~FS_PS;
	/* 2 MiB page with address bit 13 set: reserved */
	map(fs, 5, 0x200000, 2, 0x402000 | FS_PS | FS_LEAF, FS_TBL);
	walk(&s.u, SM_SID, 0x200000, false);
	EXPECT_FAULT(0x72, 2);
	/* lower table unreadable (SFS.1), FSPTPTR table unreadable (SFS.4) */
	*entry_at(fs, 5, 0x00ff000012345000ULL, 3) = NOT_MEMORY | FS_TBL;
	walk(&s.u, SM_SID, 0x00ff000012345000ULL, false);
	EXPECT_FAULT(0x70, 2);
	s.pe[2] = NOT_MEMORY | PE_FSPM5;
	walk(&s.u, SM_SID, 0x1000, false);
	EXPECT_FAULT(0x73, 5);
	/*
	 * First stage needs ECAP.FSTS: PGTT=001b is SPT.4.2 (5Bh), and FSPM
	 * and FSPTPTR are Reserved(0) without FSTS, SPT.3 (5Ah): both hold.
	 */
	s.u.ecap &= ~ECAP_FSTS;
	walk(&s.u, SM_SID, 0x1000, false);
	EXPECT_FAULT(0x5a, 0);
	EXPECT_ALLOWS(0x5b);
	s.pe[2] = 0;
	walk(&s.u, SM_SID, 0x1000, false);
	EXPECT_FAULT(0x5b, 0);
	EXPECT_U64(res.nr_reasons, 1);
}

/* ----------------------------------------------------------------- nested */

/*
 * Guest memory for nested tests: every first-stage table is a host page the
 * second stage maps at a guest-physical address of our choosing.
 */
struct guest {
	u64 *ss;		/* second-stage top table */
	unsigned int ss_levels;
	u64 next_gpa;
	unsigned int nr;
	u64 gpa[64];
	u64 *hva[64];
};

static u64 *guest_page(struct guest *g, u64 *gpa)
{
	u64 *p = new_table();

	if (g->nr >= 64)
		abort();
	*gpa = g->next_gpa;
	g->next_gpa += 0x1000;
	g->gpa[g->nr] = *gpa;
	g->hva[g->nr++] = p;
	map(g->ss, g->ss_levels, *gpa, 1, pa(p) | SS_RW, SS_RW);
	return p;
}

static u64 *guest_va(struct guest *g, u64 gpa)
{
	for (unsigned int i = 0; i < g->nr; i++)
		if (g->gpa[i] == (gpa & ADDR_MASK))
			return g->hva[i];
	abort();
}

/* entry_at() for first-stage tables that live at guest-physical addresses. */
static u64 *guest_entry_at(struct guest *g, u64 *top, unsigned int levels,
			   u64 in, unsigned int level)
{
	u64 *t = top;

	for (unsigned int l = levels; l > level; l--)
		t = guest_va(g, t[idx(in, l)]);
	return &t[idx(in, level)];
}

/* map() for first-stage tables that live at guest-physical addresses. */
static u64 *guest_map(struct guest *g, u64 *top, unsigned int levels, u64 in,
		      unsigned int leaf, u64 leaf_val, u64 tbl)
{
	u64 *t = top, gpa;

	for (unsigned int l = levels; l > leaf; l--) {
		u64 *e = &t[idx(in, l)];

		if (!*e) {
			guest_page(g, &gpa);
			*e = gpa | tbl;
		}
		t = guest_va(g, *e);
	}
	t[idx(in, leaf)] = leaf_val;
	return &t[idx(in, leaf)];
}

#define GPA_TABLES	0x10000000ULL
#define IOVA		0x0000001234567000ULL	/* L4 0, L3 0x48, L2 0x1a2, L1 0x167 */
#define OUT_GPA		0x40000000ULL
#define OUT_HPA		0x90000000ULL

struct nest {
	struct sm s;
	struct guest g;
	u64 *fs;		/* host view of the FSPTPTR table */
	u64 fs_gpa;
};

static void nest_build(struct nest *n, unsigned int aw, u64 pe2_flags)
{
	memset(n, 0, sizeof(*n));
	sm_build(&n->s, SM_SID, 0);
	n->g.ss = new_table();
	n->g.ss_levels = aw + 2;
	n->g.next_gpa = GPA_TABLES;
	n->fs = guest_page(&n->g, &n->fs_gpa);
	n->s.pe[0] = pa(n->g.ss) | PE_PGTT(3) | PE_AW(aw) | PE_P;
	n->s.pe[1] = PE_PWSNP | 0x77;
	n->s.pe[2] = n->fs_gpa | pe2_flags;
	/* the first stage maps IOVA to OUT_GPA, the second OUT_GPA to OUT_HPA */
	guest_map(&n->g, n->fs, 4, IOVA, 1, OUT_GPA | FS_LEAF, FS_TBL);
	map(n->g.ss, n->g.ss_levels, OUT_GPA, 1, OUT_HPA | SS_RW, SS_RW);
}

UNIT_TEST(walker_nested_4k)
{
	struct nest n;

	fake_hw_reset();
	nest_build(&n, 2, 0);
	walk(&n.s.u, SM_SID, IOVA | 0x9a8, true);
	EXPECT_OK(OUT_HPA | 0x9a8, 0x1000);
	EXPECT_U64(res.mode, WALK_NESTED);
	EXPECT_U64(res.did, 0x77);
	/* root, context, dir, pasid, 4 x (4 ss + fs), 4 ss */
	EXPECT_U64(res.nr_steps, 28);
	EXPECT_STR(res.steps[4].what, "fs-L4>ss-L4");
	EXPECT_STR(res.steps[7].what, "fs-L4>ss-L1");
	EXPECT_U64(res.steps[6].index, 0x80);		/* GPA 0x10000000 */
	EXPECT_U64(res.steps[7].index, 0);
	EXPECT_STR(res.steps[8].what, "fs-L4");
	EXPECT_U64(res.steps[8].table, pa(n.fs));
	EXPECT_CONTAINS(res.steps[8].decoded, "entry gpa 0x10000000");
	EXPECT_STR(res.steps[13].what, "fs-L3");
	EXPECT_U64(res.steps[13].index, 0x48);
	EXPECT_STR(res.steps[23].what, "fs-L1");
	EXPECT_STR(res.steps[24].what, "ss-L4");
	EXPECT_STR(res.steps[27].what, "ss-L1");
	EXPECT_U64(res.steps[27].entry[0], OUT_HPA | SS_RW);
}

UNIT_TEST(walker_nested_second_stage_hole_under_fs_table)
{
	struct nest n;
	u64 l2_gpa;

	fake_hw_reset();
	nest_build(&n, 2, 0);
	/* unmap the guest page holding the first-stage L2 table */
	l2_gpa = *guest_entry_at(&n.g, n.fs, 4, IOVA, 3) & ADDR_MASK;
	*entry_at(n.g.ss, 4, l2_gpa, 1) = 0;
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_FAULT(0x79, 1);				/* SSS.2, second-stage L1 */
	EXPECT_STR(res.steps[res.nr_steps - 1].what, "fs-L2>ss-L1");
	/* the second stage maps it write-only: no read of a lower table */
	*entry_at(n.g.ss, 4, l2_gpa, 1) = pa(guest_va(&n.g, l2_gpa)) | SS_W;
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_FAULT(0x76, 2);				/* SFS.7 */
	/* same for the FSPTPTR table */
	*entry_at(n.g.ss, 4, l2_gpa, 1) |= SS_R;
	*entry_at(n.g.ss, 4, n.fs_gpa, 1) = pa(n.fs) | SS_W;
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_FAULT(0x75, 4);				/* SFS.6 */
	/* a second-stage table unreadable under it: SSS.1 */
	*entry_at(n.g.ss, 4, n.fs_gpa, 2) = NOT_MEMORY | SS_RW;
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_FAULT(0x78, 1);
	/* the first-stage table GPA beyond the second-stage width: SFS.5 */
	fake_hw_reset();
	nest_build(&n, 1, 0);				/* 39-bit second stage */
	*entry_at(n.fs, 4, IOVA, 4) = (1ULL << 39) | FS_TBL;
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_FAULT(0x74, 3);
}

UNIT_TEST(walker_nested_final_gpa)
{
	struct nest n;

	fake_hw_reset();
	nest_build(&n, 2, 0);
	/* the output GPA has no second-stage mapping: SSS.2 */
	*entry_at(n.g.ss, 4, OUT_GPA, 1) = 0;
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_FAULT(0x79, 1);
	EXPECT_STR(res.steps[res.nr_steps - 1].what, "ss-L1");
	/* read-only in the second stage: writes refused (SGN.6) */
	*entry_at(n.g.ss, 4, OUT_GPA, 1) = OUT_HPA | SS_R;
	walk(&n.s.u, SM_SID, IOVA, true);
	EXPECT_FAULT(0x85, 1);
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_OK(OUT_HPA, 0x1000);
	/* read-only in the first stage: writes refused too */
	*entry_at(n.g.ss, 4, OUT_GPA, 1) = OUT_HPA | SS_RW;
	*guest_entry_at(&n.g, n.fs, 4, IOVA, 1) &= ~FS_RW;
	walk(&n.s.u, SM_SID, IOVA, true);
	EXPECT_FAULT(0x85, 1);
	*guest_entry_at(&n.g, n.fs, 4, IOVA, 1) |= FS_RW;
	/* output GPA beyond the second-stage width: SFS.5 */
	*guest_entry_at(&n.g, n.fs, 4, IOVA, 1) = (1ULL << 48) | FS_LEAF;
	n.s.u.haw = 52;
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_FAULT(0x74, 4);
}

UNIT_TEST(walker_nested_ad_updates)
{
	struct nest n;
	u64 l1_gpa;

	fake_hw_reset();
	nest_build(&n, 2, 0);
	l1_gpa = *guest_entry_at(&n.g, n.fs, 4, IOVA, 2) & ADDR_MASK;
	/* the L1 table page is read-only in the second stage */
	*entry_at(n.g.ss, 4, l1_gpa, 1) &= ~SS_W;
	walk(&n.s.u, SM_SID, IOVA, true);		/* A and D set: fine */
	EXPECT_OK(OUT_HPA, 0x1000);
	/* D to set on a write */
	*guest_entry_at(&n.g, n.fs, 4, IOVA, 1) &= ~FS_D;
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_OK(OUT_HPA, 0x1000);
	walk(&n.s.u, SM_SID, IOVA, true);
	EXPECT_FAULT(0x77, 1);				/* SFS.8 */
	/* A to set on any access */
	*guest_entry_at(&n.g, n.fs, 4, IOVA, 1) &= ~FS_A;
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_FAULT(0x77, 1);
	*guest_entry_at(&n.g, n.fs, 4, IOVA, 1) |= FS_A | FS_D;
	/* with EAFE the extended accessed flag (bit 10) is set as well */
	n.s.u.ecap |= ECAP_EAFS;
	n.s.pe[2] |= 1ULL << 7;
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_FAULT(0x77, 1);
	*guest_entry_at(&n.g, n.fs, 4, IOVA, 1) |= 1ULL << 10;
	walk(&n.s.u, SM_SID, IOVA, true);
	EXPECT_OK(OUT_HPA, 0x1000);
	/* EAFE without ECAP.EAFS is reserved */
	n.s.u.ecap &= ~ECAP_EAFS;
	walk(&n.s.u, SM_SID, IOVA, true);
	EXPECT_FAULT(0x5a, 0);
}

UNIT_TEST(walker_nested_page_sizes)
{
	struct nest n;

	fake_hw_reset();
	nest_build(&n, 2, 0);
	/* first stage 2 MiB, second stage 4 KiB: 4 KiB */
	guest_map(&n.g, n.fs, 4, 0x40000000, 2, 0x80000000ULL | FS_PS | FS_LEAF,
		  FS_TBL);
	map(n.g.ss, 4, 0x80003000ULL, 1, 0xa0000000ULL | SS_RW, SS_RW);
	walk(&n.s.u, SM_SID, 0x40003123, false);
	EXPECT_OK(0xa0000123ULL, 0x1000);
	/* first stage 4 KiB, second stage 1 GiB: 4 KiB */
	guest_map(&n.g, n.fs, 4, 0x80000000ULL, 1, 0xc0345000ULL | FS_LEAF,
		  FS_TBL);
	map(n.g.ss, 4, 0xc0000000ULL, 3, 0x1c0000000ULL | SS_PS | SS_RW, SS_RW);
	walk(&n.s.u, SM_SID, 0x80000010ULL, false);
	EXPECT_OK(0x1c0345010ULL, 0x1000);
	/* first stage 2 MiB, second stage 1 GiB: 2 MiB */
	guest_map(&n.g, n.fs, 4, 0xc0000000ULL, 2, 0xc0400000ULL | FS_PS | FS_LEAF,
		  FS_TBL);
	walk(&n.s.u, SM_SID, 0xc0012345ULL, false);
	EXPECT_OK(0x1c0412345ULL, 0x200000);
}

UNIT_TEST(walker_nested_5level_fits_the_trace)
{
	struct nest n;

	fake_hw_reset();
	memset(&n, 0, sizeof(n));
	sm_build(&n.s, SM_SID, 0);
	n.s.u.cap |= CAP_SAGAW_57 | CAP_MGAW(57) | CAP_FS5LP;
	n.g.ss = new_table();
	n.g.ss_levels = 5;
	n.g.next_gpa = GPA_TABLES;
	n.fs = guest_page(&n.g, &n.fs_gpa);
	n.s.pe[0] = pa(n.g.ss) | PE_PGTT(3) | PE_AW(3) | PE_P;
	n.s.pe[2] = n.fs_gpa | PE_FSPM5;
	guest_map(&n.g, n.fs, 5, IOVA, 1, OUT_GPA | FS_LEAF, FS_TBL);
	map(n.g.ss, 5, OUT_GPA, 1, OUT_HPA | SS_RW, SS_RW);
	walk(&n.s.u, SM_SID, IOVA, true);
	EXPECT_OK(OUT_HPA, 0x1000);
	EXPECT_U64(res.nr_steps, 4 + 5 * 6 + 5);
	EXPECT(!res.truncated);
	/* nested needs ECAP.NEST */
	n.s.u.ecap &= ~ECAP_NEST;
	walk(&n.s.u, SM_SID, IOVA, true);
	EXPECT_FAULT(0x5b, 0);
}

/* ------------------------------------------------------------------ trace */

UNIT_TEST(walker_print_trace)
{
	struct nest n;
	const char *out;
	u64 l2_gpa;

	fake_hw_reset();
	nest_build(&n, 2, 0);
	l2_gpa = *guest_entry_at(&n.g, n.fs, 4, IOVA, 3) & ADDR_MASK;
	*entry_at(n.g.ss, 4, l2_gpa, 1) = 0;
	walk(&n.s.u, SM_SID, IOVA | 0x10, true);
	unit_capture_begin();
	vtd_walk_print(&res);
	out = unit_capture_end();
	EXPECT_CONTAINS(out, "# walk  0 root");
	EXPECT_CONTAINS(out, "LP=1");
	EXPECT_CONTAINS(out, "context");
	EXPECT_CONTAINS(out, "pasid-dir");
	EXPECT_CONTAINS(out, "PGTT=3");
	EXPECT_CONTAINS(out, "fs-L4>ss-L4");
	EXPECT_CONTAINS(out, "fs-L2>ss-L1");
	EXPECT_CONTAINS(out, "R=0 W=0");
	EXPECT_CONTAINS(out, "fault 0x79 (SSS.2");
	EXPECT_CONTAINS(out, "05:02.0 pasid none write 0x1234567010");
	EXPECT_CONTAINS(out, "mode nested did 0x77");
	/* one line per step plus the outcome */
	{
		unsigned int lines = 0;

		for (const char *p = out; *p; p++)
			lines += *p == '\n';
		EXPECT_U64(lines, res.nr_steps + 1);
	}
	/* a translation prints where it went */
	*entry_at(n.g.ss, 4, l2_gpa, 1) = pa(guest_va(&n.g, l2_gpa)) | SS_RW;
	walk(&n.s.u, SM_SID, IOVA | 0x10, true);
	unit_capture_begin();
	vtd_walk_print(&res);
	out = unit_capture_end();
	EXPECT_CONTAINS(out, "-> 0x90000010 page 0x1000 mode nested");
	EXPECT_CONTAINS(out, "0x90000003");		/* the raw ss-L1 word */
}

UNIT_TEST(walker_fault_reason_names)
{
	EXPECT_CONTAINS(vtd_fault_reason_name(0x01), "root entry not present");
	EXPECT_CONTAINS(vtd_fault_reason_name(0x05), "W clear");
	EXPECT_CONTAINS(vtd_fault_reason_name(0x0e), "interrupt range");
	EXPECT_CONTAINS(vtd_fault_reason_name(0x59), "SPT.2");
	EXPECT_CONTAINS(vtd_fault_reason_name(0x5b), "SPT.4");
	EXPECT_CONTAINS(vtd_fault_reason_name(0x75), "SFS.6");
	EXPECT_CONTAINS(vtd_fault_reason_name(0x79), "SSS.2");
	EXPECT_CONTAINS(vtd_fault_reason_name(0x84), "SGN.5");
	EXPECT_CONTAINS(vtd_fault_reason_name(0x91), "SFS.10");
	EXPECT_STR(vtd_fault_reason_name(0x0f), "reserved/unknown");
	EXPECT_STR(vtd_fault_reason_name(0x61), "reserved/unknown");
	EXPECT_STR(vtd_fault_reason_name(0xff), "reserved/unknown");
	EXPECT_STR(vtd_walk_mode_name(WALK_NESTED), "nested");
}

/* ------------------------------------------- rev 5.10, Table 30 by label */

#define ECAP_PRS	(1ULL << 29)
#define ECAP_ERS	(1ULL << 30)
#define ECAP_SSADS	(1ULL << 45)
#define ECAP_ADMS	(1ULL << 52)
#define PE_SSADE	(1ULL << 9)			/* val[0] bit 9 */
#define PE_PGSNP	(1ULL << 24)			/* val[1] bit 24 */
#define SS_A		(1ULL << 8)
#define SS_D		(1ULL << 9)

/*
 * SFS.9 (90h): a first-stage A/D update the unit must make while it does
 * not snoop its page walks (ECAP.SMPWC=0 or PWSNP=0 in the PASID entry).
 */
UNIT_TEST(walker_sfs9_ad_update_without_snoop)
{
	struct sm s;
	u64 *fs, *leaf;

	fake_hw_reset();
	fs_unit(&s, &fs, 0);
	leaf = map(fs, 4, 0x12345000, 1, 0x66666000 | FS_LEAF, FS_TBL);
	s.pe[1] &= ~PE_PWSNP;				/* SMPWC=1, PWSNP=0 */
	walk(&s.u, SM_SID, 0x12345000, true);		/* A, D preset: fine */
	EXPECT_OK(0x66666000, 0x1000);
	*leaf &= ~FS_D;
	walk(&s.u, SM_SID, 0x12345000, false);		/* a read needs no D */
	EXPECT_OK(0x66666000, 0x1000);
	walk(&s.u, SM_SID, 0x12345000, true);
	EXPECT_FAULT(0x90, 1);
	*leaf &= ~FS_A;
	walk(&s.u, SM_SID, 0x12345000, false);
	EXPECT_FAULT(0x90, 1);
	/* snooping (SMPWC=1, PWSNP=1): the unit sets A and D itself */
	s.pe[1] |= PE_PWSNP;
	walk(&s.u, SM_SID, 0x12345000, true);
	EXPECT_OK(0x66666000, 0x1000);
	/* SMPWC=0: PWSNP is Reserved(0) (SPT.3), and without it SFS.9 */
	s.u.ecap &= ~ECAP_SMPWC;
	walk(&s.u, SM_SID, 0x12345000, false);
	EXPECT_FAULT(0x5a, 0);
	EXPECT_CONTAINS(res.detail, "PWSNP");
	s.pe[1] &= ~PE_PWSNP;
	walk(&s.u, SM_SID, 0x12345000, false);
	EXPECT_FAULT(0x90, 1);
	/* A clear on the L4 entry, L2 not present: SFS.2 or SFS.9 */
	*leaf |= FS_A | FS_D;
	*entry_at(fs, 4, 0x12345000, 4) &= ~FS_A;
	*entry_at(fs, 4, 0x12345000, 2) &= ~FS_P;
	walk(&s.u, SM_SID, 0x12345000, false);
	EXPECT_FAULT(0x71, 2);
	EXPECT_ALLOWS(0x90);
	EXPECT_U64(res.nr_reasons, 2);
}

/* SSS.5 (7Ch): a second-stage A/D update (SSADE=1) without snoop. */
UNIT_TEST(walker_sss5_ss_ad_update_without_snoop)
{
	struct sm s;
	u64 *ss, *leaf;

	fake_hw_reset();
	ss_unit(&s, &ss, 0);
	s.u.ecap |= ECAP_SSADS;
	s.pe[0] |= PE_SSADE;
	s.pe[1] = PE_PWSNP | 0x33;
	leaf = map(ss, 4, 0x7000, 1, 0x20000 | SS_A | SS_RW, SS_A | SS_RW);
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_OK(0x20000, 0x1000);
	s.pe[1] &= ~PE_PWSNP;
	walk(&s.u, SM_SID, 0x7000, false);		/* A everywhere */
	EXPECT_OK(0x20000, 0x1000);
	walk(&s.u, SM_SID, 0x7000, true);		/* D to set */
	EXPECT_FAULT(0x7c, 1);
	*leaf |= SS_D;
	walk(&s.u, SM_SID, 0x7000, true);
	EXPECT_OK(0x20000, 0x1000);
	*entry_at(ss, 4, 0x7000, 3) &= ~SS_A;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x7c, 3);
	/* without SSADE the A/D bits are ignored */
	s.pe[0] &= ~PE_SSADE;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_OK(0x20000, 0x1000);
}

/*
 * Nested: an A update on a page the second stage maps read-only, with no
 * page-walk snoop: SFS.8 (77h), SFS.9 (90h) and, by SFS.1's note, SGN.6.
 */
UNIT_TEST(walker_nested_ad_combined)
{
	struct nest n;
	u64 l1_gpa;

	fake_hw_reset();
	nest_build(&n, 2, 0);
	l1_gpa = *guest_entry_at(&n.g, n.fs, 4, IOVA, 2) & ADDR_MASK;
	*entry_at(n.g.ss, 4, l1_gpa, 1) &= ~SS_W;
	*guest_entry_at(&n.g, n.fs, 4, IOVA, 1) &= ~FS_A;
	n.s.pe[1] &= ~PE_PWSNP;
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_FAULT(0x77, 1);
	EXPECT_ALLOWS(0x90);
	EXPECT_ALLOWS(0x85);
	EXPECT_U64(res.nr_reasons, 3);
}

/*
 * SPT.4.4 (5Bh): a nested FSPTPTR above 2^min(MGAW, AW) - 1; SGN.5 by
 * SFS.1's note; never SFS.5 (74h), which is for the ADDR of a
 * first-stage entry. At or above HAW it is also SPT.3 (5Ah).
 */
UNIT_TEST(walker_nested_fsptptr_beyond_width)
{
	struct nest n;

	fake_hw_reset();
	nest_build(&n, 1, 0);				/* 39-bit second stage */
	n.s.pe[2] = 1ULL << 39;
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_FAULT(0x5b, 0);
	EXPECT_ALLOWS(0x84);
	if (vtd_walk_allows(&res, 0x74))
		unit_failed(__FILE__, __LINE__, "SFS.5 allowed for FSPTPTR");
	n.s.u.haw = 39;					/* FSPTPTR at HAW */
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_FAULT(0x5a, 0);
	EXPECT_CONTAINS(res.detail, "FSPTPTR above HAW");
	EXPECT_ALLOWS(0x5b);
	/* a first-stage entry's ADDR beyond: SFS.5, or SGN.5 (SFS.1 note) */
	fake_hw_reset();
	nest_build(&n, 1, 0);
	*entry_at(n.fs, 4, IOVA, 4) = (1ULL << 39) | FS_TBL;
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_FAULT(0x74, 3);
	EXPECT_ALLOWS(0x84);
}

/* LGN.1.3 (4h): a legacy pass-through address at or above 2^HAW. */
UNIT_TEST(walker_legacy_pass_through_haw)
{
	struct legacy l;

	fake_hw_reset();
	legacy_build(&l, 2, 2, 1);			/* TT=10b, AW 48-bit */
	l.u.haw = 39;					/* HAW < MGAW 48 */
	walk(&l.u, SID, (1ULL << 39) - 0x1000, true);
	EXPECT_OK((1ULL << 39) - 0x1000, 0x1000);
	walk(&l.u, SID, 1ULL << 39, true);
	EXPECT_FAULT(0x04, 0);
	/* LGN.4 (Eh): the output is the input, FEEx_xxxxh is blocked */
	walk(&l.u, SID, 0xfee00000, true);
	EXPECT_FAULT(0x0e, 0);
}

/* SGN.8.1 (87h): scalable-mode pass-through into FEEx_xxxxh. */
UNIT_TEST(walker_sm_pass_through_interrupt_range)
{
	struct sm s;

	fake_hw_reset();
	sm_build(&s, SM_SID, 0);
	s.pe[0] = PE_PGTT(4) | PE_P;
	s.pe[1] = 1;
	walk(&s.u, SM_SID, 0xfedff000, true);
	EXPECT_OK(0xfedff000, 0x1000);
	walk(&s.u, SM_SID, 0xfee00abc, true);
	EXPECT_FAULT(0x87, 0);
	walk(&s.u, SM_SID, 0xfef00000, true);
	EXPECT_OK(0xfef00000, 0x1000);
	/* SGN.4.2 (83h): above HAW */
	walk(&s.u, SM_SID, 1ULL << 48, true);
	EXPECT_FAULT(0x83, 0);
}

/* SCT.4 (43h) and SCT.9 (48h). */
UNIT_TEST(walker_sm_context_rid_pasid)
{
	struct sm s;
	u64 *ss;
	struct walk_request req = { .sid = SM_SID, .addr = 0x7000,
				    .pasid_present = true, .pasid = 0x41 };

	fake_hw_reset();
	ss_unit(&s, &ss, 0x41);
	map(ss, 4, 0x7000, 1, 0x20000 | SS_RW, SS_RW);
	walk_req(&s.u, &req);
	EXPECT_OK(0x20000, 0x1000);
	/* SCT.9: PASID 0 is the requests without PASID's (no ECAP.RPS) */
	req.pasid = 0;
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x48, 0);
	/* with ECAP.RPS, RID_PASID 0x41: PASID 0x41 is refused */
	s.u.ecap |= ECAP_RPS;
	s.ce[1] = 0x41;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_OK(0x20000, 0x1000);
	req.pasid = 0x41;
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x48, 0);
	/* SCT.4.2: RID_PASID beyond PDTS 0 (2^13 PASIDs), any request */
	s.ce[1] = 0x2000;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x43, 0);
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x43, 0);
	s.ce[0] |= 1ULL << 9;				/* PDTS 1: 2^14 PASIDs */
	walk_req(&s.u, &req);
	EXPECT_OK(0x20000, 0x1000);
	/* SCT.4.1: PRE=1 with DTE=0 */
	s.u.ecap |= ECAP_PRS;
	s.ce[0] |= 1ULL << 4;
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x43, 0);
}

/* SPT.3 (5Ah) as rev 5.10 section 9.6 lists the reserved fields. */
UNIT_TEST(walker_pasid_entry_reserved_rev510)
{
	struct sm s;
	u64 *ss;

	fake_hw_reset();
	ss_unit(&s, &ss, 0);
	s.pe[1] = 0x33;
	map(ss, 4, 0x7000, 1, 0x20000 | SS_RW, SS_RW);
	/* 134:133 are IGN */
	s.pe[2] = 3ULL << 5;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_OK(0x20000, 0x1000);
	s.pe[2] = 0;
	/* bit 5 is reserved in rev 5.10 (SSEE of rev 3.x) */
	s.pe[0] |= 1ULL << 5;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x5a, 0);
	s.u.ver = 0x60;					/* VER 6.0 with ERS */
	s.u.ecap |= ECAP_ERS;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_OK(0x20000, 0x1000);
	s.pe[0] &= ~(1ULL << 5);
	/* 95:91 */
	s.pe[1] |= 1ULL << 27;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x5a, 0);
	s.pe[1] = 0x33 | 1ULL << 31;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x5a, 0);
	/* PGSNP needs ECAP.SC; PWSNP needs ECAP.SMPWC */
	s.pe[1] = 0x33 | PE_PGSNP;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x5a, 0);
	s.u.ecap |= ECAP_SC;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_OK(0x20000, 0x1000);
	s.pe[1] = 0x33 | PE_PWSNP;
	s.u.ecap &= ~ECAP_SMPWC;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x5a, 0);
	s.u.ecap |= ECAP_SMPWC;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_OK(0x20000, 0x1000);
	/* FSPTPTR above HAW, for any PGTT (191:HAW+128 is reserved) */
	s.pe[2] = 1ULL << 48;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x5a, 0);
}

/* RTA.4 (33h): abort-DMA mode blocks and records every request. */
UNIT_TEST(walker_abort_dma_mode)
{
	struct sm s;

	fake_hw_reset();
	sm_build(&s, SM_SID, 0);
	s.u.rtaddr = pa(s.root) | 3ULL << 10;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x30, 0);				/* RTA.1.1: no ADMS */
	s.u.ecap |= ECAP_ADMS;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x33, 0);
	EXPECT_STR(vtd_fault_reason_name(0x33), "RTA.4 abort-DMA mode (TTM=11b)");
}

/*
 * 3.8.1, nested with SSADE=1: "reads to first-stage paging structures are
 * allowed from any input address with valid translation for which read
 * and write permissions are both granted in every second-stage
 * paging-entry". Table 30 has no row for a table read refused for W:
 * SGN.6 (85h) by SFS.1's note, SFS.7 (76h, SFS.6 75h for the FSPTPTR
 * table) and SFS.8 (77h) are allowed, at the first-stage level.
 */
UNIT_TEST(walker_nested_ssade_table_reads_need_write)
{
	struct nest n;
	u64 l2_gpa;

	fake_hw_reset();
	nest_build(&n, 2, 0);
	n.s.u.ecap |= ECAP_SSADS;
	l2_gpa = *guest_entry_at(&n.g, n.fs, 4, IOVA, 3) & ADDR_MASK;
	/* the page of the first-stage L2 table is read-only in the second stage */
	*entry_at(n.g.ss, 4, l2_gpa, 1) &= ~SS_W;
	/* SSADE=0: reads of first-stage tables need R only */
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_OK(OUT_HPA, 0x1000);
	walk(&n.s.u, SM_SID, IOVA, true);		/* A, D preset: no update */
	EXPECT_OK(OUT_HPA, 0x1000);
	/* SSADE=1: they need R and W */
	n.s.pe[0] |= PE_SSADE;
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_FAULT(0x85, 2);
	EXPECT_ALLOWS(0x76);
	EXPECT_ALLOWS(0x77);
	EXPECT_U64(res.nr_reasons, 3);
	EXPECT_STR(res.steps[res.nr_steps - 1].what, "fs-L2>ss-L1");
	/* W on every second-stage entry on the way is enough */
	*entry_at(n.g.ss, 4, l2_gpa, 1) |= SS_W;
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_OK(OUT_HPA, 0x1000);
	/*
	 * a non-leaf second-stage entry without W refuses it as well; the
	 * SS-PDE of the L2 table page maps every guest table page from
	 * GPA_TABLES, so the first read, of the FSPTPTR table, faults
	 */
	*entry_at(n.g.ss, 4, l2_gpa, 2) &= ~SS_W;
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_FAULT(0x85, 4);
	EXPECT_ALLOWS(0x75);
	*entry_at(n.g.ss, 4, l2_gpa, 2) |= SS_W;
	/* the FSPTPTR table: SFS.6 instead of SFS.7 */
	*entry_at(n.g.ss, 4, n.fs_gpa, 1) &= ~SS_W;
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_FAULT(0x85, 4);
	EXPECT_ALLOWS(0x75);
	EXPECT_ALLOWS(0x77);
	if (vtd_walk_allows(&res, 0x76))
		unit_failed(__FILE__, __LINE__, "SFS.7 allowed for the FSPTPTR table");
	*entry_at(n.g.ss, 4, n.fs_gpa, 1) |= SS_W;
	/* the final page is not a paging structure: reads need R only */
	*entry_at(n.g.ss, 4, OUT_GPA, 1) = OUT_HPA | SS_R;
	walk(&n.s.u, SM_SID, IOVA, false);
	EXPECT_OK(OUT_HPA, 0x1000);
	walk(&n.s.u, SM_SID, IOVA, true);
	EXPECT_FAULT(0x85, 1);
	EXPECT_U64(res.nr_reasons, 1);
}

/* Sets A and D in every present entry of the second-stage tables under @t. */
static void ss_set_ad(u64 *t, unsigned int level)
{
	for (unsigned int i = 0; i < 512; i++) {
		if (!(t[i] & SS_RW))
			continue;
		t[i] |= SS_A | SS_D;
		if (level > 1 && !(t[i] & SS_PS))
			ss_set_ad(va(t[i]), level - 1);
	}
}

/*
 * Nested, SSADE=1, no page-walk snoop: a first-stage D update writes the
 * leaf's GPA, so the second-stage leaf of that table page needs D too
 * (3.7.2): SFS.9 (90h) and SSS.5 (7Ch) both hold.
 */
UNIT_TEST(walker_nested_ssade_fs_update_needs_ss_dirty)
{
	struct nest n;
	u64 l1_gpa;

	fake_hw_reset();
	nest_build(&n, 2, 0);
	n.s.u.ecap |= ECAP_SSADS;
	n.s.pe[0] |= PE_SSADE;
	n.s.pe[1] &= ~PE_PWSNP;
	ss_set_ad(n.g.ss, 4);
	walk(&n.s.u, SM_SID, IOVA, true);		/* every A/D preset */
	EXPECT_OK(OUT_HPA, 0x1000);
	l1_gpa = *guest_entry_at(&n.g, n.fs, 4, IOVA, 2) & ADDR_MASK;
	*guest_entry_at(&n.g, n.fs, 4, IOVA, 1) &= ~FS_D;
	walk(&n.s.u, SM_SID, IOVA, true);
	EXPECT_FAULT(0x90, 1);
	EXPECT_U64(res.nr_reasons, 1);			/* the L1 page has D */
	*entry_at(n.g.ss, 4, l1_gpa, 1) &= ~SS_D;
	walk(&n.s.u, SM_SID, IOVA, true);
	EXPECT_FAULT(0x90, 1);
	EXPECT_ALLOWS(0x7c);
	EXPECT_U64(res.nr_reasons, 2);
	/*
	 * Whether a read through that table page needs its D is not said:
	 * 3.10 has software pre-set every second-stage A/D here, and 3.8.1
	 * makes table reads need W, as if writes. Not judged.
	 */
}

#define ECAP_SSIRWS	(1ULL << 57)
#define RTADDR_SSIRWE	(1ULL << 7)
#define SS_IR		(1ULL << 61)
#define SS_IW		(1ULL << 62)

/*
 * Second-stage IR/IW (9.8, Tables 41-47; 11.4.5 RTADDR.SSIRWE, 11.4.3
 * ECAP.SSIRWS): bit 62 (IW) is Reserved(0) and bit 61 (IR) ignored unless
 * SSIRWE is set on a unit with SSIRWS; then IR and IW give the
 * permissions and R and W are ignored.
 */
UNIT_TEST(walker_ss_io_read_write_bits)
{
	struct legacy l;
	struct sm s;
	u64 *ss, *leaf;

	fake_hw_reset();
	ss_unit(&s, &ss, 0);
	leaf = map(ss, 4, 0x7000, 1, 0x20000 | SS_RW, SS_RW);
	/* not enabled: IR ignored, IW reserved (SSS.3) */
	*leaf |= SS_IR;
	walk(&s.u, SM_SID, 0x7000, true);
	EXPECT_OK(0x20000, 0x1000);
	*leaf |= SS_IW;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x7a, 1);
	*entry_at(ss, 4, 0x7000, 3) |= SS_IW;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x7a, 3);
	/* SSIRWE without ECAP.SSIRWS is Reserved(0): still not enabled */
	s.u.rtaddr |= RTADDR_SSIRWE;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x7a, 3);
	/* SSIRWS without SSIRWE: not enabled either */
	s.u.rtaddr &= ~RTADDR_SSIRWE;
	s.u.ecap |= ECAP_SSIRWS;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x7a, 3);
	/* enabled: entries with R/W only grant nothing (SSS.2 at the top) */
	s.u.rtaddr |= RTADDR_SSIRWE;
	*entry_at(ss, 4, 0x7000, 3) &= ~SS_IW;
	*leaf = 0x20000 | SS_RW;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x79, 4);
	/* IR|IW on the path, R=W=0 in every entry */
	map(ss, 4, 0x7000, 1, 0x20000 | SS_IR | SS_IW, 0);
	for (unsigned int lvl = 4; lvl > 1; lvl--)
		*entry_at(ss, 4, 0x7000, lvl) = (*entry_at(ss, 4, 0x7000, lvl) &
						 ADDR_MASK) | SS_IR | SS_IW;
	walk(&s.u, SM_SID, 0x7000, true);
	EXPECT_OK(0x20000, 0x1000);
	EXPECT_CONTAINS(res.steps[7].decoded, "IR=1 IW=1 (SSIRWE)");
	/* IR only (W set, ignored): writes refused (SGN.6), reads fine */
	leaf = entry_at(ss, 4, 0x7000, 1);
	*leaf = 0x20000 | SS_IR | SS_W;
	walk(&s.u, SM_SID, 0x7000, true);
	EXPECT_FAULT(0x85, 1);
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_OK(0x20000, 0x1000);
	/* IW only (R set, ignored): reads refused (SGN.7) */
	*leaf = 0x20000 | SS_IW | SS_R;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x86, 1);
	walk(&s.u, SM_SID, 0x7000, true);
	EXPECT_OK(0x20000, 0x1000);
	/* IR=IW=0 in a non-leaf entry: SSS.2 */
	*entry_at(ss, 4, 0x7000, 2) &= ~(SS_IR | SS_IW);
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x79, 2);

	/* legacy: IW is reserved (LSS.2, Ch) */
	fake_hw_reset();
	legacy_build(&l, 0, 2, 1);
	leaf = map(l.sl, 4, 0x5000, 1, 0x30000 | SS_RW | SS_IR, SS_RW);
	walk(&l.u, SID, 0x5000, true);
	EXPECT_OK(0x30000, 0x1000);
	*leaf |= SS_IW;
	walk(&l.u, SID, 0x5000, true);
	EXPECT_FAULT(0x0c, 1);
	*leaf &= ~SS_IW;
	/* RTA.1.4 (30h): SSIRWE with TTM=00b on a unit with SSIRWS */
	l.u.rtaddr |= RTADDR_SSIRWE;
	walk(&l.u, SID, 0x5000, true);
	EXPECT_OK(0x30000, 0x1000);			/* no SSIRWS: Reserved(0) */
	l.u.ecap |= ECAP_SSIRWS;
	walk(&l.u, SID, 0x5000, true);
	EXPECT_FAULT(0x30, 0);
	EXPECT_U64(res.nr_reasons, 1);
	/* RTA.1.4 is for requests without PASID; one with PASID is RTA.2 */
	walk_req(&l.u, &(struct walk_request){ .sid = SID, .addr = 0x5000,
					       .pasid_present = true,
					       .pasid = 1 });
	EXPECT_FAULT(0x31, 0);
	EXPECT_U64(res.nr_reasons, 1);
}

/*
 * SSS.3 is for an entry "with at least one of the read or write
 * permission bits set": without SSIRWE, an entry with R=W=0 and the
 * reserved IW set is not present (SSS.2, 79h), not reserved (7Ah).
 */
UNIT_TEST(walker_ss_iw_without_rw_is_not_present)
{
	struct sm s;
	u64 *ss, *leaf;

	fake_hw_reset();
	ss_unit(&s, &ss, 0);
	leaf = map(ss, 4, 0x7000, 1, 0x20000 | SS_RW, SS_RW);
	*leaf = 0x20000 | SS_IW;
	walk(&s.u, SM_SID, 0x7000, false);
	EXPECT_FAULT(0x79, 1);
	EXPECT_U64(res.nr_reasons, 1);
}

/*
 * SGN.10 (89h): "The PASID value in an untranslated/translation/translated
 * request-with-PASID is greater than the value reported by PASID Size
 * Supported (PSS)": PSS = N means PASIDs of N + 1 bits (11.4.3). Table 30
 * gives no priority over the structure faults the walk meets.
 */
UNIT_TEST(walker_sgn10_pasid_beyond_pss)
{
	struct sm s;
	u64 *ss, *pe;
	struct walk_request req = { .sid = SM_SID, .addr = 0x7000,
				    .pasid_present = true, .pasid = 0xff };

	fake_hw_reset();
	ss_unit(&s, &ss, 0xff);
	map(ss, 4, 0x7000, 1, 0x20000 | SS_RW, SS_RW);
	pe = sm_pasid(&s, 0x100);
	memcpy(pe, s.pe, 64);
	s.u.ecap = (s.u.ecap & ~ECAP_PSS_MASK) | ECAP_PSS(7);	/* 8 bits */
	walk_req(&s.u, &req);
	EXPECT_OK(0x20000, 0x1000);
	req.pasid = 0x100;
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x89, 0);
	EXPECT_U64(res.nr_reasons, 1);
	s.u.ecap = (s.u.ecap & ~ECAP_PSS_MASK) | ECAP_PSS(8);	/* 9 bits */
	walk_req(&s.u, &req);
	EXPECT_OK(0x20000, 0x1000);
	/* beyond PSS and beyond PDTS 0 (2^13 PASIDs): SGN.10 or SCT.7 */
	req.pasid = 0x2000;
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x46, 0);
	EXPECT_ALLOWS(0x89);
	EXPECT_U64(res.nr_reasons, 2);
	/* beyond PSS, PASIDE=0: SGN.10 or SCT.6 */
	req.pasid = 0x200;
	s.ce[0] &= ~(1ULL << 3);
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x45, 0);
	EXPECT_ALLOWS(0x89);
	EXPECT_U64(res.nr_reasons, 2);
	s.ce[0] |= 1ULL << 3;
	/* an execute request (RTA.5, 34h) beyond PSS: SGN.10 holds too */
	req.exec = true;
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x34, 0);
	EXPECT_ALLOWS(0x89);
	/* TTM=01b without ECAP.SMTS is no scalable mode: no SGN.10 */
	s.u.ecap &= ~ECAP_SMTS;
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x34, 0);
	if (vtd_walk_allows(&res, 0x89))
		unit_failed(__FILE__, __LINE__, "SGN.10 allowed without ECAP.SMTS");
	s.u.ecap |= ECAP_SMTS;
	req.exec = false;
	/*
	 * Requests without PASID use RID_PASID, never SGN.10, even where
	 * RID_PASID (0x100, with ECAP.RPS) is wider than PSS allows.
	 */
	s.u.ecap = (s.u.ecap & ~ECAP_PSS_MASK) | ECAP_PSS(7) | ECAP_RPS;
	s.ce[1] = (s.ce[1] & ~0xfffffULL) | 0x100;
	walk(&s.u, SM_SID, 0x7000, true);
	EXPECT_OK(0x20000, 0x1000);
	/* nor does a PASID field the request does not carry */
	walk_req(&s.u, &(struct walk_request){ .sid = SM_SID, .addr = 0x7000,
					       .pasid = 0x100 });
	EXPECT_OK(0x20000, 0x1000);
	s.u.ecap &= ~ECAP_RPS;
	s.ce[1] &= ~0xfffffULL;
	/* legacy mode: a request with PASID is RTA.2 (31h), not SGN.10 */
	s.u.rtaddr &= ~SMT;
	walk_req(&s.u, &req);
	EXPECT_FAULT(0x31, 0);
	EXPECT_U64(res.nr_reasons, 1);
}
