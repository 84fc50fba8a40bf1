// SPDX-License-Identifier: GPL-2.0
/*
 * Reference walker for VT-d DMA remapping: see walker.h.
 *
 * Written from the Intel VT-d Architecture Specification 4.1:
 *   3.4-3.5  legacy and scalable-mode root/context/PASID structure walks
 *   3.6      first-stage translation (IA-32e paging)
 *   3.7      second-stage translation
 *   3.8      nested translation
 *   3.14     requests to the interrupt address range
 *   7.1.3    fault reasons (legacy 1h-Eh, scalable-mode 30h-91h)
 *   9.1-9.8  root, context, PASID directory/table and paging entry formats
 *   11.4     CAP_REG, ECAP_REG, RTADDR_REG
 * Every layout below is defined here on purpose: the walker must not share
 * a constant with the code that builds the tables (entry.h, pgtable.h).
 */
#include "drivers/iommu/intel/walker.h"
#include "lib/hw.h"
#include "lib/ktap.h"
#include "lib/printf.h"
#include "lib/string.h"

#define ULL(x)			((unsigned long long)(x))

/* ---- Registers (11.4.2 CAP_REG, 11.4.3 ECAP_REG, 11.4.6 RTADDR_REG) ---- */

#define W_CAP_SAGAW_SHIFT	8		/* 12:8, bit n: AW value n */
#define W_CAP_SAGAW_MASK	0x1fULL
#define W_CAP_MGAW_SHIFT	16		/* 21:16, MGAW - 1 */
#define W_CAP_MGAW_MASK		0x3fULL
#define W_CAP_SLLPS_SHIFT	34		/* 37:34, bit 0: 2M, bit 1: 1G */
#define W_CAP_SLLPS_2M		BIT_ULL(34)
#define W_CAP_SLLPS_1G		BIT_ULL(35)
#define W_CAP_FS1GP		BIT_ULL(56)	/* first-stage 1-GByte pages */
#define W_CAP_FS5LP		BIT_ULL(60)	/* first-stage 5-level paging */

#define W_ECAP_DT		BIT_ULL(2)	/* device-TLB */
#define W_ECAP_PT		BIT_ULL(6)	/* pass-through */
#define W_ECAP_SC		BIT_ULL(7)	/* snoop control */
#define W_ECAP_MTS		BIT_ULL(25)	/* memory type */
#define W_ECAP_NEST		BIT_ULL(26)	/* nested translation */
#define W_ECAP_SRS		BIT_ULL(31)	/* supervisor requests */
#define W_ECAP_EAFS		BIT_ULL(34)	/* extended accessed flag */
#define W_ECAP_SMTS		BIT_ULL(43)	/* scalable mode */
#define W_ECAP_SSADS		BIT_ULL(45)	/* second-stage A/D */
#define W_ECAP_SSTS		BIT_ULL(46)	/* second-stage translation */
#define W_ECAP_FSTS		BIT_ULL(47)	/* first-stage translation */
#define W_ECAP_RPS		BIT_ULL(49)	/* RID_PASID */
#define W_ECAP_ADMS		BIT_ULL(52)	/* abort DMA mode */
#define W_ECAP_RPRIVS		BIT_ULL(53)	/* RID_PRIV */

#define W_RTADDR_TTM_SHIFT	10		/* 11:10 translation table mode */
#define W_RTADDR_TTM_MASK	0x3ULL
#define W_TTM_LEGACY		0
#define W_TTM_SCALABLE		1
#define W_TTM_ABORT		3
#define W_RTADDR_RTA		GENMASK_ULL(63, 12)

/* Table pointers in entries: bits HAW-1:12; bits 63:HAW are reserved. */
#define W_ADDR			GENMASK_ULL(51, 12)
#define W_PAGE			0x1000ULL

/* ---- 9.1 legacy root entry (128 bits) ---- */
#define W_RE_P			BIT_ULL(0)
#define W_RE_LO_RSVD		GENMASK_ULL(11, 1)	/* + 63:HAW; hi all reserved */

/* ---- 9.2 scalable-mode root entry: lo devfn 0-127, hi devfn 128-255 ---- */
#define W_SRE_P			BIT_ULL(0)		/* LP in lo, UP in hi */
#define W_SRE_RSVD		GENMASK_ULL(11, 1)	/* 11:1 and 75:65 */

/* ---- 9.3 legacy context entry (128 bits) ---- */
#define W_CE_P			BIT_ULL(0)
#define W_CE_FPD		BIT_ULL(1)
#define W_CE_TT_SHIFT		2			/* 3:2 */
#define W_CE_TT_MASK		0x3ULL
#define W_TT_UNTRANSLATED	0	/* second level, device-TLB off */
#define W_TT_ALL		1	/* second level, device-TLB on */
#define W_TT_PASS_THROUGH	2
#define W_CE_LO_RSVD		GENMASK_ULL(11, 4)	/* + 63:HAW */
#define W_CE_HI_AW_MASK		0x7ULL			/* 66:64 */
#define W_CE_HI_DID_SHIFT	8			/* 87:72 */
#define W_CE_HI_DID_MASK	0xffffULL
#define W_CE_HI_RSVD		(BIT_ULL(7) | GENMASK_ULL(63, 24))

/* ---- 9.4 scalable-mode context entry (256 bits) ---- */
#define W_SCE_P			BIT_ULL(0)
#define W_SCE_FPD		BIT_ULL(1)
#define W_SCE_DTE		BIT_ULL(2)
#define W_SCE_PASIDE		BIT_ULL(3)
#define W_SCE_PRE		BIT_ULL(4)
#define W_SCE_RSVD0		GENMASK_ULL(8, 5)	/* + 63:HAW */
#define W_SCE_PDTS_SHIFT	9			/* 11:9: 2^(PDTS+7) dir entries */
#define W_SCE_PDTS_MASK		0x7ULL
#define W_SCE1_RID_PASID	GENMASK_ULL(19, 0)	/* 83:64, with ECAP.RPS */
#define W_SCE1_RID_PRIV		BIT_ULL(20)		/* 84, with ECAP.RPRIVS */
#define W_SCE1_RSVD		GENMASK_ULL(63, 21)	/* 127:85; 255:128 reserved */

/* ---- 9.5 scalable-mode PASID directory entry (64 bits) ---- */
#define W_PDE_P			BIT_ULL(0)
#define W_PDE_FPD		BIT_ULL(1)
#define W_PDE_RSVD		GENMASK_ULL(11, 2)	/* + 63:HAW */
#define W_PASID_DIR_SHIFT	6			/* PASID 19:6 indexes the dir */
#define W_PASID_TBL_MASK	0x3fULL			/* PASID 5:0 indexes the table */
#define W_PASID_BITS		20

/* ---- 9.6 scalable-mode PASID table entry (512 bits) ---- */
#define W_PE0_P			BIT_ULL(0)
#define W_PE0_FPD		BIT_ULL(1)
#define W_PE0_AW_SHIFT		2			/* 4:2 */
#define W_PE0_AW_MASK		0x7ULL
#define W_PE0_SSEE		BIT_ULL(5)		/* second-stage execute enable */
#define W_PE0_PGTT_SHIFT	6			/* 8:6 */
#define W_PE0_PGTT_MASK		0x7ULL
#define W_PE0_SSADE		BIT_ULL(9)
#define W_PE0_RSVD		GENMASK_ULL(11, 10)	/* + 63:HAW when SSPTPTR used */
#define W_PE1_DID_MASK		0xffffULL		/* 79:64 */
#define W_PE1_RSVD		GENMASK_ULL(22, 16)	/* 86:80 */
#define W_PE1_PWSNP		BIT_ULL(23)
#define W_PE1_PGSNP		BIT_ULL(24)
#define W_PE1_MT		GENMASK_ULL(63, 25)	/* CD EMTE EMT PWT PCD PAT: ECAP.MTS */
#define W_PE2_SRE		BIT_ULL(0)		/* 128, with ECAP.SRS */
#define W_PE2_FSPM_SHIFT	2			/* 131:130 */
#define W_PE2_FSPM_MASK		0x3ULL
#define W_PE2_WPE		BIT_ULL(4)		/* 132, with ECAP.SRS */
#define W_PE2_EAFE		BIT_ULL(7)		/* 135, with ECAP.EAFS */
#define W_PE2_RSVD		(BIT_ULL(1) | GENMASK_ULL(6, 5) | GENMASK_ULL(11, 8))
#define W_PGTT_FS		1
#define W_PGTT_SS		2
#define W_PGTT_NESTED		3
#define W_PGTT_PT		4
#define W_FSPM_4LEVEL		0
#define W_FSPM_5LEVEL		1

