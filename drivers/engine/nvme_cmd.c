// SPDX-License-Identifier: GPL-2.0
/*
 * NVMe words for the NVMe engine: queue entries, PRPs, doorbells, status
 * names and Identify fields. Portable: the host unit tests build it too.
 */
#include "drivers/engine/nvme_cmd.h"
#include "lib/errno.h"

#define NVME_DOORBELL_BASE	0x1000
#define NVME_CID_RESERVED	0xffff

/* Base 5.17 (CNS 01h): byte offsets in the Identify Controller data. */
#define NVME_ID_CTRL_RTD3E	88
#define NVME_ID_CTRL_MDTS	77
#define NVME_ID_CTRL_NN		516
#define NVME_ID_CTRL_ONCS	520

/* NVM CS 4.1.5.1 (CNS 00h): byte offsets in the Identify Namespace data. */
#define NVME_ID_NS_NSZE		0
#define NVME_ID_NS_NLBAF	25
#define NVME_ID_NS_FLBAS	26
#define NVME_ID_NS_LBAF		128
#define NVME_FLBAS_LOW_MASK	GENMASK_ULL(3, 0)	/* format index 3:0 */
#define NVME_FLBAS_HIGH_SHIFT	5			/* format index 5:4 */
#define NVME_FLBAS_HIGH_MASK	GENMASK_ULL(6, 5)

static u16 get_le16(const u8 *p)
{
	return (u16)(p[0] | p[1] << 8);
}

static u32 get_le32(const u8 *p)
{
	return (u32)get_le16(p) | (u32)get_le16(p + 2) << 16;
}

static u64 get_le64(const u8 *p)
{
	return (u64)get_le32(p) | (u64)get_le32(p + 4) << 32;
}

/*
 * Base 4.1.1: PRP1 holds the first address with its dword offset; every
 * other entry is a page address. A transfer within one page needs only
 * PRP1, one that ends in the next page puts that page in PRP2, a longer
 * one puts in PRP2 the address of a list of the remaining pages. One list
 * page is enough for every request the engine makes, so chained lists are
 * refused.
 */
int nvme_prp_build(u64 addr, u32 len, u64 list_addr, u64 *list,
		   struct nvme_prp *prp)
{
	u64 first = addr & ~(NVME_PAGE_SIZE - 1);
	u64 end = addr + len;
	u64 pages;

	if (!len || !IS_ALIGNED(addr, 4) || end < addr ||
	    !IS_ALIGNED(list_addr, NVME_PAGE_SIZE))
		return -EINVAL;
	pages = (ALIGN_UP(end, NVME_PAGE_SIZE) - first) / NVME_PAGE_SIZE;
	*prp = (struct nvme_prp){ .prp1 = addr };
	if (pages == 1)
		return 0;
	if (pages == 2) {
		prp->prp2 = first + NVME_PAGE_SIZE;
		return 0;
	}
	if (pages - 1 > NVME_PRP_LIST_MAX)
		return -ERANGE;
	for (u32 i = 0; i < pages - 1; i++)
		list[i] = first + (i + 1) * NVME_PAGE_SIZE;
	prp->prp2 = list_addr;
	prp->nr_list = pages - 1;
	return 0;
}

/* Base 3.1.3.1: entries a queue may have, 0's based in CAP. */
u32 nvme_cap_mqes(u64 cap)
{
	return (u32)(cap & NVME_CAP_MQES_MASK);
}

u32 nvme_cap_dstrd(u64 cap)
{
	return (u32)((cap & NVME_CAP_DSTRD_MASK) >> NVME_CAP_DSTRD_SHIFT);
}

u32 nvme_cap_mpsmin(u64 cap)
{
	return (u32)((cap & NVME_CAP_MPSMIN_MASK) >> NVME_CAP_MPSMIN_SHIFT);
}

/*
 * Base 3.1.3.1: CAP.TO bounds how long CSTS.RDY takes to follow CC.EN, in
 * 500 ms units. A controller reporting 0 still gets one unit.
 */
u64 nvme_cap_timeout_us(u64 cap)
{
	u64 to = (cap & NVME_CAP_TO_MASK) >> NVME_CAP_TO_SHIFT;

	return MAX(to, 1ULL) * NVME_CAP_TO_UNIT_US;
}

/* PCIe 3.1.2: SQyTDBL at 1000h + (2y * (4 << DSTRD)), CQyHDBL after it. */
u64 nvme_sq_tail_doorbell(u16 qid, u32 dstrd)
{
	return NVME_DOORBELL_BASE + (2ULL * qid) * (4ULL << dstrd);
}

