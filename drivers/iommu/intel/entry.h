/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Translation structure formats (Intel VT-d spec rev 5.10, chapter 9), as
 * explicit u64 words with named masks and shifts. The reference walker
 * decodes these structures from its own definitions on purpose.
 */
#ifndef VTDTEST_INTEL_ENTRY_H
#define VTDTEST_INTEL_ENTRY_H

#include "lib/types.h"

#define VTD_PAGE_SHIFT		12
#define VTD_PAGE_SIZE		(1ULL << VTD_PAGE_SHIFT)
#define VTD_PAGE_MASK		GENMASK_ULL(63, 12)
#define VTD_ADDR_MASK		GENMASK_ULL(51, 12)	/* HAW up to 52 */

/* 9.1: legacy root entry; 9.2: scalable-mode root entry. */
struct root_entry {
	u64 lo;
	u64 hi;
};

#define ROOT_P			BIT_ULL(0)	/* legacy P, scalable LP */
#define ROOT_CTP_MASK		VTD_ADDR_MASK	/* context table pointer */
#define ROOT_HI_UP		BIT_ULL(0)	/* scalable: upper present */
#define ROOT_NR_ENTRIES		256
/* Scalable mode: lo covers devfn 0-127, hi devfn 128-255 (9.2). */
#define SM_CTX_PER_TABLE	128

/* 9.3: legacy context entry. */
struct context_entry {
	u64 lo;
	u64 hi;
};

#define CTX_P			BIT_ULL(0)
#define CTX_FPD			BIT_ULL(1)
#define CTX_TT_SHIFT		2
#define CTX_TT_MASK		GENMASK_ULL(3, 2)
#define CTX_TT_TRANSLATE	0ULL	/* untranslated via second level */
#define CTX_TT_DEV_TLB		1ULL	/* ... and translated/ATS requests */
#define CTX_TT_PASS_THROUGH	2ULL
#define CTX_SLPTPTR_MASK	VTD_ADDR_MASK
#define CTX_HI_AW_MASK		GENMASK_ULL(2, 0)
#define CTX_HI_DID_SHIFT	8
#define CTX_HI_DID_MASK		GENMASK_ULL(23, 8)

/* AW field: 1 = 39-bit 3-level, 2 = 48-bit 4-level, 3 = 57-bit 5-level. */
#define AW_3LEVEL		1
#define AW_4LEVEL		2
#define AW_5LEVEL		3

/* 9.4: scalable-mode context entry, 256 bits. */
struct sm_context_entry {
	u64 val[4];
};

#define SMCTX_P			BIT_ULL(0)
#define SMCTX_FPD		BIT_ULL(1)
#define SMCTX_DTE		BIT_ULL(2)
#define SMCTX_PASIDE		BIT_ULL(3)
#define SMCTX_PRE		BIT_ULL(4)
#define SMCTX_PDTS_SHIFT	9
#define SMCTX_PDTS_MASK		GENMASK_ULL(11, 9)
#define SMCTX_PASIDDIRPTR_MASK	VTD_ADDR_MASK
#define SMCTX_RID_PASID_MASK	GENMASK_ULL(19, 0)	/* val[1] */

/*
 * PDTS: the PASID directory has 2^(PDTS + 7) entries, each covering 64
 * PASIDs (9.4).
 */
#define PASID_DIR_SHIFT		6
#define PASID_TABLE_ENTRIES	64
#define PASID_MAX		(1U << 20)

/* 9.5: scalable-mode PASID directory entry. */
#define PDE_P			BIT_ULL(0)
#define PDE_FPD			BIT_ULL(1)
#define PDE_TABLE_MASK		VTD_ADDR_MASK

/* 9.6: scalable-mode PASID table entry, 512 bits. */
struct pasid_entry {
	u64 val[8];
};

#define PE0_P			BIT_ULL(0)
#define PE0_FPD			BIT_ULL(1)
#define PE0_AW_SHIFT		2
#define PE0_AW_MASK		GENMASK_ULL(4, 2)
#define PE0_SSEE		BIT_ULL(5)
#define PE0_PGTT_SHIFT		6
#define PE0_PGTT_MASK		GENMASK_ULL(8, 6)
#define PE0_SSADE		BIT_ULL(9)
#define PE0_SSPTPTR_MASK	VTD_ADDR_MASK
#define PE1_DID_MASK		GENMASK_ULL(15, 0)
#define PE1_PWSNP		BIT_ULL(23)
#define PE1_PGSNP		BIT_ULL(24)
#define PE2_SRE			BIT_ULL(0)
#define PE2_FSPM_SHIFT		2
#define PE2_FSPM_MASK		GENMASK_ULL(3, 2)
#define PE2_WPE			BIT_ULL(4)
#define PE2_EAFE		BIT_ULL(7)
#define PE2_FSPTPTR_MASK	VTD_ADDR_MASK

#define PGTT_FIRST_STAGE	1ULL
#define PGTT_SECOND_STAGE	2ULL
#define PGTT_NESTED		3ULL
#define PGTT_PASS_THROUGH	4ULL

#define FSPM_4LEVEL		0ULL
#define FSPM_5LEVEL		1ULL

/* 9.8: second-stage paging entry. */
#define SSPTE_R			BIT_ULL(0)
#define SSPTE_W			BIT_ULL(1)
#define SSPTE_X			BIT_ULL(2)
#define SSPTE_PS		BIT_ULL(7)
#define SSPTE_A			BIT_ULL(8)
#define SSPTE_D			BIT_ULL(9)
#define SSPTE_SNP		BIT_ULL(11)
#define SSPTE_ADDR_MASK		VTD_ADDR_MASK

/* 9.7: first-stage paging entry (IA-32e format). */
#define FSPTE_P			BIT_ULL(0)
#define FSPTE_RW		BIT_ULL(1)
#define FSPTE_US		BIT_ULL(2)
#define FSPTE_PWT		BIT_ULL(3)
#define FSPTE_PCD		BIT_ULL(4)
#define FSPTE_A			BIT_ULL(5)
#define FSPTE_D			BIT_ULL(6)
#define FSPTE_PS		BIT_ULL(7)
#define FSPTE_XD		BIT_ULL(63)
#define FSPTE_ADDR_MASK		VTD_ADDR_MASK

/* Each level translates 9 bits above the 4 KiB page offset. */
#define LEVEL_STRIDE		9
#define LEVEL_ENTRIES		512

static inline unsigned int level_shift(unsigned int level)
{
	return VTD_PAGE_SHIFT + (level - 1) * LEVEL_STRIDE;
}

static inline unsigned int level_index(u64 addr, unsigned int level)
{
	return (addr >> level_shift(level)) & (LEVEL_ENTRIES - 1);
}

#endif /* VTDTEST_INTEL_ENTRY_H */