/* ---- 9.8 second-stage paging entry (also legacy second level) ---- */
#define W_SS_R			BIT_ULL(0)
#define W_SS_W			BIT_ULL(1)
#define W_SS_X			BIT_ULL(2)
#define W_SS_PS			BIT_ULL(7)
#define W_SS_A			BIT_ULL(8)
#define W_SS_D			BIT_ULL(9)
#define W_SS_SNP		BIT_ULL(11)

/* ---- 9.7 first-stage paging entry (IA-32e format) ---- */
#define W_FS_P			BIT_ULL(0)
#define W_FS_RW			BIT_ULL(1)
#define W_FS_US			BIT_ULL(2)
#define W_FS_A			BIT_ULL(5)
#define W_FS_D			BIT_ULL(6)
#define W_FS_PS			BIT_ULL(7)
#define W_FS_EA			BIT_ULL(10)		/* extended accessed, with EAFE */
#define W_FS_XD			BIT_ULL(63)

#define W_LEVEL_STRIDE		9
#define W_LEVEL_ENTRIES		512

/* 3.14: the interrupt address range, never a DMA target. */
#define W_INTR_FIRST		0xfee00000ULL
#define W_INTR_LAST		0xfeefffffULL

/* ---- 7.1.3 fault reasons: legacy mode ---- */
#define FR_ROOT_NP		0x01	/* root entry P clear */
#define FR_CTX_NP		0x02	/* context entry P clear */
#define FR_CTX_INV		0x03	/* AW/TT unsupported, SLPTPTR unreadable */
#define FR_BEYOND_AGAW		0x04	/* input above 2^min(MGAW, AGAW) - 1 */
#define FR_WRITE		0x05	/* W clear on the walk of a write */
#define FR_READ			0x06	/* R clear on the walk of a read */
#define FR_SL_TABLE		0x07	/* lower second-level table unreadable */
#define FR_ROOT_TABLE		0x08	/* root table unreadable */
#define FR_CTX_TABLE		0x09	/* context table unreadable */
#define FR_ROOT_RSVD		0x0a
#define FR_CTX_RSVD		0x0b
#define FR_SL_RSVD		0x0c
#define FR_TT_BLOCKED		0x0d	/* translation request, TT blocks it */
#define FR_INTR_ADDR		0x0e	/* LGN.4: output in interrupt range */
/* ---- 7.1.3 fault reasons: scalable mode ---- */
#define FR_RTA_TTM		0x30	/* RTA.1: TTM reserved/unsupported */
#define FR_RTA_PASID		0x31	/* RTA.2: TTM legacy, request with PASID */
#define FR_RTA_PRQ		0x32	/* RTA.3: TTM legacy, page request */
#define FR_SRT_ACCESS		0x38
#define FR_SRT_NP		0x39
#define FR_SRT_RSVD		0x3a
#define FR_SCT_ACCESS		0x40
#define FR_SCT_NP		0x41
#define FR_SCT_RSVD		0x42
#define FR_SCT_INV		0x43
#define FR_SCT_DTE		0x44
#define FR_SCT_PASIDE		0x45
#define FR_SCT_PDTS		0x46
#define FR_SCT_PRE		0x47
#define FR_SCT_RID_PASID	0x48
#define FR_SPD_ACCESS		0x50
#define FR_SPD_NP		0x51
#define FR_SPD_RSVD		0x52
#define FR_SPT_ACCESS		0x58
#define FR_SPT_NP		0x59
#define FR_SPT_RSVD		0x5a
#define FR_SPT_INV		0x5b
#define FR_SPT_ERE		0x5c
#define FR_SPT_SRE		0x5d
#define FR_SFS_ACCESS		0x70	/* SFS.1 lower first-stage table unreadable */
#define FR_SFS_NP		0x71	/* SFS.2 */
#define FR_SFS_RSVD		0x72	/* SFS.3 */
#define FR_SFS_PTPTR		0x73	/* SFS.4 FSPTPTR table unreadable */
#define FR_SFS_NEST_BEYOND	0x74	/* SFS.5 first-stage GPA above SS width */
#define FR_SFS_NEST_PTPTR_R	0x75	/* SFS.6 SS denies read of FSPTPTR table */
#define FR_SFS_NEST_READ	0x76	/* SFS.7 SS denies read of a lower FS table */
#define FR_SFS_NEST_AD		0x77	/* SFS.8 SS denies the write of an A/D update */
#define FR_SSS_ACCESS		0x78	/* SSS.1 lower second-stage table unreadable */
#define FR_SSS_NP		0x79	/* SSS.2 R = W (= X) = 0 */
#define FR_SSS_RSVD		0x7a	/* SSS.3 */
#define FR_SSS_PTPTR		0x7b	/* SSS.4 SSPTPTR table unreadable */
#define FR_SSS_AD_NOSNOOP	0x7c
#define FR_SSS_AD_FAIL		0x7d
#define FR_SGN_CANON		0x80	/* SGN.1 */
#define FR_SGN_US		0x81	/* SGN.2 user request, supervisor page */
#define FR_SGN_EXEC		0x82	/* SGN.3 */
#define FR_SGN_BEYOND_HAW	0x83	/* SGN.4 pass-through input above HAW */
#define FR_SGN_BEYOND_AGAW	0x84	/* SGN.5 second-stage input above width */
#define FR_SGN_WRITE		0x85	/* SGN.6 */
#define FR_SGN_READ		0x86	/* SGN.7 */
#define FR_SGN_INTR		0x87	/* SGN.8 output in interrupt range */
#define FR_SFS_AD_NOSNOOP	0x90	/* SFS.9 */
#define FR_SFS_AD_FAIL		0x91	/* SFS.10 */

