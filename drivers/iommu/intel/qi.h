/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Queued invalidation (VT-d spec rev 5.10, 6.5.2): descriptor encodings and the
 * synchronous submit path every cache flush goes through.
 */
#ifndef VTDTEST_INTEL_QI_H
#define VTDTEST_INTEL_QI_H

#include "drivers/iommu/intel/entry.h"
#include "lib/types.h"

struct intel_iommu;

struct qi_desc {
	u64 qw0;
	u64 qw1;
	u64 qw2;
	u64 qw3;
};

/* 6.5.2: descriptor types, qw0 bits 3:0 (and 11:9, always 0 here). */
#define QI_TYPE_CC		1ULL	/* context-cache */
#define QI_TYPE_IOTLB		2ULL
#define QI_TYPE_DIOTLB		3ULL	/* device-TLB */
#define QI_TYPE_IEC		4ULL	/* interrupt entry cache */
#define QI_TYPE_WAIT		5ULL
#define QI_TYPE_PIOTLB		6ULL	/* PASID-based IOTLB */
#define QI_TYPE_PC		7ULL	/* PASID-cache */
#define QI_TYPE_PDIOTLB		8ULL	/* PASID-based device-TLB */
#define QI_TYPE_MASK		GENMASK_ULL(3, 0)

#define QI_GRAN_SHIFT		4
#define QI_GRAN_MASK		GENMASK_ULL(5, 4)
#define QI_DID_SHIFT		16
#define QI_DID_MASK		GENMASK_ULL(31, 16)

/* 6.5.2.1: context-cache granularity; SID 47:32, FM 49:48. */
#define QI_CC_GLOBAL		1ULL
#define QI_CC_DOMAIN		2ULL
#define QI_CC_DEVICE		3ULL
#define QI_CC_SID_SHIFT		32
#define QI_CC_FM_SHIFT		48

/* 6.5.2.3: IOTLB granularity, drain bits, address and mask in qw1. */
#define QI_IOTLB_GLOBAL		1ULL
#define QI_IOTLB_DOMAIN		2ULL
#define QI_IOTLB_PAGE		3ULL
#define QI_IOTLB_DW		BIT_ULL(6)
#define QI_IOTLB_DR		BIT_ULL(7)
#define QI_ADDR_AM_MASK		GENMASK_ULL(5, 0)
#define QI_ADDR_IH		BIT_ULL(6)
#define QI_ADDR_MASK		GENMASK_ULL(63, 12)

/* 6.5.2.5: device-TLB: SID 47:32, PFSID 15:12 and 63:52, S in qw1. */
#define QI_DIOTLB_SID_SHIFT	32
#define QI_DIOTLB_QDEP_SHIFT	16
#define QI_DIOTLB_SIZE		BIT_ULL(0)
#define QI_PFSID_LO_SHIFT	12	/* PFSID bits 3:0 */
#define QI_PFSID_HI_SHIFT	52	/* PFSID bits 15:4 */

/* 6.5.2.6: PASID-based device-TLB: SID 31:16, QDEP 8:4, S at qw1 bit 11. */
#define QI_PDIOTLB_SID_SHIFT	16
#define QI_PDIOTLB_QDEP_SHIFT	4
#define QI_PDIOTLB_SIZE		BIT_ULL(11)
#define QI_DEV_IOTLB_MAX_INVS	32	/* MIP 0 stands for 32 */
#define QI_DEV_TLB_MASK_ALL	52U	/* 64 - VTD_PAGE_SHIFT: everything */

/* 6.5.2.7: interrupt entry cache, G bit 4 (1: index-selective). */
#define QI_IEC_INDEX		BIT_ULL(4)
#define QI_IEC_IM_SHIFT		27
#define QI_IEC_IIDX_SHIFT	32

/* 6.5.2.8: invalidation wait. */
#define QI_WAIT_IF		BIT_ULL(4)
#define QI_WAIT_SW		BIT_ULL(5)
#define QI_WAIT_FN		BIT_ULL(6)
#define QI_WAIT_PD		BIT_ULL(7)
#define QI_WAIT_DATA_SHIFT	32
#define QI_WAIT_ADDR_MASK	GENMASK_ULL(63, 2)

