// SPDX-License-Identifier: GPL-2.0
/*
 * Reference walker for VT-d DMA remapping: see walker.h.
 *
 * Written from the Intel VT-d Architecture Specification rev 5.10
 * (D51397-018, Nov 2025):
 *   3.4-3.5  legacy and scalable-mode root/context/PASID structure walks
 *   3.6      first-stage translation (IA-32e paging)
 *   3.7      second-stage translation
 *   3.8      nested translation
 *   3.15     requests to the interrupt address range
 *   7.1.3    Table 30: every fault condition by label (LRT.x, LCT.x,
 *            LSS.x, LGN.x, RTA.x, SRT.x, SCT.x, SPD.x, SPT.x, SFS.x,
 *            SSS.x, SGN.x); each fault below cites the one it predicts
 *   9.1-9.8  root, context, PASID directory/table and paging entry formats
 *   11.4     VER_REG, CAP_REG, ECAP_REG (PSS, SSIRWS), RTADDR_REG (SSIRWE)
 *
 * Where revisions differ the unit's VER_REG decides, and the diagnostic
 * says which rule applied: execute requests (ER=1) fault RTA.5 (34h) on
 * units of major version 8 and above; on older units SPT.5 (5Ch) when
 * ECAP.ERS is clear, and with ECAP.ERS set the rev 3.x model (PASID
 * entry SSEE, first-stage XD, SGN.3 82h), which rev 5.10 no longer has.
 * A VER_REG of 0 (not given) is read as rev 5.10.
 * Every layout below is defined here on purpose: the walker must not share
 * a constant with the code that builds the tables (entry.h, pgtable.h).
 */
#include "drivers/iommu/intel/walker.h"
#include "lib/hw.h"
#include "lib/ktap.h"
#include "lib/printf.h"
#include "lib/string.h"

#define ULL(x)			((unsigned long long)(x))

/* ---- Registers (11.4.2 CAP_REG, 11.4.3 ECAP_REG, 11.4.5 RTADDR_REG) ---- */

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
#define W_ECAP_PRS		BIT_ULL(29)	/* page requests */
#define W_ECAP_ERS		BIT_ULL(30)	/* execute requests (rev 3.x) */
#define W_ECAP_SRS		BIT_ULL(31)	/* supervisor requests */
#define W_ECAP_EAFS		BIT_ULL(34)	/* extended accessed flag */
#define W_ECAP_PSS_SHIFT	35		/* 39:35, PASIDs of PSS + 1 bits */
#define W_ECAP_PSS_MASK		0x1fULL
#define W_ECAP_SMTS		BIT_ULL(43)	/* scalable mode */
#define W_ECAP_SSADS		BIT_ULL(45)	/* second-stage A/D */
#define W_ECAP_SSTS		BIT_ULL(46)	/* second-stage translation */
#define W_ECAP_FSTS		BIT_ULL(47)	/* first-stage translation */
#define W_ECAP_SMPWC		BIT_ULL(48)	/* scalable-mode page-walk coherency */
#define W_ECAP_RPS		BIT_ULL(49)	/* RID_PASID */
#define W_ECAP_ADMS		BIT_ULL(52)	/* abort DMA mode */
#define W_ECAP_RPRIVS		BIT_ULL(53)	/* RID_PRIV */
#define W_ECAP_SSIRWS		BIT_ULL(57)	/* second-stage IR/IW bits */

#define W_VER_MAJOR_SHIFT	4		/* 7:4 */
#define W_VER_MAJOR_MASK	0xfU

#define W_RTADDR_TTM_SHIFT	10		/* 11:10 translation table mode */
#define W_RTADDR_TTM_MASK	0x3ULL
#define W_TTM_LEGACY		0
#define W_TTM_SCALABLE		1
#define W_TTM_ABORT		3
#define W_RTADDR_SSIRWE		BIT_ULL(7)	/* RsvdZ without ECAP.SSIRWS */
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
#define W_SCE_RSVD0		GENMASK_ULL(8, 5)	/* + 63:HAW; EPTR, HPTE unsupported */
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
#define W_PE0_SSEE		BIT_ULL(5)		/* rev 3.x SSEE; reserved in 5.10 */
#define W_PE0_PGTT_SHIFT	6			/* 8:6 */
#define W_PE0_PGTT_MASK		0x7ULL
#define W_PE0_SSADE		BIT_ULL(9)
#define W_PE0_RSVD		GENMASK_ULL(11, 10)	/* + 63:HAW */
#define W_PE1_DID_MASK		0xffffULL		/* 79:64 */
#define W_PE1_RSVD		GENMASK_ULL(22, 16)	/* 86:80 */
#define W_PE1_PWSNP		BIT_ULL(23)		/* 87, with ECAP.SMPWC */
#define W_PE1_PGSNP		BIT_ULL(24)		/* 88, with ECAP.SC */
#define W_PE1_CD_EMTE		GENMASK_ULL(26, 25)	/* 90:89, with ECAP.MTS */
#define W_PE1_RSVD_HI		GENMASK_ULL(31, 27)	/* 95:91 */
#define W_PE1_PAT		GENMASK_ULL(63, 32)	/* 127:96, with ECAP.MTS */
#define W_PE2_SRE		BIT_ULL(0)		/* 128, with ECAP.SRS */
#define W_PE2_FSPM_SHIFT	2			/* 131:130 */
#define W_PE2_FSPM_MASK		0x3ULL
#define W_PE2_WPE		BIT_ULL(4)		/* 132, with ECAP.FSTS */
#define W_PE2_EAFE		BIT_ULL(7)		/* 135, with ECAP.EAFS */
#define W_PE2_FSPM		GENMASK_ULL(3, 2)
/* 129 and 139:136; 134:133 are IGN (ignored for older software) */
#define W_PE2_RSVD		(BIT_ULL(1) | GENMASK_ULL(11, 8))
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
#define W_SS_IR			BIT_ULL(61)	/* with RTADDR.SSIRWE, else ignored */
#define W_SS_IW			BIT_ULL(62)	/* with RTADDR.SSIRWE, else Reserved(0) */