static const struct {
	u8 code;
	const char *name;
} reason_names[] = {
	{ 0x00, "reserved (no fault; abort-DMA mode blocks without a record)" },
	{ FR_ROOT_NP, "root entry not present" },
	{ FR_CTX_NP, "context entry not present" },
	{ FR_CTX_INV, "invalid context entry (AW, TT or SLPTPTR)" },
	{ FR_BEYOND_AGAW, "input address beyond min(MGAW, AGAW)" },
	{ FR_WRITE, "write: W clear in second-level entry" },
	{ FR_READ, "read: R clear in second-level entry" },
	{ FR_SL_TABLE, "second-level table access error" },
	{ FR_ROOT_TABLE, "root table access error" },
	{ FR_CTX_TABLE, "context table access error" },
	{ FR_ROOT_RSVD, "reserved field set in root entry" },
	{ FR_CTX_RSVD, "reserved field set in context entry" },
	{ FR_SL_RSVD, "reserved field set in second-level entry" },
	{ FR_TT_BLOCKED, "translation request blocked by context TT" },
	{ FR_INTR_ADDR, "LGN.4 output address in interrupt range" },
	{ 0x20, "IR: reserved field in interrupt request" },
	{ 0x21, "IR: interrupt index beyond table size" },
	{ 0x22, "IR: IRTE not present" },
	{ 0x23, "IR: interrupt remapping table access error" },
	{ 0x24, "IR: reserved field set in IRTE" },
	{ 0x25, "IR: compatibility format interrupt blocked" },
	{ 0x26, "IR: source-id verification failure" },
	{ FR_RTA_TTM, "RTA.1 RTADDR TTM reserved or unsupported" },
	{ FR_RTA_PASID, "RTA.2 legacy mode, request with PASID" },
	{ FR_RTA_PRQ, "RTA.3 legacy mode, page request" },
	{ FR_SRT_ACCESS, "SRT.1 root table access error" },
	{ FR_SRT_NP, "SRT.2 root entry half not present" },
	{ FR_SRT_RSVD, "SRT.3 reserved field set in root entry" },
	{ FR_SCT_ACCESS, "SCT.1 context table access error" },
	{ FR_SCT_NP, "SCT.2 context entry not present" },
	{ FR_SCT_RSVD, "SCT.3 reserved field set in context entry" },
	{ FR_SCT_INV, "SCT.4 invalid context entry" },
	{ FR_SCT_DTE, "SCT.5 DTE clear for translation request" },
	{ FR_SCT_PASIDE, "SCT.6 PASIDE clear for request with PASID" },
	{ FR_SCT_PDTS, "SCT.7 PASID beyond PDTS" },
	{ FR_SCT_PRE, "SCT.8 PRE clear for page request" },
	{ FR_SCT_RID_PASID, "SCT.9 RID_PASID error" },
	{ FR_SPD_ACCESS, "SPD.1 PASID directory access error" },
	{ FR_SPD_NP, "SPD.2 PASID directory entry not present" },
	{ FR_SPD_RSVD, "SPD.3 reserved field set in PASID directory entry" },
	{ FR_SPT_ACCESS, "SPT.1 PASID table access error" },
	{ FR_SPT_NP, "SPT.2 PASID entry not present" },
	{ FR_SPT_RSVD, "SPT.3 reserved field set in PASID entry" },
	{ FR_SPT_INV, "SPT.4 invalid PASID entry (PGTT, AW, FSPM)" },
	{ FR_SPT_ERE, "SPT.5 ERE clear for execute request" },
	{ FR_SPT_SRE, "SPT.6 SRE clear for privileged request" },
	{ FR_SFS_ACCESS, "SFS.1 first-stage table access error" },
	{ FR_SFS_NP, "SFS.2 first-stage entry not present" },
	{ FR_SFS_RSVD, "SFS.3 reserved field set in first-stage entry" },
	{ FR_SFS_PTPTR, "SFS.4 FSPTPTR table access error" },
	{ FR_SFS_NEST_BEYOND, "SFS.5 nested: first-stage GPA beyond second-stage width" },
	{ FR_SFS_NEST_PTPTR_R, "SFS.6 nested: no read of FSPTPTR table in second stage" },
	{ FR_SFS_NEST_READ, "SFS.7 nested: no read of first-stage table in second stage" },
	{ FR_SFS_NEST_AD, "SFS.8 nested: no write for first-stage A/D update in second stage" },
	{ FR_SSS_ACCESS, "SSS.1 second-stage table access error" },
	{ FR_SSS_NP, "SSS.2 second-stage entry not present (R=W=0)" },
	{ FR_SSS_RSVD, "SSS.3 reserved field set in second-stage entry" },
	{ FR_SSS_PTPTR, "SSS.4 SSPTPTR table access error" },
	{ FR_SSS_AD_NOSNOOP, "SSS.5 second-stage A/D update without snoop" },
	{ FR_SSS_AD_FAIL, "SSS.6 second-stage A/D update failed" },
	{ FR_SGN_CANON, "SGN.1 non-canonical first-stage input" },
	{ FR_SGN_US, "SGN.2 user request, U/S clear" },
	{ FR_SGN_EXEC, "SGN.3 no execute permission" },
	{ FR_SGN_BEYOND_HAW, "SGN.4 input address beyond HAW" },
	{ FR_SGN_BEYOND_AGAW, "SGN.5 second-stage input beyond min(MGAW, AGAW)" },
	{ FR_SGN_WRITE, "SGN.6 no write permission" },
	{ FR_SGN_READ, "SGN.7 no read permission" },
	{ FR_SGN_INTR, "SGN.8 output address in interrupt range" },
	{ FR_SFS_AD_NOSNOOP, "SFS.9 first-stage A/D update without snoop" },
	{ FR_SFS_AD_FAIL, "SFS.10 first-stage A/D update failed" },
};

const char *vtd_fault_reason_name(u8 reason)
{
	for (size_t i = 0; i < ARRAY_SIZE(reason_names); i++)
		if (reason_names[i].code == reason)
			return reason_names[i].name;
	return "reserved/unknown";
}

const char *vtd_walk_mode_name(enum walk_mode mode)
{
	switch (mode) {
	case WALK_LEGACY:
		return "legacy";
	case WALK_LEGACY_PT:
		return "legacy-pt";
	case WALK_FIRST_STAGE:
		return "first-stage";
	case WALK_SECOND_STAGE:
		return "second-stage";
	case WALK_NESTED:
		return "nested";
	case WALK_PASS_THROUGH:
		return "pass-through";
	}
	return "?";
}

/* ---- walk state ---- */

struct walker {
	const struct walk_unit *u;
	const struct walk_request *req;
	struct walk_result *res;
	unsigned int haw;	/* host address width */
	unsigned int mgaw;
	bool priv;		/* effective privilege */
	bool exec;		/* effective execute request */
	u64 pe[8];		/* the PASID entry in use */
	struct walk_step spill;	/* written when the trace is full */
};

static u64 above(unsigned int width)
{
	return width >= 64 ? 0 : ~0ULL << width;
}

static u64 rsvd_haw(const struct walker *w)
{
	return above(w->haw);
}

static u64 level_size(unsigned int level)
{
	return 1ULL << (12 + W_LEVEL_STRIDE * (level - 1));
}

static u32 level_index(u64 addr, unsigned int level)
{
	return (addr >> (12 + W_LEVEL_STRIDE * (level - 1))) &
	       (W_LEVEL_ENTRIES - 1);
}

static void copy_str(char *dst, size_t len, const char *src)
{
	ksnprintf(dst, len, "%s", src);
}

static struct walk_step *step_add(struct walker *w, const char *what,
				  u64 table, u32 index)
{
	struct walk_result *res = w->res;
	struct walk_step *st;

	if (res->nr_steps < WALK_MAX_STEPS) {
		st = &res->steps[res->nr_steps++];
	} else {
		res->truncated = true;
		st = &w->spill;
	}
	memset(st, 0, sizeof(*st));
	copy_str(st->what, sizeof(st->what), what);
	st->table = table;
	st->index = index;
	return st;
}

static void step_decode(struct walk_step *st, const char *fmt, ...)
	__printf(2, 3);

static void step_decode(struct walk_step *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(st->decoded, sizeof(st->decoded), fmt, ap);
	va_end(ap);
}

/*
 * Reads @nr words of an entry at physical @pa into @st; false when any of
 * them is not readable memory (the hardware's access error).
 */
static bool read_entry(struct walk_step *st, u64 pa, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++) {
		const volatile u64 *p = hw_phys_to_virt(pa + 8ULL * i);

		if (!p) {
			st->nr_words = 0;
			step_decode(st, "unreadable: 0x%llx is not memory",
				    ULL(pa + 8ULL * i));
			return false;
		}
		st->entry[i] = *p;
	}
	st->nr_words = nr;
	return true;
}

static void fault(struct walker *w, u8 reason, unsigned int level,
		  const char *fmt, ...) __printf(4, 5);

static void fault(struct walker *w, u8 reason, unsigned int level,
		  const char *fmt, ...)
{
	va_list ap;

	w->res->fault = true;
	w->res->reason = reason;
	w->res->level = level;
	va_start(ap, fmt);
	kvsnprintf(w->res->detail, sizeof(w->res->detail), fmt, ap);
	va_end(ap);
}

static void translated(struct walker *w, u64 phys, u64 size)
{
	w->res->phys = phys;
	w->res->page_size = size;
}

/* 3.14: an output address in 0xFEEx_xxxx is blocked. */
static bool in_intr_range(u64 addr)
{
	return addr >= W_INTR_FIRST && addr <= W_INTR_LAST;
}

/* ---- second-stage walk (3.7, 9.8), shared by every mode that uses it ---- */

enum ss_err {
	SS_OK,
	SS_BEYOND,	/* input above the stage's width */
	SS_PTPTR,	/* the table SLPTPTR/SSPTPTR points to is unreadable */
	SS_TABLE,	/* a lower table is unreadable */
	SS_NOT_PRESENT,	/* R = W = 0 (X too with SSEE), cumulative */
	SS_RSVD,
};

struct ss_cfg {
	u64 root;		/* SLPTPTR / SSPTPTR */
	unsigned int levels;	/* 3, 4 or 5 */
	unsigned int width;	/* min(MGAW, AGAW) */
	bool ssee;		/* X is a permission (PASID entry SSEE) */
	const char *prefix;	/* step name prefix, e.g. "fs-L4>" */
};

struct ss_out {
	enum ss_err err;
	unsigned int level;	/* level reached (leaf on success) */
	u64 out;
	u64 size;
	bool r, w, x;		/* cumulative permissions */
	char why[80];		/* reserved bits found */
};

