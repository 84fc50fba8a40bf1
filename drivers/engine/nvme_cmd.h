/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NVMe as plain words: controller properties, submission and completion
 * queue entries, PRPs, doorbell offsets, status names and the Identify
 * fields the NVMe engine reads. Nothing here touches a device, so the same
 * code builds into the firmware and into the host unit tests.
 *
 * Sources: NVM Express Base Specification 2.0 ("Base"), NVM Command Set
 * Specification 1.0 ("NVM CS"), NVMe over PCIe Transport Specification 1.0
 * ("PCIe"). Only the commands the engine may issue on a real machine have
 * opcodes here: Identify, Set Features (Number of Queues), Create and
 * Delete I/O queues, Read and Compare. None of them changes the media.
 */
#ifndef VTDTEST_DRIVERS_ENGINE_NVME_CMD_H
#define VTDTEST_DRIVERS_ENGINE_NVME_CMD_H

#include "lib/types.h"

/* Base 3.1.3: controller properties, memory-mapped in BAR0. */
#define NVME_REG_CAP		0x00
#define NVME_REG_VS		0x08
#define NVME_REG_CC		0x14
#define NVME_REG_CSTS		0x1c
#define NVME_REG_AQA		0x24
#define NVME_REG_ASQ		0x28
#define NVME_REG_ACQ		0x30

/* Base 3.1.3.1: CAP, Controller Capabilities. */
#define NVME_CAP_MQES_MASK	GENMASK_ULL(15, 0)	/* 0's based */
#define NVME_CAP_TO_SHIFT	24
#define NVME_CAP_TO_MASK	GENMASK_ULL(31, 24)	/* 500 ms units */
#define NVME_CAP_DSTRD_SHIFT	32
#define NVME_CAP_DSTRD_MASK	GENMASK_ULL(35, 32)
#define NVME_CAP_CSS_NVM	BIT_ULL(37)
#define NVME_CAP_MPSMIN_SHIFT	48
#define NVME_CAP_MPSMIN_MASK	GENMASK_ULL(51, 48)
#define NVME_CAP_TO_UNIT_US	500000ULL

/* Base 3.1.3.2: VS, Version. */
#define NVME_VS_MJR_SHIFT	16
#define NVME_VS_MJR_MASK	GENMASK_ULL(31, 16)
#define NVME_VS_MNR_SHIFT	8
#define NVME_VS_MNR_MASK	GENMASK_ULL(15, 8)

/* Base 3.1.3.5: CC, Controller Configuration. */
#define NVME_CC_EN		BIT(0)
#define NVME_CC_CSS_SHIFT	4
#define NVME_CC_CSS_NVM		(0U << NVME_CC_CSS_SHIFT)
#define NVME_CC_MPS_SHIFT	7		/* page = 2^(12 + MPS) */
#define NVME_CC_MPS_4K		(0U << NVME_CC_MPS_SHIFT)
#define NVME_CC_AMS_SHIFT	11
#define NVME_CC_AMS_RR		(0U << NVME_CC_AMS_SHIFT)
#define NVME_CC_SHN_SHIFT	14
#define NVME_CC_SHN_MASK	GENMASK_ULL(15, 14)
#define NVME_CC_SHN_NORMAL	(1U << NVME_CC_SHN_SHIFT)
#define NVME_CC_IOSQES_SHIFT	16		/* 2^n bytes */
#define NVME_CC_IOCQES_SHIFT	20

/* Base 3.1.3.6: CSTS, Controller Status. */
#define NVME_CSTS_RDY		BIT(0)
#define NVME_CSTS_CFS		BIT(1)
#define NVME_CSTS_SHST_MASK	GENMASK_ULL(3, 2)
#define NVME_CSTS_SHST_DONE	(2U << 2)

/* Base 3.1.3.8: AQA, Admin Queue Attributes (sizes are 0's based). */
#define NVME_AQA_ACQS_SHIFT	16

/* Base 3.3.3.1: 64-byte submission and 16-byte completion entries. */
#define NVME_SQES_SHIFT		6
#define NVME_CQES_SHIFT		4
#define NVME_CC_IOSQES		(NVME_SQES_SHIFT << NVME_CC_IOSQES_SHIFT)
#define NVME_CC_IOCQES		(NVME_CQES_SHIFT << NVME_CC_IOCQES_SHIFT)

