/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VT-d remapping unit registers (Intel VT-d spec rev 5.10, chapter 11).
 */
#ifndef VTDTEST_INTEL_REGS_H
#define VTDTEST_INTEL_REGS_H

#include "lib/types.h"

/* 11.4: register offsets. */
#define DMAR_VER_REG		0x000
#define DMAR_CAP_REG		0x008
#define DMAR_ECAP_REG		0x010
#define DMAR_GCMD_REG		0x018
#define DMAR_GSTS_REG		0x01c
#define DMAR_RTADDR_REG		0x020
#define DMAR_CCMD_REG		0x028
#define DMAR_FSTS_REG		0x034
#define DMAR_FECTL_REG		0x038
#define DMAR_FEDATA_REG		0x03c
#define DMAR_FEADDR_REG		0x040
#define DMAR_FEUADDR_REG	0x044
#define DMAR_AFLOG_REG		0x058
#define DMAR_PMEN_REG		0x064
#define DMAR_PLMBASE_REG	0x068
#define DMAR_PLMLIMIT_REG	0x06c
#define DMAR_PHMBASE_REG	0x070
#define DMAR_PHMLIMIT_REG	0x078
#define DMAR_IQH_REG		0x080
#define DMAR_IQT_REG		0x088
#define DMAR_IQA_REG		0x090
#define DMAR_ICS_REG		0x09c
#define DMAR_IECTL_REG		0x0a0
#define DMAR_IQER_REG		0x0b0
#define DMAR_IRTA_REG		0x0b8
#define DMAR_PQH_REG		0x0c0
#define DMAR_PQT_REG		0x0c8
#define DMAR_PQA_REG		0x0d0
#define DMAR_PRS_REG		0x0dc

/* 11.4.1: version. */
#define VER_MAJOR_SHIFT		4
#define VER_MAJOR_MASK		GENMASK_ULL(7, 4)
#define VER_MINOR_MASK		GENMASK_ULL(3, 0)

/* 11.4.2: capability register. */
#define CAP_ND_MASK		GENMASK_ULL(2, 0)
#define CAP_AFL			BIT_ULL(3)
#define CAP_RWBF		BIT_ULL(4)
#define CAP_PLMR		BIT_ULL(5)
#define CAP_PHMR		BIT_ULL(6)
#define CAP_CM			BIT_ULL(7)
#define CAP_SAGAW_SHIFT		8
#define CAP_SAGAW_MASK		GENMASK_ULL(12, 8)
#define CAP_MGAW_SHIFT		16
#define CAP_MGAW_MASK		GENMASK_ULL(21, 16)
#define CAP_ZLR			BIT_ULL(22)
#define CAP_FRO_SHIFT		24
#define CAP_FRO_MASK		GENMASK_ULL(33, 24)
#define CAP_SLLPS_SHIFT		34
#define CAP_SLLPS_MASK		GENMASK_ULL(37, 34)
#define CAP_PSI			BIT_ULL(39)
#define CAP_NFR_SHIFT		40
#define CAP_NFR_MASK		GENMASK_ULL(47, 40)
#define CAP_MAMV_SHIFT		48
#define CAP_MAMV_MASK		GENMASK_ULL(53, 48)
#define CAP_DWD			BIT_ULL(54)
#define CAP_DRD			BIT_ULL(55)
#define CAP_FS1GP		BIT_ULL(56)
#define CAP_PI			BIT_ULL(59)
#define CAP_FS5LP		BIT_ULL(60)
#define CAP_ECMDS		BIT_ULL(61)
#define CAP_ESIRTPS		BIT_ULL(62)
#define CAP_ESRTPS		BIT_ULL(63)

/* SAGAW bit n: (n + 2)-level second-stage tables, 30 + 9n bits. */
#define SAGAW_3LEVEL		BIT(1)
#define SAGAW_4LEVEL		BIT(2)
#define SAGAW_5LEVEL		BIT(3)

/* 11.4.3: extended capability register. */
#define ECAP_C			BIT_ULL(0)
#define ECAP_QI			BIT_ULL(1)
#define ECAP_DT			BIT_ULL(2)
#define ECAP_IR			BIT_ULL(3)
#define ECAP_EIM		BIT_ULL(4)
#define ECAP_PT			BIT_ULL(6)
#define ECAP_SC			BIT_ULL(7)
#define ECAP_IRO_SHIFT		8
#define ECAP_IRO_MASK		GENMASK_ULL(17, 8)
#define ECAP_MHMV_SHIFT		20
#define ECAP_MHMV_MASK		GENMASK_ULL(23, 20)
#define ECAP_MTS		BIT_ULL(25)
#define ECAP_NEST		BIT_ULL(26)
#define ECAP_PRS		BIT_ULL(29)
#define ECAP_ERS		BIT_ULL(30)
#define ECAP_SRS		BIT_ULL(31)
#define ECAP_NWFS		BIT_ULL(33)
#define ECAP_EAFS		BIT_ULL(34)
#define ECAP_PSS_SHIFT		35
#define ECAP_PSS_MASK		GENMASK_ULL(39, 35)
#define ECAP_PASID		BIT_ULL(40)
#define ECAP_DIT		BIT_ULL(41)
#define ECAP_PDS		BIT_ULL(42)
#define ECAP_SMTS		BIT_ULL(43)
#define ECAP_VCS		BIT_ULL(44)
#define ECAP_SSADS		BIT_ULL(45)
#define ECAP_SSTS		BIT_ULL(46)	/* Linux: SLTS */
#define ECAP_FSTS		BIT_ULL(47)	/* Linux: FLTS */
#define ECAP_SMPWC		BIT_ULL(48)
#define ECAP_RPS		BIT_ULL(49)
#define ECAP_PMS		BIT_ULL(51)
#define ECAP_RPRIVS		BIT_ULL(53)