/* Reserved bits of a present second-stage entry at @level (9.8). */
static u64 ss_rsvd(const struct walker *w, u64 e, unsigned int level,
		   const char **field)
{
	u64 cap = w->u->cap, ecap = w->u->ecap;
	bool ps = e & W_SS_PS;
	bool leaf;

	*field = "address bits above HAW";
	if (e & rsvd_haw(w) & GENMASK_ULL(51, 0))
		return e & rsvd_haw(w) & GENMASK_ULL(51, 0);
	*field = "PS (no superpage at this level)";
	if (ps && (level > 3 || (level == 3 && !(cap & W_CAP_SLLPS_1G)) ||
		   (level == 2 && !(cap & W_CAP_SLLPS_2M))))
		return W_SS_PS;
	leaf = level == 1 || ps;
	if (!leaf) {
		*field = "SNP in a non-leaf entry";
		return e & W_SS_SNP;
	}
	*field = "SNP (ECAP.SC=0)";
	if ((e & W_SS_SNP) && !(ecap & W_ECAP_SC))
		return W_SS_SNP;
	*field = "superpage address bits below the page size";
	if (level > 1)
		return e & (level_size(level) - 1) & ~GENMASK_ULL(11, 0);
	return 0;
}

static void ss_decode(struct walk_step *st, u64 e)
{
	step_decode(st, "R=%u W=%u X=%u PS=%u A=%u D=%u SNP=%u addr=0x%llx",
		    !!(e & W_SS_R), !!(e & W_SS_W), !!(e & W_SS_X),
		    !!(e & W_SS_PS), !!(e & W_SS_A), !!(e & W_SS_D),
		    !!(e & W_SS_SNP), ULL(e & W_ADDR));
}

static void ss_walk(struct walker *w, const struct ss_cfg *c, u64 in,
		    struct ss_out *o)
{
	u64 table = c->root, e = 0, rsvd;
	unsigned int level;
	const char *field;
	char name[24];

	memset(o, 0, sizeof(*o));
	o->r = o->w = o->x = true;
	o->level = c->levels;
	if (in & above(c->width)) {
		o->err = SS_BEYOND;
		return;
	}
	for (level = c->levels; level >= 1; level--) {
		u32 idx = level_index(in, level);
		struct walk_step *st;
		bool present;

		o->level = level;
		ksnprintf(name, sizeof(name), "%sss-L%u", c->prefix, level);
		st = step_add(w, name, table, idx);
		if (!read_entry(st, table + 8ULL * idx, 1)) {
			o->err = level == c->levels ? SS_PTPTR : SS_TABLE;
			return;
		}
		e = st->entry[0];
		ss_decode(st, e);
		o->r = o->r && (e & W_SS_R);
		o->w = o->w && (e & W_SS_W);
		o->x = o->x && (e & W_SS_X);
		present = o->r || o->w || (c->ssee && o->x);
		if (!(e & (W_SS_R | W_SS_W | (c->ssee ? W_SS_X : 0))) ||
		    !present) {
			o->err = SS_NOT_PRESENT;
			return;
		}
		rsvd = ss_rsvd(w, e, level, &field);
		if (rsvd) {
			o->err = SS_RSVD;
			ksnprintf(o->why, sizeof(o->why), "%s: bits 0x%llx",
				  field, ULL(rsvd));
			return;
		}
		if (level == 1 || (e & W_SS_PS))
			break;
		table = e & W_ADDR;
	}
	o->size = level_size(o->level);
	o->out = (e & W_ADDR & ~(o->size - 1)) | (in & (o->size - 1));
}

/* Second-stage configuration from AW (9.3 context, 9.6 PASID entry). */
static bool aw_supported(const struct walker *w, unsigned int aw)
{
	u64 sagaw = (w->u->cap >> W_CAP_SAGAW_SHIFT) & W_CAP_SAGAW_MASK;

	/* 1: 39-bit 3-level, 2: 48-bit 4-level, 3: 57-bit 5-level */
	return aw >= 1 && aw <= 3 && (sagaw & (1ULL << aw));
}

static void ss_setup(const struct walker *w, struct ss_cfg *c, u64 root,
		     unsigned int aw)
{
	unsigned int agaw = 30 + W_LEVEL_STRIDE * aw;

	c->root = root;
	c->levels = aw + 2;
	c->width = MIN(agaw, w->mgaw);
	c->ssee = false;
	c->prefix = "";
}

/* ---- legacy mode (3.4, 9.1, 9.3) ---- */

static void legacy_translate(struct walker *w, u64 slptptr, unsigned int aw)
{
	const struct walk_request *req = w->req;
	struct ss_cfg c;
	struct ss_out o;

	ss_setup(w, &c, slptptr, aw);
	ss_walk(w, &c, req->addr, &o);
	switch (o.err) {
	case SS_OK:
		break;
	case SS_BEYOND:
		fault(w, FR_BEYOND_AGAW, o.level,
		      "address 0x%llx beyond %u bits (MGAW %u, AW %u)",
		      ULL(req->addr), c.width, w->mgaw, aw);
		return;
	case SS_PTPTR:
		fault(w, FR_CTX_INV, o.level, "SLPTPTR table unreadable");
		return;
	case SS_TABLE:
		fault(w, FR_SL_TABLE, o.level, "second-level table unreadable");
		return;
	case SS_NOT_PRESENT:
		fault(w, req->write ? FR_WRITE : FR_READ, o.level,
		      "R=W=0 at level %u", o.level);
		return;
	case SS_RSVD:
		fault(w, FR_SL_RSVD, o.level, "%s", o.why);
		return;
	}
	if (req->write && !o.w) {
		fault(w, FR_WRITE, o.level, "W clear on the walk of a write");
		return;
	}
	if (!req->write && !o.r) {
		fault(w, FR_READ, o.level, "R clear on the walk of a read");
		return;
	}
	if (in_intr_range(o.out)) {
		fault(w, FR_INTR_ADDR, o.level,
		      "output 0x%llx in interrupt range", ULL(o.out));
		return;
	}
	translated(w, o.out, o.size);
}

static void legacy_context(struct walker *w, u64 ctp)
{
	const struct walk_request *req = w->req;
	u64 ecap = w->u->ecap;
	unsigned int devfn = req->sid & 0xff, aw, tt;
	struct walk_step *st;
	u64 lo, hi, rsvd;

	st = step_add(w, "context", ctp, devfn);
	if (!read_entry(st, ctp + 16ULL * devfn, 2)) {
		fault(w, FR_CTX_TABLE, 0, "context table 0x%llx unreadable",
		      ULL(ctp));
		return;
	}
	lo = st->entry[0];
	hi = st->entry[1];
	tt = (lo >> W_CE_TT_SHIFT) & W_CE_TT_MASK;
	aw = hi & W_CE_HI_AW_MASK;
	step_decode(st, "P=%u FPD=%u TT=%u AW=%u DID=0x%llx SLPTPTR=0x%llx",
		    !!(lo & W_CE_P), !!(lo & W_CE_FPD), tt, aw,
		    ULL((hi >> W_CE_HI_DID_SHIFT) & W_CE_HI_DID_MASK),
		    ULL(lo & W_ADDR));
	if (!(lo & W_CE_P)) {
		fault(w, FR_CTX_NP, 0, "context entry %02x.%u not present",
		      devfn >> 3, devfn & 7);
		return;
	}
	w->res->fpd = lo & W_CE_FPD;
	rsvd = lo & (W_CE_LO_RSVD | rsvd_haw(w));
	if (rsvd) {
		fault(w, FR_CTX_RSVD, 0, "context lo reserved bits 0x%llx",
		      ULL(rsvd));
		return;
	}
	if (hi & W_CE_HI_RSVD) {
		fault(w, FR_CTX_RSVD, 0, "context hi reserved bits 0x%llx",
		      ULL(hi & W_CE_HI_RSVD));
		return;
	}
	w->res->did = (hi >> W_CE_HI_DID_SHIFT) & W_CE_HI_DID_MASK;
	if (tt == 3 || (tt == W_TT_ALL && !(ecap & W_ECAP_DT)) ||
	    (tt == W_TT_PASS_THROUGH && !(ecap & W_ECAP_PT))) {
		fault(w, FR_CTX_INV, 0, "TT=%u not supported", tt);
		return;
	}
	w->res->mode = tt == W_TT_PASS_THROUGH ? WALK_LEGACY_PT : WALK_LEGACY;
	if (!aw_supported(w, aw)) {
		fault(w, FR_CTX_INV, 0, "AW=%u not in SAGAW 0x%llx", aw,
		      ULL((w->u->cap >> W_CAP_SAGAW_SHIFT) & W_CAP_SAGAW_MASK));
		return;
	}
	if (tt != W_TT_PASS_THROUGH) {
		legacy_translate(w, lo & W_ADDR, aw);
		return;
	}
	/* Pass-through: the input is the host address, within 2^X (7.1.3 4h). */
	if (req->addr & above(MIN(w->mgaw, 30 + W_LEVEL_STRIDE * aw))) {
		fault(w, FR_BEYOND_AGAW, 0, "pass-through address 0x%llx beyond %u bits",
		      ULL(req->addr), MIN(w->mgaw, 30 + W_LEVEL_STRIDE * aw));
		return;
	}
	translated(w, req->addr, W_PAGE);
}