u64 nvme_cq_head_doorbell(u16 qid, u32 dstrd)
{
	return NVME_DOORBELL_BASE + (2ULL * qid + 1) * (4ULL << dstrd);
}

/*
 * Base 3.3.1: indices start at 0, and the first pass through a completion
 * queue posts entries with the Phase Tag set (the host zeroed the queue).
 */
void nvme_ring_init(struct nvme_ring *ring, u16 depth)
{
	*ring = (struct nvme_ring){ .depth = depth, .phase = 1 };
}

/* Moves the tail past the entry just filled; the new tail is rung. */
u16 nvme_sq_advance(struct nvme_ring *ring)
{
	ring->tail = ring->tail + 1 == ring->depth ? 0 : ring->tail + 1;
	return ring->tail;
}

/* Base 3.3.3.2: an entry is new when its Phase Tag is the current one. */
bool nvme_cqe_new(const struct nvme_ring *ring, u32 dw3)
{
	return !!(dw3 & NVME_CQE_PHASE) == ring->phase;
}

/* Consumes the entry at the head; the phase inverts on each wrap. */
void nvme_cq_advance(struct nvme_ring *ring)
{
	if (++ring->head == ring->depth) {
		ring->head = 0;
		ring->phase ^= 1;
	}
}

static void sqe_init(struct nvme_sqe *sqe, enum nvme_opcode opcode, u32 nsid)
{
	*sqe = (struct nvme_sqe){ .dw = { [0] = opcode, [1] = nsid } };
}

void nvme_sqe_identify(struct nvme_sqe *sqe, enum nvme_cns cns, u32 nsid)
{
	sqe_init(sqe, NVME_ADMIN_IDENTIFY, nsid);
	sqe->dw[10] = cns;
}

/* Base 5.27.1: NSQR 15:0 and NCQR 31:16 in CDW11, both 0's based. */
void nvme_sqe_set_num_queues(struct nvme_sqe *sqe, u16 nr_sq, u16 nr_cq)
{
	sqe_init(sqe, NVME_ADMIN_SET_FEATURES, 0);
	sqe->dw[10] = NVME_FEAT_NUM_QUEUES;
	sqe->dw[11] = (u32)(nr_sq - 1) | (u32)(nr_cq - 1) << NVME_FEAT_NCQR_SHIFT;
}

static void sqe_queue(struct nvme_sqe *sqe, enum nvme_opcode opcode, u16 qid,
		      u16 depth, u64 addr)
{
	sqe_init(sqe, opcode, 0);
	sqe->dw[6] = (u32)addr;
	sqe->dw[7] = (u32)(addr >> 32);
	sqe->dw[10] = (u32)(depth - 1) << NVME_QUEUE_QSIZE_SHIFT | qid;
}

/* Base 5.4: polled, so IEN 0 and IV 0; one contiguous page, PC 1. */
void nvme_sqe_create_cq(struct nvme_sqe *sqe, u16 qid, u16 depth, u64 addr)
{
	sqe_queue(sqe, NVME_ADMIN_CREATE_CQ, qid, depth, addr);
	sqe->dw[11] = NVME_QUEUE_PC;
}

/* Base 5.5: CQID 31:16, QPRIO 2:1, PC 0 in CDW11. */
void nvme_sqe_create_sq(struct nvme_sqe *sqe, u16 qid, u16 depth, u64 addr,
			u16 cqid)
{
	sqe_queue(sqe, NVME_ADMIN_CREATE_SQ, qid, depth, addr);
	sqe->dw[11] = (u32)cqid << NVME_SQ_CQID_SHIFT | NVME_SQ_QPRIO_MEDIUM |
		      NVME_QUEUE_PC;
}

/* Base 5.6 and 5.7: the queue identifier in CDW10 15:0. */
void nvme_sqe_delete_queue(struct nvme_sqe *sqe, enum nvme_opcode opcode,
			   u16 qid)
{
	sqe_init(sqe, opcode, 0);
	sqe->dw[10] = qid;
}

/* NVM CS 3.3.1 and 3.3.4: SLBA in CDW10-11, NLB (0's based) in CDW12. */
void nvme_sqe_rw(struct nvme_sqe *sqe, enum nvme_opcode opcode, u32 nsid,
		 u64 slba, u32 nr_blocks)
{
	sqe_init(sqe, opcode, nsid);
	sqe->dw[10] = (u32)slba;
	sqe->dw[11] = (u32)(slba >> 32);
	sqe->dw[12] = (nr_blocks - 1) & 0xffff;
}