/* Base 3.3.3.1: Command Dword 0. */
#define NVME_SQE_CID_SHIFT	16		/* OPC 7:0, FUSE 9:8, PSDT 15:14 */

/* Base 5 (admin) and NVM CS 3.3 (I/O): the only opcodes the engine uses. */
enum nvme_opcode {
	NVME_ADMIN_DELETE_SQ	= 0x00,		/* Base 5.7 */
	NVME_ADMIN_CREATE_SQ	= 0x01,		/* Base 5.5 */
	NVME_ADMIN_DELETE_CQ	= 0x04,		/* Base 5.6 */
	NVME_ADMIN_CREATE_CQ	= 0x05,		/* Base 5.4 */
	NVME_ADMIN_IDENTIFY	= 0x06,		/* Base 5.17 */
	NVME_ADMIN_SET_FEATURES	= 0x09,		/* Base 5.27 */
	NVME_IO_READ		= 0x02,		/* NVM CS 3.3.4 */
	NVME_IO_COMPARE		= 0x05,		/* NVM CS 3.3.1 */
};

/* Base 5.17: Controller or Namespace Structure, CDW10 7:0. */
enum nvme_cns {
	NVME_CNS_NS		= 0x00,
	NVME_CNS_CTRL		= 0x01,
	NVME_CNS_ACTIVE_NSIDS	= 0x02,
};

#define NVME_IDENTIFY_SIZE	4096

/* Base 5.27.1: Feature Identifier 07h, Number of Queues. */
#define NVME_FEAT_NUM_QUEUES	0x07
#define NVME_FEAT_NCQR_SHIFT	16

/* Base 5.4 and 5.5: queue creation. */
#define NVME_QUEUE_QSIZE_SHIFT	16		/* CDW10: QSIZE 31:16, QID 15:0 */
#define NVME_QUEUE_PC		BIT(0)		/* physically contiguous */
#define NVME_SQ_QPRIO_MEDIUM	(2U << 1)	/* as Linux; RR ignores it */
#define NVME_SQ_CQID_SHIFT	16

/* One submission queue entry, Base 3.3.3.1: sixteen little-endian dwords. */
struct nvme_sqe {
	u32 dw[16];
};

/* One completion queue entry, Base 3.3.3.2: four dwords. */
struct nvme_cqe {
	u32 dw[4];
};

/* Base 3.3.3.2: DW2 SQHD 15:0, SQID 31:16; DW3 as below. */
#define NVME_CQE_CID_MASK	GENMASK_ULL(15, 0)
#define NVME_CQE_PHASE		BIT(16)
#define NVME_CQE_STATUS_SHIFT	17		/* status field, DW3 31:17 */

/*
 * Base 3.3.3.2.1: the 15-bit status field as the controller
 * puts it in DW3 31:17, shifted down: SC 7:0, SCT 10:8, CRD 12:11, M 13,
 * DNR 14.
 */
#define NVME_STATUS_SC_MASK	GENMASK_ULL(7, 0)
#define NVME_STATUS_SCT_SHIFT	8
#define NVME_STATUS_SCT_MASK	GENMASK_ULL(10, 8)
#define NVME_STATUS_MORE	BIT(13)
#define NVME_STATUS_DNR		BIT(14)

enum nvme_sct {
	NVME_SCT_GENERIC	= 0,
	NVME_SCT_CMD_SPECIFIC	= 1,
	NVME_SCT_MEDIA		= 2,
	NVME_SCT_PATH		= 3,
	NVME_SCT_VENDOR		= 7,
};

#define NVME_SC_SUCCESS		0x00
#define NVME_SC_COMPARE_FAILED	0x85		/* SCT 2, NVM CS 3.3.1 */

/* Base 3.3.1: a queue as the host sees it. */
struct nvme_ring {
	u16 depth;	/* entries */
	u16 tail;	/* submission queue: next slot to fill */
	u16 head;	/* completion queue: next entry to consume */
	u8 phase;	/* completion queue: the Phase Tag of a new entry */
};

/*
 * PRPs for one transfer of @len bytes at @addr, a dword-aligned bus
 * address of a buffer contiguous in that address space (Base 4.1.1).
 * prp2 is 0, the second page, or @list_addr when list[] holds the entries
 * after the first; nr_list says how many.
 */