static void walk_legacy(struct walker *w, u64 rta)
{
	const struct walk_request *req = w->req;
	unsigned int bus = req->sid >> 8;
	struct walk_step *st;
	u64 lo, hi, rsvd;

	w->res->mode = WALK_LEGACY;
	if (req->pasid_present) {
		fault(w, FR_RTA_PASID, 0, "request with PASID %u in legacy mode",
		      req->pasid);
		return;
	}
	st = step_add(w, "root", rta, bus);
	if ((rta & rsvd_haw(w)) || !read_entry(st, rta + 16ULL * bus, 2)) {
		if (rta & rsvd_haw(w))
			step_decode(st, "root table above HAW %u", w->haw);
		fault(w, FR_ROOT_TABLE, 0, "root table 0x%llx unreadable",
		      ULL(rta));
		return;
	}
	lo = st->entry[0];
	hi = st->entry[1];
	step_decode(st, "P=%u CTP=0x%llx", !!(lo & W_RE_P), ULL(lo & W_ADDR));
	if (!(lo & W_RE_P)) {
		fault(w, FR_ROOT_NP, 0, "root entry for bus 0x%02x not present",
		      bus);
		return;
	}
	rsvd = lo & (W_RE_LO_RSVD | rsvd_haw(w));
	if (rsvd || hi) {
		fault(w, FR_ROOT_RSVD, 0, "root reserved bits lo 0x%llx hi 0x%llx",
		      ULL(rsvd), ULL(hi));
		return;
	}
	legacy_context(w, lo & W_ADDR);
}

/* ---- scalable mode: first stage, second stage, nested (3.6-3.8) ---- */

static void pasid_ss_cfg(const struct walker *w, struct ss_cfg *c)
{
	unsigned int aw = (w->pe[0] >> W_PE0_AW_SHIFT) & W_PE0_AW_MASK;

	ss_setup(w, c, w->pe[0] & W_ADDR, aw);
	c->ssee = w->pe[0] & W_PE0_SSEE;
}

/*
 * Fault of a scalable second-stage walk error (SSS.1-SSS.4) or of an input
 * beyond its width (@beyond: SGN.5 for the request, SFS.5 for a first-stage
 * GPA in nested translation). Returns true when it faulted.
 */
static bool ss_walk_fault(struct walker *w, const struct ss_out *o,
			  const struct ss_cfg *c, u64 in, u8 beyond,
			  const char *what)
{
	switch (o->err) {
	case SS_OK:
		return false;
	case SS_BEYOND:
		fault(w, beyond, o->level, "%s 0x%llx beyond %u bits (MGAW %u)",
		      what, ULL(in), c->width, w->mgaw);
		break;
	case SS_PTPTR:
		fault(w, FR_SSS_PTPTR, o->level,
		      "%s: SSPTPTR table 0x%llx unreadable", what, ULL(c->root));
		break;
	case SS_TABLE:
		fault(w, FR_SSS_ACCESS, o->level,
		      "%s: second-stage L%u table unreadable", what, o->level);
		break;
	case SS_NOT_PRESENT:
		fault(w, FR_SSS_NP, o->level,
		      "%s 0x%llx: second-stage R=W=0 at L%u", what, ULL(in),
		      o->level);
		break;
	case SS_RSVD:
		fault(w, FR_SSS_RSVD, o->level, "%s: %s", what, o->why);
		break;
	}
	return true;
}

/* Final permissions of a second-stage translation (SGN.3, SGN.6, SGN.7). */
static bool ss_perm_fault(struct walker *w, const struct ss_out *o,
			  const struct ss_cfg *c, const char *what)
{
	const struct walk_request *req = w->req;

	if (req->write && !o->w) {
		fault(w, FR_SGN_WRITE, o->level, "%s: second stage W=0", what);
		return true;
	}
	if (!req->write && !o->r && !(w->exec && c->ssee)) {
		fault(w, FR_SGN_READ, o->level, "%s: second stage R=0", what);
		return true;
	}
	if (w->exec && c->ssee && !o->x) {
		fault(w, FR_SGN_EXEC, o->level, "%s: second stage X=0", what);
		return true;
	}
	return false;
}

static void walk_second_stage(struct walker *w)
{
	const struct walk_request *req = w->req;
	struct ss_cfg c;
	struct ss_out o;

	w->res->mode = WALK_SECOND_STAGE;
	pasid_ss_cfg(w, &c);
	ss_walk(w, &c, req->addr, &o);
	if (ss_walk_fault(w, &o, &c, req->addr, FR_SGN_BEYOND_AGAW, "input"))
		return;
	if (ss_perm_fault(w, &o, &c, "input"))
		return;
	if (in_intr_range(o.out)) {
		fault(w, FR_SGN_INTR, o.level,
		      "output 0x%llx in interrupt range", ULL(o.out));
		return;
	}
	translated(w, o.out, o.size);
}

/* Reserved bits of a present first-stage entry at @level (9.7). */
static u64 fs_rsvd(const struct walker *w, u64 e, unsigned int level,
		   const char **field)
{
	bool ps = e & W_FS_PS;

	*field = "address bits above HAW";
	if (e & rsvd_haw(w) & GENMASK_ULL(51, 0))
		return e & rsvd_haw(w) & GENMASK_ULL(51, 0);
	*field = "PS (no page at this level)";
	if (ps && (level > 3 || (level == 3 && !(w->u->cap & W_CAP_FS1GP))))
		return W_FS_PS;
	*field = "large-page address bits 20/29:13";
	if (ps && level > 1)
		return e & (level_size(level) - 1) & GENMASK_ULL(51, 13);
	return 0;
}

static void fs_decode(struct walk_step *st, u64 e, u64 gpa, bool nested)
{
	int n;

	n = ksnprintf(st->decoded, sizeof(st->decoded),
		      "P=%u RW=%u US=%u A=%u D=%u PS=%u EA=%u XD=%u addr=0x%llx",
		      !!(e & W_FS_P), !!(e & W_FS_RW), !!(e & W_FS_US),
		      !!(e & W_FS_A), !!(e & W_FS_D), !!(e & W_FS_PS),
		      !!(e & W_FS_EA), !!(e & W_FS_XD), ULL(e & W_ADDR));
	if (nested && n > 0 && (size_t)n < sizeof(st->decoded))
		ksnprintf(st->decoded + n, sizeof(st->decoded) - n,
			  " (entry gpa 0x%llx)", ULL(gpa));
}

struct fs_state {
	unsigned int levels;
	bool nested;
	struct ss_cfg ss;
	bool rw, us, xd;	/* cumulative */
	bool ss_w;		/* nested: SS lets the last entry read be written */
};

/*
 * Nested: the GPA of a first-stage entry goes through the second stage
 * (3.8). On success *@hpa is where the entry is and *@ss_w whether the
 * second stage lets the hardware write it (A/D updates).
 */