void nvme_sqe_set_cid(struct nvme_sqe *sqe, u16 cid)
{
	sqe->dw[0] = (sqe->dw[0] & 0xffff) | (u32)cid << NVME_SQE_CID_SHIFT;
}

/* Base 3.3.3.1: CID FFFFh is reserved for "no command" in error logs. */
u16 nvme_next_cid(u16 cid)
{
	return cid + 1 == NVME_CID_RESERVED ? 0 : cid + 1;
}

/* Base 3.3.3.1: PRP Entry 1 in CDW6-7, PRP Entry 2 in CDW8-9. */
void nvme_sqe_set_prp(struct nvme_sqe *sqe, const struct nvme_prp *prp)
{
	sqe->dw[6] = (u32)prp->prp1;
	sqe->dw[7] = (u32)(prp->prp1 >> 32);
	sqe->dw[8] = (u32)prp->prp2;
	sqe->dw[9] = (u32)(prp->prp2 >> 32);
}

u16 nvme_cqe_cid(const struct nvme_cqe *cqe)
{
	return (u16)(cqe->dw[3] & NVME_CQE_CID_MASK);
}

u16 nvme_cqe_status(const struct nvme_cqe *cqe)
{
	return (u16)(cqe->dw[3] >> NVME_CQE_STATUS_SHIFT);
}

u8 nvme_status_sct(u16 status)
{
	return (u8)((status & NVME_STATUS_SCT_MASK) >> NVME_STATUS_SCT_SHIFT);
}

u8 nvme_status_sc(u16 status)
{
	return (u8)(status & NVME_STATUS_SC_MASK);
}

bool nvme_status_ok(u16 status)
{
	return nvme_status_sct(status) == NVME_SCT_GENERIC &&
	       nvme_status_sc(status) == NVME_SC_SUCCESS;
}

/* CRD, M and DNR say nothing about the outcome. */
bool nvme_status_compare_failed(u16 status)
{
	return nvme_status_sct(status) == NVME_SCT_MEDIA &&
	       nvme_status_sc(status) == NVME_SC_COMPARE_FAILED;
}

struct nvme_status_desc {
	u8 sct;
	u8 sc;
	const char *name;
};

/*
 * Base 3.3.3.2.1: generic, command specific, media and data integrity,
 * and path related status codes; in the first three, codes 80h and up are
 * those the NVM Command Set defines.
 */
static const struct nvme_status_desc nvme_statuses[] = {
	{ NVME_SCT_GENERIC, 0x00, "Successful Completion" },
	{ NVME_SCT_GENERIC, 0x01, "Invalid Command Opcode" },
	{ NVME_SCT_GENERIC, 0x02, "Invalid Field in Command" },
	{ NVME_SCT_GENERIC, 0x03, "Command ID Conflict" },
	{ NVME_SCT_GENERIC, 0x04, "Data Transfer Error" },
	{ NVME_SCT_GENERIC, 0x05, "Commands Aborted due to Power Loss Notification" },
	{ NVME_SCT_GENERIC, 0x06, "Internal Error" },
	{ NVME_SCT_GENERIC, 0x07, "Command Abort Requested" },
	{ NVME_SCT_GENERIC, 0x08, "Command Aborted due to SQ Deletion" },
	{ NVME_SCT_GENERIC, 0x09, "Command Aborted due to Failed Fused Command" },
	{ NVME_SCT_GENERIC, 0x0a, "Command Aborted due to Missing Fused Command" },
	{ NVME_SCT_GENERIC, 0x0b, "Invalid Namespace or Format" },
	{ NVME_SCT_GENERIC, 0x0c, "Command Sequence Error" },
	{ NVME_SCT_GENERIC, 0x12, "Invalid Use of Controller Memory Buffer" },
	{ NVME_SCT_GENERIC, 0x13, "PRP Offset Invalid" },
	{ NVME_SCT_GENERIC, 0x15, "Operation Denied" },
	{ NVME_SCT_GENERIC, 0x1d, "Sanitize In Progress" },
	{ NVME_SCT_GENERIC, 0x21, "Command Interrupted" },
	{ NVME_SCT_GENERIC, 0x22, "Transient Transport Error" },
	{ NVME_SCT_GENERIC, 0x80, "LBA Out of Range" },
	{ NVME_SCT_GENERIC, 0x81, "Capacity Exceeded" },
	{ NVME_SCT_GENERIC, 0x82, "Namespace Not Ready" },
	{ NVME_SCT_GENERIC, 0x83, "Reservation Conflict" },
	{ NVME_SCT_GENERIC, 0x84, "Format In Progress" },
	{ NVME_SCT_CMD_SPECIFIC, 0x00, "Completion Queue Invalid" },
	{ NVME_SCT_CMD_SPECIFIC, 0x01, "Invalid Queue Identifier" },
	{ NVME_SCT_CMD_SPECIFIC, 0x02, "Invalid Queue Size" },
	{ NVME_SCT_CMD_SPECIFIC, 0x08, "Invalid Interrupt Vector" },
	{ NVME_SCT_CMD_SPECIFIC, 0x0c, "Invalid Queue Deletion" },
	{ NVME_SCT_CMD_SPECIFIC, 0x0e, "Feature Not Changeable" },
	{ NVME_SCT_CMD_SPECIFIC, 0x80, "Conflicting Attributes" },
	{ NVME_SCT_CMD_SPECIFIC, 0x81, "Invalid Protection Information" },
	{ NVME_SCT_MEDIA, 0x80, "Write Fault" },
	{ NVME_SCT_MEDIA, 0x81, "Unrecovered Read Error" },
	{ NVME_SCT_MEDIA, 0x82, "End-to-end Guard Check Error" },
	{ NVME_SCT_MEDIA, 0x83, "End-to-end Application Tag Check Error" },
	{ NVME_SCT_MEDIA, 0x84, "End-to-end Reference Tag Check Error" },
	{ NVME_SCT_MEDIA, 0x85, "Compare Failure" },
	{ NVME_SCT_MEDIA, 0x86, "Access Denied" },
	{ NVME_SCT_MEDIA, 0x87, "Deallocated or Unwritten Logical Block" },
	{ NVME_SCT_PATH, 0x00, "Internal Path Error" },
	{ NVME_SCT_PATH, 0x60, "Controller Pathing Error" },
	{ NVME_SCT_PATH, 0x70, "Host Pathing Error" },
	{ NVME_SCT_PATH, 0x71, "Command Aborted By Host" },
};