/* ---- 9.7 first-stage paging entry (IA-32e format) ---- */
#define W_FS_P			BIT_ULL(0)
#define W_FS_RW			BIT_ULL(1)
#define W_FS_US			BIT_ULL(2)
#define W_FS_A			BIT_ULL(5)
#define W_FS_D			BIT_ULL(6)
#define W_FS_PS			BIT_ULL(7)
#define W_FS_EA			BIT_ULL(10)		/* extended accessed, with EAFE */
#define W_FS_XD			BIT_ULL(63)		/* rev 3.x; 63:52 IGN in 5.10 */

#define W_LEVEL_STRIDE		9
#define W_LEVEL_ENTRIES		512

/* 3.15: the interrupt address range, never a DMA target. */
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
#define FR_RTA_ABORT		0x33	/* RTA.4: TTM abort-DMA (ECAP.ADMS) */
#define FR_RTA_EXEC		0x34	/* RTA.5: ER=1, VER major >= 8 */
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
#define FR_SGN_PSS		0x89	/* SGN.10 PASID beyond ECAP.PSS */
#define FR_SFS_AD_NOSNOOP	0x90	/* SFS.9 */
#define FR_SFS_AD_FAIL		0x91	/* SFS.10 */

static const struct {
	u8 code;
	const char *name;
} reason_names[] = {
	{ FR_ROOT_NP, "LRT.2 root entry not present" },
	{ FR_CTX_NP, "LCT.2 context entry not present" },
	{ FR_CTX_INV, "LCT.4 invalid context entry (AW, TT or SSPTPTR)" },
	{ FR_BEYOND_AGAW, "LGN.1 input address beyond min(MGAW, AGAW), or HAW for pass-through" },
	{ FR_WRITE, "LGN.2 write: W clear in second-stage entry" },
	{ FR_READ, "LGN.3 read: R clear in second-stage entry" },
	{ FR_SL_TABLE, "LSS.1 second-stage table access error" },
	{ FR_ROOT_TABLE, "LRT.1 root table access error" },
	{ FR_CTX_TABLE, "LCT.1 context table access error" },
	{ FR_ROOT_RSVD, "LRT.3 reserved field set in root entry" },
	{ FR_CTX_RSVD, "LCT.3 reserved field set in context entry" },
	{ FR_SL_RSVD, "LSS.2 reserved field set in second-stage entry" },
	{ FR_TT_BLOCKED, "LCT.5 translation request blocked by context TT" },
	{ FR_INTR_ADDR, "LGN.4 output address in interrupt range" },
	{ 0x20, "IR: reserved field in interrupt request" },
	{ 0x21, "IR: interrupt index beyond table size" },
	{ 0x22, "IR: IRTE not present" },
	{ 0x23, "IR: interrupt remapping table access error" },
	{ 0x24, "IR: reserved field set in IRTE" },
	{ 0x25, "IR: compatibility format interrupt blocked" },
	{ 0x26, "IR: source-id verification failure" },
	{ FR_RTA_TTM, "RTA.1 invalid RTADDR (TTM reserved or unsupported, SSIRWE in legacy mode)" },
	{ FR_RTA_PASID, "RTA.2 legacy mode, request with PASID" },
	{ FR_RTA_PRQ, "RTA.3 legacy mode, page request" },
	{ FR_RTA_ABORT, "RTA.4 abort-DMA mode (TTM=11b)" },
	{ FR_RTA_EXEC, "RTA.5 execute request (VER major >= 8)" },
	{ FR_SRT_ACCESS, "SRT.1 root table access error" },
	{ FR_SRT_NP, "SRT.2 root entry half not present" },
	{ FR_SRT_RSVD, "SRT.3 reserved field set in root entry" },
	{ FR_SCT_ACCESS, "SCT.1 context table access error" },
	{ FR_SCT_NP, "SCT.2 context entry not present" },
	{ FR_SCT_RSVD, "SCT.3 reserved field set in context entry" },
	{ FR_SCT_INV, "SCT.4 invalid context entry (DTE/PRE, RID_PASID beyond PDTS, EPTR/PASIDE)" },
	{ FR_SCT_DTE, "SCT.5 DTE clear for translation request" },
	{ FR_SCT_PASIDE, "SCT.6 PASIDE clear for request with PASID" },
	{ FR_SCT_PDTS, "SCT.7 PASID beyond PDTS" },
	{ FR_SCT_PRE, "SCT.8 PRE clear for page request" },
	{ FR_SCT_RID_PASID, "SCT.9 request with PASID equal to RID_PASID" },
	{ 0x49, "SCT.10 EPTR clear for translated request with PASID" },
	{ FR_SPD_ACCESS, "SPD.1 PASID directory access error" },
	{ FR_SPD_NP, "SPD.2 PASID directory entry not present" },
	{ FR_SPD_RSVD, "SPD.3 reserved field set in PASID directory entry" },
	{ FR_SPT_ACCESS, "SPT.1 PASID table access error" },
	{ FR_SPT_NP, "SPT.2 PASID entry not present" },
	{ FR_SPT_RSVD, "SPT.3 reserved field set in PASID entry" },
	{ FR_SPT_INV, "SPT.4 invalid PASID entry (AW, PGTT, FSPM, nested FSPTPTR beyond width)" },
	{ FR_SPT_ERE, "SPT.5 execute request, ECAP.ERS=0 (VER major <= 7)" },
	{ FR_SPT_SRE, "SPT.6 SRE clear for privileged request" },
	{ 0x60, "SPT.9 translated address beyond HPT size" },
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
	{ FR_SGN_EXEC, "SGN.3 no execute permission (rev 3.x; not in rev 5.10)" },
	{ FR_SGN_BEYOND_HAW, "SGN.4 input address beyond HAW" },
	{ FR_SGN_BEYOND_AGAW, "SGN.5 second-stage input beyond min(MGAW, AGAW)" },
	{ FR_SGN_WRITE, "SGN.6 no write permission" },
	{ FR_SGN_READ, "SGN.7 no read permission" },
	{ FR_SGN_INTR, "SGN.8 output address in interrupt range" },
	{ FR_SGN_PSS, "SGN.10 PASID beyond ECAP.PSS" },
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

/*
 * A fault condition met on the way that does not stop the walk: an A/EA
 * update the unit cannot make (SFS.8, SFS.9, SSS.5; the hardware may set
 * A/EA as it walks or once the walk is done), a permission already lost
 * above the leaf (SGN.2, SGN.6; a unit may check each level), or a PASID
 * beyond ECAP.PSS (SGN.10; a unit may check it before or after the walk).
 * Table 30 gives no priority, so each is also allowed for a later fault;
 * @must: it faults the request when nothing else does.
 */
struct walk_pending {
	u8 reason;
	unsigned int level;
	bool must;
};

#define WALK_MAX_PENDING	8

struct walker {
	const struct walk_unit *u;
	const struct walk_request *req;
	struct walk_result *res;
	unsigned int haw;	/* host address width */
	unsigned int mgaw;
	bool priv;		/* effective privilege */
	bool exec;		/* effective execute request */
	bool exec_rev3;		/* rev 3.x execute model (VER major <= 7, ERS) */
	bool snoop;		/* paging-structure accesses snoop (SMPWC, PWSNP) */
	bool ssirw;		/* second-stage permissions from IR/IW (SSIRWE) */
	u64 pe[8];		/* the PASID entry in use */
	unsigned int nr_pending;
	struct walk_pending pending[WALK_MAX_PENDING];
	char pending_detail[sizeof(((struct walk_result *)0)->detail)];
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
	w->res->reasons[0] = reason;
	w->res->nr_reasons = 1;
	w->res->level = level;
	w->res->phys = 0;
	w->res->page_size = 0;
	va_start(ap, fmt);
	kvsnprintf(w->res->detail, sizeof(w->res->detail), fmt, ap);
	va_end(ap);
}

/* Another reason the spec allows for the fault already predicted. */
static void also(struct walker *w, u8 reason)
{
	struct walk_result *res = w->res;

	for (unsigned int i = 0; i < res->nr_reasons; i++)
		if (res->reasons[i] == reason)
			return;
	if (res->nr_reasons < WALK_MAX_REASONS)
		res->reasons[res->nr_reasons++] = reason;
}

bool vtd_walk_allows(const struct walk_result *res, u8 reason)
{
	if (!res->fault)
		return false;
	for (unsigned int i = 0; i < res->nr_reasons && i < WALK_MAX_REASONS; i++)
		if (res->reasons[i] == reason)
			return true;
	return res->reason == reason;
}

static void pend(struct walker *w, u8 reason, unsigned int level, bool must,
		 const char *fmt, ...) __printf(5, 6);

/* Records a condition met on the way (struct walk_pending). */
static void pend(struct walker *w, u8 reason, unsigned int level, bool must,
		 const char *fmt, ...)
{
	bool first_must = must;
	va_list ap;

	for (unsigned int i = 0; i < w->nr_pending; i++) {
		if (w->pending[i].must)
			first_must = false;
		if (w->pending[i].reason == reason)
			return;
	}
	if (w->nr_pending == WALK_MAX_PENDING)
		return;
	w->pending[w->nr_pending++] = (struct walk_pending){
		.reason = reason, .level = level, .must = must };
	if (first_must) {
		va_start(ap, fmt);
		kvsnprintf(w->pending_detail, sizeof(w->pending_detail), fmt, ap);
		va_end(ap);
	}
}

/*
 * At the end of the walk: a fault also allows every pending reason; a
 * walk that found no fault faults with the first pending one that must.
 */
static void settle(struct walker *w)
{
	const struct walk_pending *first = NULL;

	if (!w->res->fault) {
		for (unsigned int i = 0; i < w->nr_pending && !first; i++)
			if (w->pending[i].must)
				first = &w->pending[i];
		if (!first)
			return;
		fault(w, first->reason, first->level, "%s", w->pending_detail);
	}
	for (unsigned int i = 0; i < w->nr_pending; i++)
		also(w, w->pending[i].reason);
}

static void translated(struct walker *w, u64 phys, u64 size)
{
	w->res->phys = phys;
	w->res->page_size = size;
}

/* 3.15: an output address in 0xFEEx_xxxx is blocked. */
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
	bool ssee;		/* X is a permission (rev 3.x PASID entry SSEE) */
	bool ad;		/* PASID entry SSADE: A/D flags in use (3.7.2) */
	const char *prefix;	/* step name prefix, e.g. "fs-L4>" */
};