static bool fs_entry_hpa(struct walker *w, struct fs_state *s,
			 unsigned int level, u64 gpa, u64 *hpa, bool *ss_w)
{
	struct ss_out o;
	char prefix[12];

	*hpa = gpa;
	*ss_w = true;
	if (!s->nested)
		return true;
	ksnprintf(prefix, sizeof(prefix), "fs-L%u>", level);
	s->ss.prefix = prefix;
	ss_walk(w, &s->ss, gpa, &o);
	s->ss.prefix = "";
	if (ss_walk_fault(w, &o, &s->ss, gpa, FR_SFS_NEST_BEYOND,
			  "first-stage table gpa")) {
		/* SFS.5 is a first-stage fault: report the first-stage level. */
		if (o.err == SS_BEYOND)
			w->res->level = level;
		return false;
	}
	if (!o.r) {
		fault(w, level == s->levels ? FR_SFS_NEST_PTPTR_R :
		      FR_SFS_NEST_READ, level,
		      "second stage denies read of fs-L%u table gpa 0x%llx",
		      level, ULL(gpa));
		return false;
	}
	*hpa = o.out;
	*ss_w = o.w;
	return true;
}

/* 3.6.1: the first-stage input is canonical for 4- or 5-level paging. */
static bool canonical(u64 addr, unsigned int bits)
{
	u64 upper = addr & above(bits - 1);

	return !upper || upper == above(bits - 1);
}

/* Leaf permissions of a first-stage translation (3.6.2). */
static bool fs_perm_fault(struct walker *w, const struct fs_state *s,
			  unsigned int level)
{
	const struct walk_request *req = w->req;
	bool wpe = w->pe[2] & W_PE2_WPE;

	if (!w->priv && !s->us) {
		fault(w, FR_SGN_US, level, "user request, U/S=0 on the walk");
		return true;
	}
	if (w->exec && s->xd) {
		fault(w, FR_SGN_EXEC, level, "execute request, XD=1 on the walk");
		return true;
	}
	if (req->write && !s->rw && (!w->priv || wpe)) {
		fault(w, FR_SGN_WRITE, level, "write, R/W=0 on the walk%s",
		      w->priv ? " (supervisor, WPE=1)" : "");
		return true;
	}
	return false;
}

/* Nested: the first stage's output GPA goes through the second stage. */
static void nested_output(struct walker *w, struct fs_state *s, u64 gpa,
			  u64 fs_size)
{
	struct ss_out o;

	ss_walk(w, &s->ss, gpa, &o);
	if (ss_walk_fault(w, &o, &s->ss, gpa, FR_SFS_NEST_BEYOND,
			  "output gpa"))
		return;
	if (ss_perm_fault(w, &o, &s->ss, "output gpa"))
		return;
	if (in_intr_range(o.out)) {
		fault(w, FR_SGN_INTR, o.level,
		      "output 0x%llx in interrupt range", ULL(o.out));
		return;
	}
	translated(w, o.out, MIN(fs_size, o.size));
}

static bool fs_level(struct walker *w, struct fs_state *s, unsigned int level,
		     u64 table, u64 *e_out)
{
	const struct walk_request *req = w->req;
	u32 idx = level_index(req->addr, level);
	u64 gpa = table + 8ULL * idx, hpa, e, rsvd, ad;
	struct walk_step *st;
	const char *field;
	char name[24];
	bool ss_w;

	if (!fs_entry_hpa(w, s, level, gpa, &hpa, &ss_w))
		return false;
	ksnprintf(name, sizeof(name), "fs-L%u", level);
	st = step_add(w, name, hpa & ~(W_PAGE - 1), idx);
	if (!read_entry(st, hpa, 1)) {
		fault(w, level == s->levels ? FR_SFS_PTPTR : FR_SFS_ACCESS,
		      level, "fs-L%u table unreadable", level);
		return false;
	}
	e = st->entry[0];
	fs_decode(st, e, gpa, s->nested);
	if (!(e & W_FS_P)) {
		fault(w, FR_SFS_NP, level, "fs-L%u entry %u not present",
		      level, idx);
		return false;
	}
	rsvd = fs_rsvd(w, e, level, &field);
	if (rsvd) {
		fault(w, FR_SFS_RSVD, level, "fs-L%u %s: bits 0x%llx", level,
		      field, ULL(rsvd));
		return false;
	}
	s->rw = s->rw && (e & W_FS_RW);
	s->us = s->us && (e & W_FS_US);
	s->xd = s->xd || (e & W_FS_XD);
	/* Setting A (and EA with EAFE) writes the entry: nested needs SS W. */
	ad = W_FS_A | ((w->pe[2] & W_PE2_EAFE) ? W_FS_EA : 0);
	s->ss_w = ss_w;
	if ((e & ad) != ad && !ss_w) {
		fault(w, FR_SFS_NEST_AD, level,
		      "A/EA update of fs-L%u entry, second stage W=0", level);
		return false;
	}
	*e_out = e;
	return true;
}

static void walk_first_stage(struct walker *w, bool nested)
{
	const struct walk_request *req = w->req;
	unsigned int fspm = (w->pe[2] >> W_PE2_FSPM_SHIFT) & W_PE2_FSPM_MASK;
	struct fs_state s;
	u64 table = w->pe[2] & W_ADDR, e = 0, size, out;
	unsigned int level;

	memset(&s, 0, sizeof(s));
	w->res->mode = nested ? WALK_NESTED : WALK_FIRST_STAGE;
	s.levels = fspm == W_FSPM_5LEVEL ? 5 : 4;
	s.nested = nested;
	s.rw = s.us = true;
	if (nested)
		pasid_ss_cfg(w, &s.ss);
	if (!canonical(req->addr, 12 + W_LEVEL_STRIDE * s.levels)) {
		fault(w, FR_SGN_CANON, s.levels,
		      "address 0x%llx not canonical for %u-level paging",
		      ULL(req->addr), s.levels);
		return;
	}
	for (level = s.levels; level >= 1; level--) {
		if (!fs_level(w, &s, level, table, &e))
			return;
		if (level == 1 || (e & W_FS_PS))
			break;
		table = e & W_ADDR;
	}
	if (fs_perm_fault(w, &s, level))
		return;
	/* D on the leaf of a write is an A/D update too (SFS.8 when nested). */
	if (req->write && !(e & W_FS_D) && !s.ss_w) {
		fault(w, FR_SFS_NEST_AD, level,
		      "D update of fs-L%u entry, second stage W=0", level);
		return;
	}
	size = level_size(level);
	out = (e & W_ADDR & ~(size - 1)) | (req->addr & (size - 1));
	if (nested) {
		nested_output(w, &s, out, size);
		return;
	}
	if (in_intr_range(out)) {
		fault(w, FR_SGN_INTR, level, "output 0x%llx in interrupt range",
		      ULL(out));
		return;
	}
	translated(w, out, size);
}

static void walk_pass_through(struct walker *w)
{
	const struct walk_request *req = w->req;

	w->res->mode = WALK_PASS_THROUGH;
	if (req->addr & above(w->haw)) {
		fault(w, FR_SGN_BEYOND_HAW, 0, "address 0x%llx beyond HAW %u",
		      ULL(req->addr), w->haw);
		return;
	}
	translated(w, req->addr, W_PAGE);
}

/* ---- scalable-mode structures (3.5, 9.2, 9.4-9.6) ---- */

struct rsvd_check {
	unsigned int word;
	u64 bits;
	const char *field;
};

/* The first reserved field set among @checks; NULL when none. */
static const struct rsvd_check *rsvd_find(const u64 *words,
					  const struct rsvd_check *checks,
					  unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++)
		if (words[checks[i].word] & checks[i].bits)
			return &checks[i];
	return NULL;
}

static void pasid_decode(struct walk_step *st)
{
	const u64 *v = st->entry;

	step_decode(st, "P=%u FPD=%u PGTT=%llu AW=%llu SSEE=%u SSADE=%u DID=0x%llx "
		    "SSPT=0x%llx SRE=%u FSPM=%llu WPE=%u EAFE=%u FSPT=0x%llx",
		    !!(v[0] & W_PE0_P), !!(v[0] & W_PE0_FPD),
		    ULL((v[0] >> W_PE0_PGTT_SHIFT) & W_PE0_PGTT_MASK),
		    ULL((v[0] >> W_PE0_AW_SHIFT) & W_PE0_AW_MASK),
		    !!(v[0] & W_PE0_SSEE), !!(v[0] & W_PE0_SSADE),
		    ULL(v[1] & W_PE1_DID_MASK), ULL(v[0] & W_ADDR),
		    !!(v[2] & W_PE2_SRE),
		    ULL((v[2] >> W_PE2_FSPM_SHIFT) & W_PE2_FSPM_MASK),
		    !!(v[2] & W_PE2_WPE), !!(v[2] & W_PE2_EAFE),
		    ULL(v[2] & W_ADDR));
}