/* 6.5.2.4 and 6.5.2.2: PASID-based IOTLB and PASID-cache; PASID 51:32. */
#define QI_PASID_SHIFT		32
#define QI_PASID_MASK		GENMASK_ULL(51, 32)
#define QI_PIOTLB_PASID		2ULL	/* non-globals of one PASID */
#define QI_PIOTLB_PAGE		3ULL	/* page-selective within PASID */
#define QI_PC_DOMAIN		0ULL	/* all PASIDs of a domain */
#define QI_PC_PASID		1ULL
#define QI_PC_GLOBAL		3ULL

/* 11.4.9.3 (IQA) and 11.4.9.9 (IQER). */
#define IQA_DW			BIT_ULL(11)
#define IQA_QS_MASK		GENMASK_ULL(2, 0)
#define IQER_IQEI_MASK		GENMASK_ULL(3, 0)
#define IQER_ITESID_SHIFT	32
#define IQER_ICESID_SHIFT	48

#define QI_LENGTH		256	/* descriptors in the ring */
#define QI_TIMEOUT_US		100000

/* What went wrong in a submission, for the report. */
struct qi_error {
	u32 fsts;		/* IQE, ITE, ICE as found */
	u64 iqer;
	u32 head;		/* descriptor index the unit stopped at */
	bool have_desc;
	struct qi_desc desc;	/* the offending descriptor, for IQE */
};

static inline struct qi_desc qi_desc_cc(u64 gran, u16 did, u16 sid, u8 fm)
{
	return (struct qi_desc){
		.qw0 = QI_TYPE_CC | gran << QI_GRAN_SHIFT |
		       (u64)did << QI_DID_SHIFT | (u64)sid << QI_CC_SID_SHIFT |
		       (u64)(fm & 3) << QI_CC_FM_SHIFT,
	};
}

static inline struct qi_desc qi_desc_iotlb(u64 gran, u16 did, u64 addr,
					   unsigned int am, bool ih, u64 drain)
{
	return (struct qi_desc){
		.qw0 = QI_TYPE_IOTLB | gran << QI_GRAN_SHIFT | drain |
		       (u64)did << QI_DID_SHIFT,
		.qw1 = (addr & QI_ADDR_MASK) | (ih ? QI_ADDR_IH : 0) |
		       (am & QI_ADDR_AM_MASK),
	};
}

static inline struct qi_desc qi_desc_piotlb(u64 gran, u16 did, u32 pasid,
					    u64 addr, unsigned int am, bool ih)
{
	return (struct qi_desc){
		.qw0 = QI_TYPE_PIOTLB | gran << QI_GRAN_SHIFT |
		       (u64)did << QI_DID_SHIFT |
		       ((u64)pasid << QI_PASID_SHIFT & QI_PASID_MASK),
		.qw1 = gran == QI_PIOTLB_PAGE ?
			(addr & QI_ADDR_MASK) | (ih ? QI_ADDR_IH : 0) |
			(am & QI_ADDR_AM_MASK) : 0,
	};
}

static inline struct qi_desc qi_desc_pc(u64 gran, u16 did, u32 pasid)
{
	return (struct qi_desc){
		.qw0 = QI_TYPE_PC | gran << QI_GRAN_SHIFT |
		       (u64)did << QI_DID_SHIFT |
		       ((u64)pasid << QI_PASID_SHIFT & QI_PASID_MASK),
	};
}

/* @index: index-selective for 2^@im entries from @iidx, else global. */
static inline struct qi_desc qi_desc_iec(bool index, u16 iidx, u8 im)
{
	return (struct qi_desc){
		.qw0 = QI_TYPE_IEC | (index ? QI_IEC_INDEX |
			(u64)(im & 0x1f) << QI_IEC_IM_SHIFT |
			(u64)iidx << QI_IEC_IIDX_SHIFT : 0),
	};
}

static inline u64 qi_pfsid(u16 pfsid)
{
	return (u64)(pfsid & 0xf) << QI_PFSID_LO_SHIFT |
	       (u64)(pfsid >> 4) << QI_PFSID_HI_SHIFT;
}

/*
 * qi_desc_dev_iotlb() (iommu.h, Linux 7.3.4): the device-TLB of @sid
 * (physical function @pfsid) for 2^@mask pages from @addr. With a mask the
 * address carries its size (6.5.2.5: S = 1, and the PCIe ATS invalidation
 * encoding: the lowest 0 bit of ADDR above bit 11 says the size), so
 * (1 << (12 + mask - 1)) - 1 is ORed into it: mask 52
 * (MAX_AGAW_PFN_WIDTH, the callers' "everything") gives
 * 0x7ffffffffffff000 | S. A queue depth of QI_DEV_IOTLB_MAX_INVS (32, what
 * pci_ats_queue_depth() reports for an ATS field of 0) or more is sent as
 * MIP 0, which 6.5.2.5 reads as 32. Linux's callers never pass a mask
 * above 52; here one is taken as 52, where Linux would shift by 64.
 */