/* 11.4.4.1 and 11.4.4.2: global command and status. */
#define GCMD_CFI		BIT(23)
#define GCMD_SIRTP		BIT(24)
#define GCMD_IRE		BIT(25)
#define GCMD_QIE		BIT(26)
#define GCMD_WBF		BIT(27)
#define GCMD_EAFL		BIT(28)
#define GCMD_SFL		BIT(29)
#define GCMD_SRTP		BIT(30)
#define GCMD_TE			BIT(31)
#define GSTS_CFIS		BIT(23)
#define GSTS_IRTPS		BIT(24)
#define GSTS_IRES		BIT(25)
#define GSTS_QIES		BIT(26)
#define GSTS_WBFS		BIT(27)
#define GSTS_AFLS		BIT(28)
#define GSTS_FLS		BIT(29)
#define GSTS_RTPS		BIT(30)
#define GSTS_TES		BIT(31)
/* GCMD bits that act once instead of holding a state (11.4.4). */
#define GCMD_ONE_SHOT		(GCMD_SRTP | GCMD_SFL | GCMD_WBF | GCMD_SIRTP)

/* 11.4.5: root table address. */
#define RTADDR_SMT		BIT_ULL(10)
#define RTADDR_ADDR_MASK	GENMASK_ULL(63, 12)

/* 11.4.7.1: fault status. */
#define FSTS_PFO		BIT(0)
#define FSTS_PPF		BIT(1)
#define FSTS_IQE		BIT(4)
#define FSTS_ICE		BIT(5)
#define FSTS_ITE		BIT(6)
#define FSTS_FRI_SHIFT		8
#define FSTS_FRI_MASK		GENMASK_ULL(15, 8)

/* 11.4.7.2: fault event control. */
#define FECTL_IP		BIT(30)
#define FECTL_IM		BIT(31)

/* 11.4.7.6: fault recording register, the upper 64 bits. */
#define FRCD_HI_SID_MASK	GENMASK_ULL(15, 0)
#define FRCD_HI_PRIV		BIT_ULL(29)	/* bit 93 of the record */
#define FRCD_HI_EXE		BIT_ULL(30)
#define FRCD_HI_PP		BIT_ULL(31)
#define FRCD_HI_FR_SHIFT	32
#define FRCD_HI_FR_MASK		GENMASK_ULL(39, 32)
#define FRCD_HI_PV_SHIFT	40
#define FRCD_HI_PV_MASK		GENMASK_ULL(59, 40)
#define FRCD_HI_AT_SHIFT	60
#define FRCD_HI_AT_MASK		GENMASK_ULL(61, 60)
#define FRCD_HI_T2		BIT_ULL(62)	/* 1: read, 0: write */
#define FRCD_HI_F		BIT_ULL(63)
#define FRCD_LO_FI_MASK		GENMASK_ULL(63, 12)
#define FRCD_LEN		16

/* 11.4.8.1: protected memory enable. */
#define PMEN_PRS		BIT(0)
#define PMEN_EPM		BIT(31)

static inline u32 cap_mgaw(u64 cap)
{
	return ((cap & CAP_MGAW_MASK) >> CAP_MGAW_SHIFT) + 1;
}

static inline u32 cap_sagaw(u64 cap)
{
	return (cap & CAP_SAGAW_MASK) >> CAP_SAGAW_SHIFT;
}

static inline u32 cap_nr_fault_regs(u64 cap)
{
	return ((cap & CAP_NFR_MASK) >> CAP_NFR_SHIFT) + 1;
}

static inline u32 cap_fault_reg_offset(u64 cap)
{
	return ((cap & CAP_FRO_MASK) >> CAP_FRO_SHIFT) * 16;
}

/* 11.4.2: ND, 2^(4 + 2 * ND) domain ids. */
static inline u32 cap_nr_domains(u64 cap)
{
	return 1U << (4 + 2 * (cap & CAP_ND_MASK));
}

static inline u32 ecap_iotlb_offset(u64 ecap)
{
	return ((ecap & ECAP_IRO_MASK) >> ECAP_IRO_SHIFT) * 16;
}

static inline u32 ecap_pss(u64 ecap)
{
	return (ecap & ECAP_PSS_MASK) >> ECAP_PSS_SHIFT;
}

#endif /* VTDTEST_INTEL_REGS_H */