static bool pasid_entry_rsvd(struct walker *w, unsigned int pgtt)
{
	u64 ecap = w->u->ecap, haw = rsvd_haw(w);
	bool ss = pgtt == W_PGTT_SS || pgtt == W_PGTT_NESTED;
	const struct rsvd_check checks[] = {
		{ 0, W_PE0_RSVD, "val[0] bits 11:10" },
		{ 0, (ecap & W_ECAP_SSADS) ? 0 : W_PE0_SSADE, "SSADE (ECAP.SSADS=0)" },
		{ 0, ss ? haw : 0, "SSPTPTR above HAW" },
		{ 1, W_PE1_RSVD, "val[1] bits 22:16" },
		{ 1, (ecap & W_ECAP_MTS) ? 0 : W_PE1_MT, "memory type (ECAP.MTS=0)" },
		{ 2, W_PE2_RSVD, "val[2] bits 1, 6:5, 11:8" },
		{ 2, (ecap & W_ECAP_SRS) ? 0 : W_PE2_SRE | W_PE2_WPE,
		  "SRE/WPE (ECAP.SRS=0)" },
		{ 2, (ecap & W_ECAP_EAFS) ? 0 : W_PE2_EAFE, "EAFE (ECAP.EAFS=0)" },
		{ 2, pgtt == W_PGTT_FS ? haw : 0, "FSPTPTR above HAW" },
		{ 3, ~0ULL, "val[3]" }, { 4, ~0ULL, "val[4]" },
		{ 5, ~0ULL, "val[5]" }, { 6, ~0ULL, "val[6]" },
		{ 7, ~0ULL, "val[7]" },
	};
	const struct rsvd_check *r = rsvd_find(w->pe, checks, ARRAY_SIZE(checks));

	if (!r)
		return false;
	fault(w, FR_SPT_RSVD, 0, "PASID entry %s: 0x%llx", r->field,
	      ULL(w->pe[r->word] & r->bits));
	return true;
}

/* SPT.4: PGTT, AW, FSPM the unit does not support (9.6). */
static bool pasid_entry_invalid(struct walker *w, unsigned int pgtt)
{
	u64 ecap = w->u->ecap;
	unsigned int aw = (w->pe[0] >> W_PE0_AW_SHIFT) & W_PE0_AW_MASK;
	unsigned int fspm = (w->pe[2] >> W_PE2_FSPM_SHIFT) & W_PE2_FSPM_MASK;
	bool ok;

	switch (pgtt) {
	case W_PGTT_FS:
		ok = ecap & W_ECAP_FSTS;
		break;
	case W_PGTT_SS:
		ok = ecap & W_ECAP_SSTS;
		break;
	case W_PGTT_NESTED:
		ok = (ecap & W_ECAP_NEST) && (ecap & W_ECAP_FSTS) &&
		     (ecap & W_ECAP_SSTS);
		break;
	case W_PGTT_PT:
		ok = ecap & W_ECAP_PT;
		break;
	default:
		ok = false;
		break;
	}
	if (!ok) {
		fault(w, FR_SPT_INV, 0, "PGTT=%u not supported", pgtt);
		return true;
	}
	if ((pgtt == W_PGTT_SS || pgtt == W_PGTT_NESTED) && !aw_supported(w, aw)) {
		fault(w, FR_SPT_INV, 0, "AW=%u not in SAGAW", aw);
		return true;
	}
	if ((pgtt == W_PGTT_FS || pgtt == W_PGTT_NESTED) &&
	    (fspm > W_FSPM_5LEVEL ||
	     (fspm == W_FSPM_5LEVEL && !(w->u->cap & W_CAP_FS5LP)))) {
		fault(w, FR_SPT_INV, 0, "FSPM=%u not supported", fspm);
		return true;
	}
	return false;
}

static void pasid_entry(struct walker *w, u64 table, u32 pasid)
{
	u32 idx = pasid & W_PASID_TBL_MASK;
	struct walk_step *st;
	unsigned int pgtt;

	st = step_add(w, "pasid", table, idx);
	if (!read_entry(st, table + 64ULL * idx, 8)) {
		fault(w, FR_SPT_ACCESS, 0, "PASID table 0x%llx unreadable",
		      ULL(table));
		return;
	}
	memcpy(w->pe, st->entry, sizeof(w->pe));
	pasid_decode(st);
	if (!(w->pe[0] & W_PE0_P)) {
		fault(w, FR_SPT_NP, 0, "PASID entry %u not present", pasid);
		return;
	}
	w->res->fpd |= !!(w->pe[0] & W_PE0_FPD);
	pgtt = (w->pe[0] >> W_PE0_PGTT_SHIFT) & W_PE0_PGTT_MASK;
	if (pasid_entry_rsvd(w, pgtt) || pasid_entry_invalid(w, pgtt))
		return;
	w->res->did = w->pe[1] & W_PE1_DID_MASK;
	if (w->priv && !(w->pe[2] & W_PE2_SRE)) {
		fault(w, FR_SPT_SRE, 0, "privileged request, SRE=0");
		return;
	}
	switch (pgtt) {
	case W_PGTT_FS:
		walk_first_stage(w, false);
		break;
	case W_PGTT_SS:
		walk_second_stage(w);
		break;
	case W_PGTT_NESTED:
		walk_first_stage(w, true);
		break;
	default:
		walk_pass_through(w);
		break;
	}
}

static void pasid_dir(struct walker *w, u64 dir, u32 pasid)
{
	u32 idx = pasid >> W_PASID_DIR_SHIFT;
	struct walk_step *st;
	u64 e;

	st = step_add(w, "pasid-dir", dir, idx);
	if (!read_entry(st, dir + 8ULL * idx, 1)) {
		fault(w, FR_SPD_ACCESS, 0, "PASID directory 0x%llx unreadable",
		      ULL(dir));
		return;
	}
	e = st->entry[0];
	step_decode(st, "P=%u FPD=%u TABLE=0x%llx", !!(e & W_PDE_P),
		    !!(e & W_PDE_FPD), ULL(e & W_ADDR));
	if (!(e & W_PDE_P)) {
		fault(w, FR_SPD_NP, 0, "PASID directory entry %u not present",
		      idx);
		return;
	}
	w->res->fpd |= !!(e & W_PDE_FPD);
	if (e & (W_PDE_RSVD | rsvd_haw(w))) {
		fault(w, FR_SPD_RSVD, 0, "PASID directory entry reserved bits 0x%llx",
		      ULL(e & (W_PDE_RSVD | rsvd_haw(w))));
		return;
	}
	pasid_entry(w, e & W_ADDR, pasid);
}

static bool sm_context_rsvd(struct walker *w, const u64 *v)
{
	u64 ecap = w->u->ecap;
	const struct rsvd_check checks[] = {
		{ 0, W_SCE_RSVD0, "val[0] bits 8:5" },
		{ 0, rsvd_haw(w), "PASIDDIRPTR above HAW" },
		{ 1, W_SCE1_RSVD, "val[1] bits 63:21" },
		{ 1, (ecap & W_ECAP_RPRIVS) ? 0 : W_SCE1_RID_PRIV,
		  "RID_PRIV (ECAP.RPRIVS=0)" },
		{ 1, (ecap & W_ECAP_RPS) ? 0 : W_SCE1_RID_PASID,
		  "RID_PASID (ECAP.RPS=0)" },
		{ 2, ~0ULL, "val[2]" },
		{ 3, ~0ULL, "val[3]" },
	};
	const struct rsvd_check *r = rsvd_find(v, checks, ARRAY_SIZE(checks));

	if (!r)
		return false;
	fault(w, FR_SCT_RSVD, 0, "context %s: 0x%llx", r->field,
	      ULL(v[r->word] & r->bits));
	return true;
}