struct ss_out {
	enum ss_err err;
	unsigned int level;	/* level reached (leaf on success) */
	u64 out;
	u64 size;
	bool r, w, x;		/* cumulative permissions */
	bool d_clear;		/* the leaf's D is clear */
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
	/* Tables 41-47: IW is Reserved(0) unless SSIRWE (IR is ignored). */
	*field = "IW (bit 62) without RTADDR.SSIRWE";
	if (!w->ssirw && (e & W_SS_IW))
		return W_SS_IW;
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

static void ss_decode(const struct walker *w, struct walk_step *st, u64 e)
{
	step_decode(st, "R=%u W=%u X=%u PS=%u A=%u D=%u SNP=%u addr=0x%llx%s%s%s",
		    !!(e & W_SS_R), !!(e & W_SS_W), !!(e & W_SS_X),
		    !!(e & W_SS_PS), !!(e & W_SS_A), !!(e & W_SS_D),
		    !!(e & W_SS_SNP), ULL(e & W_ADDR),
		    (e & W_SS_IR) ? " IR=1" : "", (e & W_SS_IW) ? " IW=1" : "",
		    w->ssirw ? " (SSIRWE)" : "");
}

/*
 * The read and write permission of a second-stage entry: R and W, or
 * with RTADDR.SSIRWE IR and IW (11.4.5; R and W are then ignored).
 */
static bool ss_read(const struct walker *w, u64 e)
{
	return e & (w->ssirw ? W_SS_IR : W_SS_R);
}

static bool ss_write(const struct walker *w, u64 e)
{
	return e & (w->ssirw ? W_SS_IW : W_SS_W);
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
		bool rd, wr, ex, present;

		o->level = level;
		ksnprintf(name, sizeof(name), "%sss-L%u", c->prefix, level);
		st = step_add(w, name, table, idx);
		if (!read_entry(st, table + 8ULL * idx, 1)) {
			o->err = level == c->levels ? SS_PTPTR : SS_TABLE;
			return;
		}
		e = st->entry[0];
		ss_decode(w, st, e);
		rd = ss_read(w, e);
		wr = ss_write(w, e);
		ex = e & W_SS_X;
		o->r = o->r && rd;
		o->w = o->w && wr;
		o->x = o->x && ex;
		present = o->r || o->w || (c->ssee && o->x);
		if (!(rd || wr || (c->ssee && ex)) || !present) {
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
		/*
		 * SSS.5 (7.1.3): with SSADE, an entry whose A is clear needs an
		 * A update, which a unit that does not snoop its page walks
		 * (ECAP.SMPWC=0 or PWSNP=0) cannot make.
		 */
		if (c->ad && !(e & W_SS_A) && !w->snoop)
			pend(w, FR_SSS_AD_NOSNOOP, level, true,
			     "%sss-L%u A=0 with SSADE=1 and no page-walk snoop (SSS.5)",
			     c->prefix, level);
		if (level == 1 || (e & W_SS_PS))
			break;
		table = e & W_ADDR;
	}
	o->d_clear = !(e & W_SS_D);
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
	c->ad = false;
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
		      "output 0x%llx in interrupt range (LGN.4)", ULL(o.out));
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
	/* 9.3: FPD is evaluated whatever P says. */
	w->res->fpd = lo & W_CE_FPD;
	if (!(lo & W_CE_P)) {
		fault(w, FR_CTX_NP, 0, "context entry %02x.%u not present",
		      devfn >> 3, devfn & 7);
		return;
	}
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
	/* LGN.1.3: a pass-through input is a host address, below 2^HAW. */
	if (req->addr & above(w->haw)) {
		fault(w, FR_BEYOND_AGAW, 0,
		      "pass-through address 0x%llx beyond HAW %u (LGN.1.3)",
		      ULL(req->addr), w->haw);
		return;
	}
	/* LGN.4: with TT=10b the output is the request's address. */
	if (in_intr_range(req->addr)) {
		fault(w, FR_INTR_ADDR, 0,
		      "pass-through address 0x%llx in interrupt range (LGN.4)",
		      ULL(req->addr));
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
	c->ssee = w->exec_rev3 && (w->pe[0] & W_PE0_SSEE);
	c->ad = w->pe[0] & W_PE0_SSADE;
}

/*
 * SSS.5: with SSADE, a successful write needs D set in the second-stage
 * leaf; D is set only once the request is translated (3.7.2).
 */
static void ss_dirty(struct walker *w, const struct ss_cfg *c,
		     const struct ss_out *o)
{
	if (c->ad && w->req->write && o->d_clear && !w->snoop)
		pend(w, FR_SSS_AD_NOSNOOP, o->level, true,
		     "ss-L%u D=0 for a write with SSADE=1 and no page-walk snoop (SSS.5)",
		     o->level);
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
		      "%s 0x%llx: second-stage %s=0 at L%u", what, ULL(in),
		      w->ssirw ? "IR=IW" : "R=W", o->level);
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
	/* SGN.8.1: untranslated request, output in FEEx_xxxxh. */
	if (in_intr_range(o.out)) {
		fault(w, FR_SGN_INTR, o.level,
		      "output 0x%llx in interrupt range (SGN.8.1)", ULL(o.out));
		return;
	}
	ss_dirty(w, &c, &o);
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
	bool ss_d_clear;	/* nested: D clear in the SS leaf of its page */
};