const char *nvme_status_name(u16 status)
{
	u8 sct = nvme_status_sct(status), sc = nvme_status_sc(status);

	for (size_t i = 0; i < ARRAY_SIZE(nvme_statuses); i++)
		if (nvme_statuses[i].sct == sct && nvme_statuses[i].sc == sc)
			return nvme_statuses[i].name;
	return sct == NVME_SCT_VENDOR ? "Vendor Specific" : "Unknown Status";
}

/*
 * MDTS is a power of two in units of the smallest page (CAP.MPSMIN), 0
 * meaning no limit. The largest transfer up to @want the controller takes.
 */
u32 nvme_id_ctrl_max_transfer(const u8 *id, u32 mpsmin, u32 want)
{
	u32 mdts = id[NVME_ID_CTRL_MDTS];
	u32 shift = 12 + mpsmin + mdts;

	if (!mdts || shift >= 32)
		return want;
	return MIN(want, 1U << shift);
}

u32 nvme_id_ctrl_nn(const u8 *id)
{
	return get_le32(id + NVME_ID_CTRL_NN);
}

u16 nvme_id_ctrl_oncs(const u8 *id)
{
	return get_le16(id + NVME_ID_CTRL_ONCS);
}

/*
 * RTD3E is how long the controller may take to enter runtime D3 after a
 * shutdown notification, in microseconds; Linux waits that long, at least
 * 5 s and at most 60 s.
 */
u64 nvme_shutdown_timeout_us(const u8 *id)
{
	u64 rtd3e = get_le32(id + NVME_ID_CTRL_RTD3E);

	return MIN(MAX(rtd3e, NVME_SHUTDOWN_MIN_US), NVME_SHUTDOWN_MAX_US);
}

u64 nvme_id_ns_nsze(const u8 *id)
{
	return get_le64(id + NVME_ID_NS_NSZE);
}

/*
 * The LBA Format the namespace is formatted with: FLBAS gives its index,
 * bits 6:5 being the high bits when there are more than 16 (NLBAF is 0's
 * based). 0 when the index is out of range.
 */
u32 nvme_id_ns_lbaf(const u8 *id)
{
	u8 flbas = id[NVME_ID_NS_FLBAS];
	u32 index = (flbas & NVME_FLBAS_LOW_MASK) |
		    ((flbas & NVME_FLBAS_HIGH_MASK) >> NVME_FLBAS_HIGH_SHIFT) << 4;

	if (index > id[NVME_ID_NS_NLBAF])
		return 0;
	return get_le32(id + NVME_ID_NS_LBAF + 4 * index);
}

u32 nvme_first_nsid(const u8 *list)
{
	return get_le32(list);
}