#define NVME_PAGE_SIZE		4096ULL
#define NVME_PRP_LIST_MAX	(NVME_PAGE_SIZE / 8)

struct nvme_prp {
	u64 prp1;
	u64 prp2;
	u32 nr_list;
};

int nvme_prp_build(u64 addr, u32 len, u64 list_addr, u64 *list,
		   struct nvme_prp *prp);

/* CAP fields and the bounds derived from them. */
u32 nvme_cap_mqes(u64 cap);
u32 nvme_cap_dstrd(u64 cap);
u32 nvme_cap_mpsmin(u64 cap);
u64 nvme_cap_timeout_us(u64 cap);

/* PCIe 3.1.2: doorbell offsets in BAR0 for queue @qid. */
u64 nvme_sq_tail_doorbell(u16 qid, u32 dstrd);
u64 nvme_cq_head_doorbell(u16 qid, u32 dstrd);

/* Submission and completion queue indices. */
void nvme_ring_init(struct nvme_ring *ring, u16 depth);
u16 nvme_sq_advance(struct nvme_ring *ring);
bool nvme_cqe_new(const struct nvme_ring *ring, u32 dw3);
void nvme_cq_advance(struct nvme_ring *ring);

/* Submission queue entries; each starts from zero. */
void nvme_sqe_identify(struct nvme_sqe *sqe, enum nvme_cns cns, u32 nsid);
void nvme_sqe_set_num_queues(struct nvme_sqe *sqe, u16 nr_sq, u16 nr_cq);
void nvme_sqe_create_cq(struct nvme_sqe *sqe, u16 qid, u16 depth, u64 addr);
void nvme_sqe_create_sq(struct nvme_sqe *sqe, u16 qid, u16 depth, u64 addr,
			u16 cqid);
void nvme_sqe_delete_queue(struct nvme_sqe *sqe, enum nvme_opcode opcode,
			   u16 qid);
void nvme_sqe_rw(struct nvme_sqe *sqe, enum nvme_opcode opcode, u32 nsid,
		 u64 slba, u32 nr_blocks);
void nvme_sqe_set_cid(struct nvme_sqe *sqe, u16 cid);
u16 nvme_next_cid(u16 cid);
void nvme_sqe_set_prp(struct nvme_sqe *sqe, const struct nvme_prp *prp);

/* Completion queue entries. */
u16 nvme_cqe_cid(const struct nvme_cqe *cqe);
u16 nvme_cqe_status(const struct nvme_cqe *cqe);
u8 nvme_status_sct(u16 status);
u8 nvme_status_sc(u16 status);
bool nvme_status_ok(u16 status);
bool nvme_status_compare_failed(u16 status);
const char *nvme_status_name(u16 status);

/* Base 5.17 (CNS 01h): Identify Controller data structure fields. */
u32 nvme_id_ctrl_max_transfer(const u8 *id, u32 mpsmin, u32 want);
u32 nvme_id_ctrl_nn(const u8 *id);
u16 nvme_id_ctrl_oncs(const u8 *id);
u64 nvme_shutdown_timeout_us(const u8 *id);
#define NVME_ONCS_COMPARE	BIT(0)
/* Linux's bounds on a normal shutdown (core.c, shutdown_timeout). */
#define NVME_SHUTDOWN_MIN_US	5000000ULL
#define NVME_SHUTDOWN_MAX_US	60000000ULL

/* NVM CS 4.1.5.1 (CNS 00h): Identify Namespace data structure fields. */
u64 nvme_id_ns_nsze(const u8 *id);
u32 nvme_id_ns_lbaf(const u8 *id);
#define NVME_LBAF_MS_MASK	GENMASK_ULL(15, 0)	/* metadata bytes */
#define NVME_LBAF_LBADS_SHIFT	16			/* 2^n data bytes */
#define NVME_LBAF_LBADS_MASK	GENMASK_ULL(23, 16)

/* Base 5.17 (CNS 02h): the first NSID of an Active Namespace ID list. */
u32 nvme_first_nsid(const u8 *list);

#endif /* VTDTEST_DRIVERS_ENGINE_NVME_CMD_H */