/*
 * Nested: the GPA of a first-stage entry goes through the second stage
 * (3.8). On success *@hpa is where the entry is, s->ss_w whether the
 * second stage lets the hardware write it (A/D updates) and s->ss_d_clear
 * whether that write needs D set in the second-stage leaf.
 *
 * SFS.1's note (Table 30): second-stage faults met while accessing
 * first-stage entries "are treated as" SSS.1-SSS.5, SGN.5, SGN.6 or
 * SGN.7, next to the SFS.5-SFS.8 conditions written for them; both are
 * allowed.
 */
static bool fs_entry_hpa(struct walker *w, struct fs_state *s,
			 unsigned int level, u64 gpa, u64 *hpa)
{
	u8 read_reason = level == s->levels ? FR_SFS_NEST_PTPTR_R :
			 FR_SFS_NEST_READ;
	struct ss_out o;
	char prefix[12];

	*hpa = gpa;
	s->ss_w = true;
	s->ss_d_clear = false;
	if (!s->nested)
		return true;
	ksnprintf(prefix, sizeof(prefix), "fs-L%u>", level);
	s->ss.prefix = prefix;
	ss_walk(w, &s->ss, gpa, &o);
	s->ss.prefix = "";
	if (o.err == SS_BEYOND && level == s->levels) {
		/*
		 * SPT.4.4: nested FSPTPTR above 2^min(MGAW, AW) - 1 (found
		 * here when FSPTPTR is below HAW; pasid_entry_rsvd() takes
		 * the rest); SGN.5 by the SFS.1 note.
		 */
		fault(w, FR_SPT_INV, 0,
		      "nested FSPTPTR 0x%llx beyond %u bits (SPT.4.4)", ULL(gpa),
		      s->ss.width);
		also(w, FR_SGN_BEYOND_AGAW);
		return false;
	}
	if (ss_walk_fault(w, &o, &s->ss, gpa, FR_SFS_NEST_BEYOND,
			  "first-stage table gpa")) {
		/* SFS.5 is a first-stage fault: report the first-stage level. */
		if (o.err == SS_BEYOND) {
			w->res->level = level;
			also(w, FR_SGN_BEYOND_AGAW);	/* SFS.1 note */
		}
		/* SSS.2: R=W=0 also lacks read (SFS.6/SFS.7). */
		if (o.err == SS_NOT_PRESENT)
			also(w, read_reason);
		return false;
	}
	if (!o.r) {
		fault(w, read_reason, level,
		      "second stage denies read of fs-L%u table gpa 0x%llx (%s)",
		      level, ULL(gpa), level == s->levels ? "SFS.6" : "SFS.7");
		also(w, FR_SGN_READ);			/* SFS.1 note */
		return false;
	}
	/*
	 * 3.8.1: with SSADE=1 "reads to first-stage paging structures are
	 * allowed from any input address with valid translation for which
	 * read and write permissions are both granted in every second-stage
	 * paging-entry". No Table 30 row is written for a table read refused
	 * for W, so this set is an inference from the nearest rows: SGN.6 by
	 * the SFS.1 note (the nested second stage lacks write permission),
	 * SFS.6/SFS.7 (the rows for a first-stage table read the nested
	 * second stage blocks, written for R) and SFS.8 (the row for a
	 * first-stage entry the nested second stage does not let be
	 * written) are allowed.
	 */
	if (s->ss.ad && !o.w) {
		fault(w, FR_SGN_WRITE, level,
		      "SSADE=1: second stage W=0 for fs-L%u table gpa 0x%llx (3.8.1, SGN.6 by SFS.1 note)",
		      level, ULL(gpa));
		also(w, read_reason);
		also(w, FR_SFS_NEST_AD);
		return false;
	}
	*hpa = o.out;
	s->ss_w = o.w;
	s->ss_d_clear = s->ss.ad && o.d_clear;
	return true;
}