static void sm_context(struct walker *w, u64 ctp)
{
	const struct walk_request *req = w->req;
	u64 ecap = w->u->ecap;
	unsigned int devfn = req->sid & 0xff, pdts;
	struct walk_step *st;
	const u64 *v;
	u32 pasid;

	st = step_add(w, "context", ctp, devfn & 0x7f);
	if (!read_entry(st, ctp + 32ULL * (devfn & 0x7f), 4)) {
		fault(w, FR_SCT_ACCESS, 0, "context table 0x%llx unreadable",
		      ULL(ctp));
		return;
	}
	v = st->entry;
	pdts = (v[0] >> W_SCE_PDTS_SHIFT) & W_SCE_PDTS_MASK;
	step_decode(st, "P=%u FPD=%u DTE=%u PASIDE=%u PRE=%u PDTS=%u DIR=0x%llx "
		    "RID_PASID=0x%llx RID_PRIV=%u",
		    !!(v[0] & W_SCE_P), !!(v[0] & W_SCE_FPD),
		    !!(v[0] & W_SCE_DTE), !!(v[0] & W_SCE_PASIDE),
		    !!(v[0] & W_SCE_PRE), pdts, ULL(v[0] & W_ADDR),
		    ULL(v[1] & W_SCE1_RID_PASID), !!(v[1] & W_SCE1_RID_PRIV));
	if (!(v[0] & W_SCE_P)) {
		fault(w, FR_SCT_NP, 0, "context entry %02x.%u not present",
		      devfn >> 3, devfn & 7);
		return;
	}
	w->res->fpd = v[0] & W_SCE_FPD;
	if (sm_context_rsvd(w, v))
		return;
	/* 9.4: the directory has 2^(PDTS + 7) entries of 64 PASIDs. */
	if (req->pasid_present) {
		pasid = req->pasid;
		if (!(v[0] & W_SCE_PASIDE)) {
			fault(w, FR_SCT_PASIDE, 0, "request with PASID, PASIDE=0");
			return;
		}
		if (pasid >> MIN(pdts + 13, W_PASID_BITS)) {
			fault(w, FR_SCT_PDTS, 0, "PASID 0x%x beyond PDTS=%u",
			      pasid, pdts);
			return;
		}
		w->priv = req->priv;
		w->exec = req->exec;
	} else {
		pasid = (ecap & W_ECAP_RPS) ? v[1] & W_SCE1_RID_PASID : 0;
		if (pasid >> (pdts + 13)) {
			fault(w, FR_SCT_RID_PASID, 0,
			      "RID_PASID 0x%x beyond PDTS=%u", pasid, pdts);
			return;
		}
		w->priv = (ecap & W_ECAP_RPRIVS) && (v[1] & W_SCE1_RID_PRIV);
		w->exec = false;
	}
	pasid_dir(w, v[0] & W_ADDR, pasid);
}

static void walk_scalable(struct walker *w, u64 rta)
{
	unsigned int devfn = w->req->sid & 0xff, bus = w->req->sid >> 8;
	bool upper = devfn >= 128;
	struct walk_step *st;
	u64 half;

	w->res->mode = WALK_SECOND_STAGE;
	st = step_add(w, "root", rta, bus);
	if ((rta & rsvd_haw(w)) || !read_entry(st, rta + 16ULL * bus, 2)) {
		if (rta & rsvd_haw(w))
			step_decode(st, "root table above HAW %u", w->haw);
		fault(w, FR_SRT_ACCESS, 0, "root table 0x%llx unreadable",
		      ULL(rta));
		return;
	}
	step_decode(st, "LP=%u LCTP=0x%llx UP=%u UCTP=0x%llx (devfn 0x%02x: %s)",
		    !!(st->entry[0] & W_SRE_P), ULL(st->entry[0] & W_ADDR),
		    !!(st->entry[1] & W_SRE_P), ULL(st->entry[1] & W_ADDR),
		    devfn, upper ? "upper" : "lower");
	half = st->entry[upper ? 1 : 0];
	if (!(half & W_SRE_P)) {
		fault(w, FR_SRT_NP, 0, "root entry bus 0x%02x %s half not present",
		      bus, upper ? "upper" : "lower");
		return;
	}
	if (half & (W_SRE_RSVD | rsvd_haw(w))) {
		fault(w, FR_SRT_RSVD, 0, "root entry %s reserved bits 0x%llx",
		      upper ? "hi" : "lo",
		      ULL(half & (W_SRE_RSVD | rsvd_haw(w))));
		return;
	}
	sm_context(w, half & W_ADDR);
}

void vtd_walk(const struct walk_unit *u, const struct walk_request *req,
	      struct walk_result *res)
{
	u64 ttm = (u->rtaddr >> W_RTADDR_TTM_SHIFT) & W_RTADDR_TTM_MASK;
	u64 rta = u->rtaddr & W_RTADDR_RTA;
	struct walk_request r = *req;
	struct walker w;

	memset(res, 0, sizeof(*res));
	memset(&w, 0, sizeof(w));
	res->req = r;
	w.u = u;
	w.req = &res->req;
	w.res = res;
	w.mgaw = ((u->cap >> W_CAP_MGAW_SHIFT) & W_CAP_MGAW_MASK) + 1;
	w.haw = u->haw ? u->haw : w.mgaw;
	w.haw = MAX(12U, MIN(w.haw, 52U));

	switch (ttm) {
	case W_TTM_LEGACY:
		walk_legacy(&w, rta);
		break;
	case W_TTM_SCALABLE:
		if (u->ecap & W_ECAP_SMTS) {
			walk_scalable(&w, rta);
			break;
		}
		fault(&w, FR_RTA_TTM, 0, "TTM=01b without ECAP.SMTS");
		break;
	case W_TTM_ABORT:
		if (u->ecap & W_ECAP_ADMS) {
			/* Abort-DMA mode blocks every request; no fault record. */
			fault(&w, 0, 0, "abort-DMA mode (TTM=11b)");
			break;
		}
		fault(&w, FR_RTA_TTM, 0, "TTM=11b without ECAP.ADMS");
		break;
	default:
		fault(&w, FR_RTA_TTM, 0, "TTM=%llu reserved", ULL(ttm));
		break;
	}
}

/* ---- trace ---- */

static void print_step(unsigned int i, const struct walk_step *st)
{
	char words[8 * 20 + 1];
	size_t n = 0;

	words[0] = '\0';
	for (unsigned int k = 0; k < st->nr_words && k < 8; k++) {
		int m = ksnprintf(words + n, sizeof(words) - n, "%s0x%llx",
				  k ? " " : "", ULL(st->entry[k]));

		if (m < 0 || (size_t)m >= sizeof(words) - n)
			break;
		n += m;
	}
	ktap_diag("walk %2u %-12s table 0x%llx [0x%x] = %s | %s", i, st->what,
		  ULL(st->table), st->index, st->nr_words ? words : "-",
		  st->decoded);
}

void vtd_walk_print(const struct walk_result *res)
{
	const struct walk_request *req = &res->req;
	char pasid[16];

	for (unsigned int i = 0; i < res->nr_steps && i < WALK_MAX_STEPS; i++)
		print_step(i, &res->steps[i]);
	if (req->pasid_present)
		ksnprintf(pasid, sizeof(pasid), "0x%x", req->pasid);
	else
		ksnprintf(pasid, sizeof(pasid), "none");
	if (res->fault)
		ktap_diag("walk %02x:%02x.%u pasid %s %s%s%s 0x%llx: fault 0x%02x (%s) "
			  "level %u mode %s did 0x%x%s%s: %s",
			  req->sid >> 8, (req->sid >> 3) & 0x1f, req->sid & 7,
			  pasid, req->write ? "write" : "read",
			  req->exec ? " exec" : "", req->priv ? " priv" : "",
			  ULL(req->addr), res->reason,
			  vtd_fault_reason_name(res->reason), res->level,
			  vtd_walk_mode_name(res->mode), res->did,
			  res->fpd ? " FPD" : "",
			  res->truncated ? " (trace truncated)" : "", res->detail);
	else
		ktap_diag("walk %02x:%02x.%u pasid %s %s%s%s 0x%llx: -> 0x%llx "
			  "page 0x%llx mode %s did 0x%x%s",
			  req->sid >> 8, (req->sid >> 3) & 0x1f, req->sid & 7,
			  pasid, req->write ? "write" : "read",
			  req->exec ? " exec" : "", req->priv ? " priv" : "",
			  ULL(req->addr), ULL(res->phys), ULL(res->page_size),
			  vtd_walk_mode_name(res->mode), res->did,
			  res->truncated ? " (trace truncated)" : "");
}