static inline struct qi_desc qi_desc_dev_tlb(u16 sid, u16 pfsid, u16 qdep,
					     u64 addr, unsigned int mask)
{
	struct qi_desc d = { .qw1 = addr & QI_ADDR_MASK };

	if (mask) {
		addr |= (1ULL << (VTD_PAGE_SHIFT + MIN(mask, QI_DEV_TLB_MASK_ALL) -
				  1)) - 1;
		d.qw1 = (addr & QI_ADDR_MASK) | QI_DIOTLB_SIZE;
	}
	if (qdep >= QI_DEV_IOTLB_MAX_INVS)
		qdep = 0;
	d.qw0 = QI_TYPE_DIOTLB | (u64)sid << QI_DIOTLB_SID_SHIFT |
		(u64)(qdep & 0x1f) << QI_DIOTLB_QDEP_SHIFT | qi_pfsid(pfsid);
	return d;
}

/*
 * qi_desc_dev_iotlb_pasid() (iommu.h, Linux 7.3.4), 6.5.2.6: the
 * device-TLB of @sid for @pasid, 2^@size_order pages from @addr. The order
 * is bounded at 52 (64 - VTD_PAGE_SHIFT: bit 63 the lowest 0 of ADDR, a
 * full flush); with an order, ADDR bits 12 + order - 2 .. 12 are set, bit
 * 12 + order - 1 cleared, and S (bit 11 of qw1) set: order 52 at 0 gives
 * 0x7ffffffffffff800. Linux warns about an address not aligned to the
 * order and sends it anyway; the queue depth is masked to 5 bits, not
 * clamped as in qi_desc_dev_tlb().
 */
static inline struct qi_desc qi_desc_pdev_tlb(u16 sid, u16 pfsid, u32 pasid,
					      u16 qdep, u64 addr,
					      unsigned int size_order)
{
	struct qi_desc d = {
		.qw0 = QI_TYPE_PDIOTLB | (u64)sid << QI_PDIOTLB_SID_SHIFT |
		       (u64)(qdep & 0x1f) << QI_PDIOTLB_QDEP_SHIFT |
		       ((u64)pasid << QI_PASID_SHIFT & QI_PASID_MASK) |
		       qi_pfsid(pfsid),
		.qw1 = addr & QI_ADDR_MASK,
	};

	size_order = MIN(size_order, QI_DEV_TLB_MASK_ALL);
	if (size_order) {
		d.qw1 |= GENMASK_ULL(size_order + VTD_PAGE_SHIFT - 1,
				     VTD_PAGE_SHIFT);
		d.qw1 &= ~BIT_ULL(VTD_PAGE_SHIFT + size_order - 1);
		d.qw1 |= QI_PDIOTLB_SIZE;
	}
	return d;
}

static inline struct qi_desc qi_desc_wait(u32 data, u64 status_phys)
{
	return (struct qi_desc){
		.qw0 = QI_TYPE_WAIT | QI_WAIT_SW |
		       (u64)data << QI_WAIT_DATA_SHIFT,
		.qw1 = status_phys & QI_WAIT_ADDR_MASK,
	};
}

int qi_enable(struct intel_iommu *iommu);
/* 0, or -ETIMEDOUT when GSTS.QIES stayed set. */
int qi_disable(struct intel_iommu *iommu);
/*
 * Queues @n descriptors and a wait descriptor, and waits for the status
 * write. 0, -EINVAL (IQE: the bad descriptor was replaced and the queue
 * drained), -ETIMEDOUT (ITE, or no status write in time) or -EIO (ICE); the
 * details land in @err when given.
 */
int qi_submit_sync(struct intel_iommu *iommu, const struct qi_desc *descs,
		   unsigned int n, struct qi_error *err);
void qi_print_error(const struct intel_iommu *iommu, const struct qi_error *err);
/* "IOTLB domain did=3 ..." for a trace or a report. */
void qi_desc_describe(const struct qi_desc *d, char *buf, size_t len);

#endif /* VTDTEST_INTEL_QI_H */