/* 3.6.1: the first-stage input is canonical for 4- or 5-level paging. */
static bool canonical(u64 addr, unsigned int bits)
{
	u64 upper = addr & above(bits - 1);

	return !upper || upper == above(bits - 1);
}

/*
 * Permission faults of the first-stage walk so far (3.6.1): SGN.2 for a
 * user request through U/S=0, SGN.6 for a write through R/W=0 (for
 * supervisor requests only with WPE); rev 3.x: SGN.3 for an execute
 * request through XD=1. Returns the reason, 0 when permitted.
 */
static u8 fs_perm(const struct walker *w, const struct fs_state *s)
{
	bool wpe = w->pe[2] & W_PE2_WPE;

	if (!w->priv && !s->us)
		return FR_SGN_US;
	if (w->exec && w->exec_rev3 && s->xd)
		return FR_SGN_EXEC;
	if (w->req->write && !s->rw && (!w->priv || wpe))
		return FR_SGN_WRITE;
	return 0;
}

/* Leaf permissions of a first-stage translation (3.6.1). */
static bool fs_perm_fault(struct walker *w, const struct fs_state *s,
			  unsigned int level)
{
	switch (fs_perm(w, s)) {
	case FR_SGN_US:
		fault(w, FR_SGN_US, level, "user request, U/S=0 on the walk (SGN.2)");
		return true;
	case FR_SGN_EXEC:
		fault(w, FR_SGN_EXEC, level,
		      "execute request, XD=1 on the walk (SGN.3, rev 3.x: VER major <= 7 with ECAP.ERS)");
		return true;
	case FR_SGN_WRITE:
		fault(w, FR_SGN_WRITE, level, "write, R/W=0 on the walk (SGN.6)%s",
		      w->priv ? " (supervisor, WPE=1)" : "");
		return true;
	}
	return false;
}

/*
 * Nested: the first stage's output GPA goes through the second stage.
 * On success *@hpa and *@size are the host page and the smaller leaf.
 */
static bool nested_output(struct walker *w, struct fs_state *s, u64 gpa,
			  u64 fs_size, u64 *hpa, u64 *size)
{
	struct ss_out o;

	ss_walk(w, &s->ss, gpa, &o);
	/* SFS.5: the leaf's ADDR is above 2^min(MGAW, AW) - 1. */
	if (ss_walk_fault(w, &o, &s->ss, gpa, FR_SFS_NEST_BEYOND,
			  "output gpa"))
		return false;
	if (ss_perm_fault(w, &o, &s->ss, "output gpa"))
		return false;
	/* SGN.8.1: untranslated request, output in FEEx_xxxxh. */
	if (in_intr_range(o.out)) {
		fault(w, FR_SGN_INTR, o.level,
		      "output 0x%llx in interrupt range (SGN.8.1)", ULL(o.out));
		return false;
	}
	ss_dirty(w, &s->ss, &o);
	*hpa = o.out;
	*size = MIN(fs_size, o.size);
	return true;
}

/*
 * First-stage A/D/EA updates (3.6.2): SFS.9 when the unit does not snoop
 * its page walks (ECAP.SMPWC=0 or PWSNP=0); nested, SFS.8 when the
 * second stage denies the write to the entry's page (SGN.6 by the SFS.1
 * note).
 */
static void fs_ad_update(struct walker *w, const struct fs_state *s,
			 unsigned int level, const char *flag)
{
	if (!s->ss_w) {
		pend(w, FR_SFS_NEST_AD, level, true,
		     "%s update of fs-L%u entry, second stage W=0 (SFS.8)",
		     flag, level);
		pend(w, FR_SGN_WRITE, level, false, "SFS.1 note");
	}
	if (!w->snoop)
		pend(w, FR_SFS_AD_NOSNOOP, level, true,
		     "%s update of fs-L%u entry without page-walk snoop (SFS.9: SMPWC=%u PWSNP=%u)",
		     flag, level, !!(w->u->ecap & W_ECAP_SMPWC),
		     !!(w->pe[1] & W_PE1_PWSNP));
	/*
	 * Nested with SSADE: the update writes the entry's GPA, so D is set
	 * in the second-stage leaf of that page (3.7.2); without snoop,
	 * SSS.5 holds next to SFS.9.
	 */
	if (!w->snoop && s->ss_d_clear)
		pend(w, FR_SSS_AD_NOSNOOP, level, true,
		     "%s update of fs-L%u entry, its page's ss leaf D=0 with SSADE=1 and no page-walk snoop (SSS.5)",
		     flag, level);
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
	u8 perm;

	if (!fs_entry_hpa(w, s, level, gpa, &hpa))
		return false;
	ksnprintf(name, sizeof(name), "fs-L%u", level);
	st = step_add(w, name, hpa & ~(W_PAGE - 1), idx);
	if (!read_entry(st, hpa, 1)) {
		if (level == s->levels)
			fault(w, FR_SFS_PTPTR, level,
			      "fs-L%u table unreadable (SFS.4)", level);
		else
			fault(w, FR_SFS_ACCESS, level,
			      "fs-L%u table unreadable (SFS.1)", level);
		return false;
	}
	e = st->entry[0];
	fs_decode(st, e, gpa, s->nested);
	if (!(e & W_FS_P)) {
		fault(w, FR_SFS_NP, level, "fs-L%u entry %u not present (SFS.2)",
		      level, idx);
		return false;
	}
	rsvd = fs_rsvd(w, e, level, &field);
	if (rsvd) {
		fault(w, FR_SFS_RSVD, level, "fs-L%u %s: bits 0x%llx (SFS.3)",
		      level, field, ULL(rsvd));
		return false;
	}
	s->rw = s->rw && (e & W_FS_RW);
	s->us = s->us && (e & W_FS_US);
	s->xd = s->xd || (e & W_FS_XD);
	/* A unit may check permissions at each level: allowed for later faults. */
	perm = fs_perm(w, s);
	if (perm)
		pend(w, perm, level, false, "permission lost at fs-L%u", level);
	/* Setting A (and EA with EAFE) writes the entry. */
	ad = W_FS_A | ((w->pe[2] & W_PE2_EAFE) ? W_FS_EA : 0);
	if ((e & ad) != ad)
		fs_ad_update(w, s, level, (e & W_FS_A) ? "EA" : "A");
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
		      "address 0x%llx not canonical for %u-level paging (SGN.1)",
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
	size = level_size(level);
	out = (e & W_ADDR & ~(size - 1)) | (req->addr & (size - 1));
	if (nested) {
		if (!nested_output(w, &s, out, size, &out, &size))
			return;
	} else if (in_intr_range(out)) {
		/* SGN.8.1: untranslated request, output in FEEx_xxxxh. */
		fault(w, FR_SGN_INTR, level,
		      "output 0x%llx in interrupt range (SGN.8.1)", ULL(out));
		return;
	}
	/*
	 * D on the leaf of a write is set only once the request is
	 * translated: only A and EA may be set speculatively (3.6.2).
	 */
	if (req->write && !(e & W_FS_D))
		fs_ad_update(w, &s, level, "D");
	translated(w, out, size);
}

static void walk_pass_through(struct walker *w)
{
	const struct walk_request *req = w->req;

	w->res->mode = WALK_PASS_THROUGH;
	if (req->addr & above(w->haw)) {
		fault(w, FR_SGN_BEYOND_HAW, 0,
		      "address 0x%llx beyond HAW %u (SGN.4.2)", ULL(req->addr),
		      w->haw);
		return;
	}
	/* SGN.8.1: the output is the input address. */
	if (in_intr_range(req->addr)) {
		fault(w, FR_SGN_INTR, 0,
		      "pass-through address 0x%llx in interrupt range (SGN.8.1)",
		      ULL(req->addr));
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

/*
 * SPT.3 (5Ah): reserved fields of a present PASID entry (9.6, rev 5.10).
 * Fields of a capability the unit lacks are Reserved(0) whatever PGTT
 * says; bits 134:133 are IGN and never fault. AW and SSPTPTR with
 * ECAP.SSTS=0 are not checked: Linux writes AW into first-stage and
 * pass-through entries on every unit.
 */
static bool pasid_entry_rsvd(struct walker *w, unsigned int pgtt)
{
	u64 ecap = w->u->ecap, haw = rsvd_haw(w);
	unsigned int aw = (w->pe[0] >> W_PE0_AW_SHIFT) & W_PE0_AW_MASK;
	bool ssts = ecap & W_ECAP_SSTS, fsts = ecap & W_ECAP_FSTS;
	const struct rsvd_check checks[] = {
		{ 0, W_PE0_RSVD, "val[0] bits 11:10" },
		{ 0, w->exec_rev3 ? 0 : W_PE0_SSEE,
		  "bit 5 (reserved in rev 5.10; SSEE only on VER major <= 7 with ERS)" },
		{ 0, (ssts && (ecap & W_ECAP_SSADS)) ? 0 : W_PE0_SSADE,
		  "SSADE (ECAP.SSTS or SSADS=0)" },
		{ 0, haw, "bits 63:HAW (SSPTPTR above HAW)" },
		{ 1, W_PE1_RSVD, "val[1] bits 22:16 (86:80)" },
		{ 1, (ecap & W_ECAP_SMPWC) ? 0 : W_PE1_PWSNP, "PWSNP (ECAP.SMPWC=0)" },
		{ 1, (ecap & W_ECAP_SC) ? 0 : W_PE1_PGSNP, "PGSNP (ECAP.SC=0)" },
		{ 1, (ecap & W_ECAP_MTS) ? 0 : W_PE1_CD_EMTE | W_PE1_PAT,
		  "CD/EMTE/PAT (ECAP.MTS=0)" },
		{ 1, W_PE1_RSVD_HI, "val[1] bits 31:27 (95:91)" },
		{ 2, W_PE2_RSVD, "val[2] bits 1, 11:8 (129, 139:136)" },
		{ 2, (ecap & W_ECAP_SRS) ? 0 : W_PE2_SRE, "SRE (ECAP.SRS=0)" },
		{ 2, fsts ? 0 : W_PE2_FSPM | W_PE2_WPE | W_ADDR,
		  "FSPM/WPE/FSPTPTR (ECAP.FSTS=0)" },
		{ 2, (ecap & W_ECAP_EAFS) ? 0 : W_PE2_EAFE, "EAFE (ECAP.EAFS=0)" },
		{ 2, haw, "bits 191:HAW+128 (FSPTPTR above HAW)" },
		{ 3, ~0ULL, "val[3]" }, { 4, ~0ULL, "val[4]" },
		{ 5, ~0ULL, "val[5]" }, { 6, ~0ULL, "val[6]" },
		{ 7, ~0ULL, "val[7]" },
	};
	const struct rsvd_check *r = rsvd_find(w->pe, checks, ARRAY_SIZE(checks));

	if (!r)
		return false;
	fault(w, FR_SPT_RSVD, 0, "PASID entry %s: 0x%llx (SPT.3)", r->field,
	      ULL(w->pe[r->word] & r->bits));
	/*
	 * A nested FSPTPTR at or above HAW is also above 2^min(MGAW, AW) - 1
	 * when that is below HAW: SPT.4.4 holds too.
	 */
	if (pgtt == W_PGTT_NESTED && (w->pe[2] & haw & W_ADDR) &&
	    aw_supported(w, aw) && MIN(30 + W_LEVEL_STRIDE * aw, w->mgaw) <= w->haw) {
		also(w, FR_SPT_INV);
		also(w, FR_SGN_BEYOND_AGAW);	/* SFS.1 note */
	}
	return true;
}

/*
 * SPT.4 (5Bh): PGTT, AW, FSPM the unit does not support (9.6); NULL when
 * none. SPT.4.4 is found by the second-stage walk of FSPTPTR
 * (fs_entry_hpa()).
 */
static const char *pasid_entry_invalid(const struct walker *w,
				       unsigned int pgtt)
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
	if (!ok)
		return "PGTT not supported (SPT.4.2)";
	if ((pgtt == W_PGTT_SS || pgtt == W_PGTT_NESTED) && !aw_supported(w, aw))
		return "AW not in SAGAW (SPT.4.1)";
	if ((pgtt == W_PGTT_FS || pgtt == W_PGTT_NESTED) &&
	    (fspm > W_FSPM_5LEVEL ||
	     (fspm == W_FSPM_5LEVEL && !(w->u->cap & W_CAP_FS5LP))))
		return "FSPM not supported (SPT.4.3)";
	return NULL;
}

static void pasid_entry(struct walker *w, u64 table, u32 pasid)
{
	u32 idx = pasid & W_PASID_TBL_MASK;
	const char *invalid;
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
	/* 9.6: FPD is evaluated whatever P says. */
	w->res->fpd |= !!(w->pe[0] & W_PE0_FPD);
	if (!(w->pe[0] & W_PE0_P)) {
		fault(w, FR_SPT_NP, 0, "PASID entry %u not present", pasid);
		return;
	}
	pgtt = (w->pe[0] >> W_PE0_PGTT_SHIFT) & W_PE0_PGTT_MASK;
	invalid = pasid_entry_invalid(w, pgtt);
	if (pasid_entry_rsvd(w, pgtt)) {
		/* SPT.3 and SPT.4 both hold: either may be reported. */
		if (invalid)
			also(w, FR_SPT_INV);
		return;
	}
	if (invalid) {
		fault(w, FR_SPT_INV, 0, "PASID entry PGTT=%u AW=%llu FSPM=%llu: %s",
		      pgtt, ULL((w->pe[0] >> W_PE0_AW_SHIFT) & W_PE0_AW_MASK),
		      ULL((w->pe[2] >> W_PE2_FSPM_SHIFT) & W_PE2_FSPM_MASK),
		      invalid);
		return;
	}
	w->res->did = w->pe[1] & W_PE1_DID_MASK;
	w->snoop = (w->u->ecap & W_ECAP_SMPWC) && (w->pe[1] & W_PE1_PWSNP);
	/* SPT.5: VER major <= 7 and ECAP.ERS=0 (8 and above: RTA.5). */
	if (w->exec && !w->exec_rev3) {
		fault(w, FR_SPT_ERE, 0,
		      "execute request, ECAP.ERS=0 on VER major %u (SPT.5)",
		      (w->u->ver >> W_VER_MAJOR_SHIFT) & W_VER_MAJOR_MASK);
		if (w->priv && !(w->pe[2] & W_PE2_SRE))
			also(w, FR_SPT_SRE);
		return;
	}
	if (w->priv && !(w->pe[2] & W_PE2_SRE)) {
		fault(w, FR_SPT_SRE, 0, "privileged request, SRE=0 (SPT.6)");
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
	/* 9.5: FPD is evaluated whatever P says. */
	w->res->fpd |= !!(e & W_PDE_FPD);
	if (!(e & W_PDE_P)) {
		fault(w, FR_SPD_NP, 0, "PASID directory entry %u not present",
		      idx);
		return;
	}
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
	u32 pasid, rid_pasid;
	const u64 *v;

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
	/* 9.4: FPD is evaluated whatever P says. */
	w->res->fpd = v[0] & W_SCE_FPD;
	if (!(v[0] & W_SCE_P)) {
		fault(w, FR_SCT_NP, 0, "context entry %02x.%u not present",
		      devfn >> 3, devfn & 7);
		return;
	}
	if (sm_context_rsvd(w, v))
		return;
	/* 9.4: without ECAP.RPS, requests without PASID use PASID 0. */
	rid_pasid = (ecap & W_ECAP_RPS) ? v[1] & W_SCE1_RID_PASID : 0;
	/* SCT.4.1: DTE=0 with PRE=1. */
	if ((v[0] & W_SCE_PRE) && !(v[0] & W_SCE_DTE)) {
		fault(w, FR_SCT_INV, 0, "PRE=1 with DTE=0 (SCT.4.1)");
		return;
	}
	/*
	 * SCT.4.2: RID_PASID beyond the PDTS-sized directory, for every
	 * request through the entry (9.4: 2^(PDTS + 7) entries of 64).
	 */
	if (rid_pasid >> MIN(pdts + 13, W_PASID_BITS)) {
		fault(w, FR_SCT_INV, 0, "RID_PASID 0x%x beyond PDTS=%u (SCT.4.2)",
		      rid_pasid, pdts);
		return;
	}
	if (req->pasid_present) {
		pasid = req->pasid;
		if (!(v[0] & W_SCE_PASIDE)) {
			fault(w, FR_SCT_PASIDE, 0,
			      "request with PASID, PASIDE=0 (SCT.6)");
			return;
		}
		if (pasid >> MIN(pdts + 13, W_PASID_BITS)) {
			fault(w, FR_SCT_PDTS, 0, "PASID 0x%x beyond PDTS=%u (SCT.7)",
			      pasid, pdts);
			return;
		}
		/*
		 * SCT.9: a request with PASID must not alias the requests
		 * without one (RID_PASID; PASID 0 without ECAP.RPS).
		 */
		if (pasid == rid_pasid) {
			fault(w, FR_SCT_RID_PASID, 0,
			      "request with PASID 0x%x equal to RID_PASID (SCT.9)",
			      pasid);
			return;
		}
		w->priv = req->priv;
		w->exec = req->exec;
	} else {
		pasid = rid_pasid;
		w->priv = (ecap & W_ECAP_RPRIVS) && (v[1] & W_SCE1_RID_PRIV);
		/* 9.4: ExecuteRequested is 0 for requests without PASID. */
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

/*
 * 11.4.5: RTADDR.SSIRWE selects the IR/IW bits (61, 62) of second-stage
 * entries for permissions; without ECAP.SSIRWS the bit is Reserved(0)
 * and the unit uses R/W.
 */
static bool ssirwe(const struct walk_unit *u)
{
	return (u->ecap & W_ECAP_SSIRWS) && (u->rtaddr & W_RTADDR_SSIRWE);
}

/* 11.4.3: ECAP.PSS = N means PASIDs of N + 1 bits. */
static unsigned int pss_bits(const struct walk_unit *u)
{
	return ((u->ecap >> W_ECAP_PSS_SHIFT) & W_ECAP_PSS_MASK) + 1;
}

/*
 * SGN.10: a request with PASID wider than the PSS + 1 bits ECAP.PSS
 * reports (11.4.3: "Requests-with-PASID with PASID value beyond the limit
 * specified by this field are treated as error").
 */
static bool pasid_beyond_pss(const struct walker *w)
{
	return w->req->pasid_present && ((u64)w->req->pasid >> pss_bits(w->u));
}

void vtd_walk(const struct walk_unit *u, const struct walk_request *req,
	      struct walk_result *res)
{
	u64 ttm = (u->rtaddr >> W_RTADDR_TTM_SHIFT) & W_RTADDR_TTM_MASK;
	u64 rta = u->rtaddr & W_RTADDR_RTA;
	struct walk_request r = *req;
	unsigned int major;
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
	major = (u->ver >> W_VER_MAJOR_SHIFT) & W_VER_MAJOR_MASK;
	w.exec_rev3 = u->ver && major <= 7 && (u->ecap & W_ECAP_ERS);

	/*
	 * RTA.5: units of VER major 8 and above block every request with
	 * PASID that has ER set; not a qualified fault.
	 */
	if (req->pasid_present && req->exec && (!u->ver || major >= 8)) {
		fault(&w, FR_RTA_EXEC, 0, "execute request on VER major %u (RTA.5)",
		      u->ver ? major : 8);
		if (ttm == W_TTM_LEGACY)
			also(&w, FR_RTA_PASID);		/* RTA.2 holds too */
		else if (ttm == W_TTM_SCALABLE && (u->ecap & W_ECAP_SMTS) &&
			 pasid_beyond_pss(&w))
			also(&w, FR_SGN_PSS);		/* SGN.10 holds too */
		return;
	}
	switch (ttm) {
	case W_TTM_LEGACY:
		/*
		 * RTA.1.4: SSIRWE set with TTM=00b, for requests without
		 * PASID (RTA.2 takes those with one).
		 */
		if (ssirwe(u) && !req->pasid_present) {
			fault(&w, FR_RTA_TTM, 0,
			      "RTADDR.SSIRWE=1 with TTM=00b (RTA.1.4)");
			break;
		}
		walk_legacy(&w, rta);
		break;
	case W_TTM_SCALABLE:
		if (u->ecap & W_ECAP_SMTS) {
			w.ssirw = ssirwe(u);
			/*
			 * SGN.10 (89h), a scalable-mode general fault. Table
			 * 30 gives it no priority over the structure faults
			 * of the walk: a unit may check the PASID width first
			 * or walk first.
			 */
			if (pasid_beyond_pss(&w))
				pend(&w, FR_SGN_PSS, 0, true,
				     "PASID 0x%x beyond the %u bits of ECAP.PSS (SGN.10)",
				     w.req->pasid, pss_bits(u));
			walk_scalable(&w, rta);
			break;
		}
		fault(&w, FR_RTA_TTM, 0, "TTM=01b without ECAP.SMTS (RTA.1.3)");
		break;
	case W_TTM_ABORT:
		if (u->ecap & W_ECAP_ADMS) {
			/* RTA.4: blocked and recorded (not a qualified fault). */
			fault(&w, FR_RTA_ABORT, 0, "abort-DMA mode, TTM=11b (RTA.4)");
			break;
		}
		fault(&w, FR_RTA_TTM, 0, "TTM=11b without ECAP.ADMS (RTA.1.1)");
		break;
	default:
		fault(&w, FR_RTA_TTM, 0, "TTM=%llu reserved (RTA.1.2)", ULL(ttm));
		break;
	}
	settle(&w);
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
