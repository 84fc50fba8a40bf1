// SPDX-License-Identifier: GPL-2.0
/*
 * NVMe controllers (PCI class 01:08:02) as DMA engines. The bring-up is
 * Linux's (drivers/nvme/host/pci.c and core.c): disable, admin queues,
 * enable, Identify, Number of Queues, one I/O queue pair. Completions are
 * polled in the engine's own memory; no interrupts.
 *
 * A write is an NVMe Read of a fixed LBA range to the request's IOVA and a
 * read is a Compare of the same LBAs against it, so the media bytes are
 * the data both ways; the engine learns them by a Read into the request's
 * scratch pages. Only Identify, Set Features (Number of Queues), Create
 * and Delete I/O queues, Read and Compare are issued: nothing changes the
 * media, and at exit the controller is shut down and left disabled.
 *
 * Without a usable namespace the controller still writes: Identify
 * Controller puts its 4096 bytes at the IOVA, so requests are then exactly
 * 4096 bytes long, and it cannot read (->read_data and ->read return
 * -EOPNOTSUPP, as they do when the controller lacks Compare).
 *
 * ->probe reads nothing but configuration space (the registers may not
 * even decode yet), so the request limits it sets are 4096 bytes, which
 * every controller takes; ->start replaces them with the namespace's LBA
 * size and the controller's MDTS.
 */
#include "drivers/engine/engine.h"
#include "drivers/engine/nvme_cmd.h"
#include "lib/errno.h"
#include "lib/hw.h"
#include "lib/ktap.h"
#include "lib/printf.h"
#include "lib/string.h"

/* PCI Code and ID Assignment: mass storage, NVM, NVM Express. */
#define PCI_CLASS_NVM_EXPRESS	0x010802

#define NVME_ADMIN_DEPTH	32	/* Linux's NVME_AQ_DEPTH */
#define NVME_IO_DEPTH		64
#define NVME_IO_QID		1
#define NVME_ADMIN_TIMEOUT_US	5000000	/* Linux: 60 s */
#define NVME_IO_TIMEOUT_US	2000000	/* Linux: 30 s */
#define NVME_IDENTIFY_LEN	4096	/* a write without a namespace */
#define NVME_SAMPLES		4	/* LBA ranges tried for the data */
#define NVME_LBADS_MIN		9	/* 512-byte blocks */
#define NVME_LBADS_MAX		12	/* 4096-byte blocks */

/* The engine's own pages; the device reaches them 1:1. */
enum nvme_own_page {
	NVME_OWN_ASQ,
	NVME_OWN_ACQ,
	NVME_OWN_IOSQ,
	NVME_OWN_IOCQ,
	NVME_OWN_PRP_LIST,
	NVME_OWN_BUF,		/* Identify data and media samples: 2 pages */
	NVME_OWN_PAGES = NVME_OWN_BUF + ENGINE_DATA_MAX / PAGE_SIZE,
};

struct nvme_queue {
	const char *name;
	u16 cid;			/* the next command's identifier */
	struct nvme_ring ring;
	struct nvme_sqe *sq;
	volatile struct nvme_cqe *cq;
	u64 sq_db;			/* doorbell MMIO addresses */
	u64 cq_db;
};

struct nvme_dev {
	u64 bar;
	u64 cap;
	u16 pci_command;		/* as found, restored at exit */
	bool claimed;			/* ->start changed the device */
	/* A command failed or never completed: reset before the next one. */
	bool broken;
	bool io_queues;			/* the I/O queue pair exists */
	struct nvme_queue admin;
	struct nvme_queue io;
	u32 mdts;			/* bytes; UINT32_MAX: no limit */
	u32 max_transfer;		/* bytes, at most ENGINE_DATA_MAX */
	u32 nn;
	u16 oncs;
	u64 shutdown_us;
	u32 nsid;			/* 0: no usable namespace */
	u32 lba_size;
	u64 nsze;
	u64 slba;			/* where every request's data starts */
};

static struct nvme_dev nvmes[ENGINE_MAX];
static unsigned int nr_nvmes;

static struct nvme_dev *nvme_of(const struct engine *e)
{
	return e->priv;
}

static void *own_ptr(const struct engine *e, enum nvme_own_page page)
{
	return e->own + page * PAGE_SIZE;
}

static u64 own_addr(const struct engine *e, enum nvme_own_page page)
{
	return virt_to_phys(own_ptr(e, page));
}

static u32 nvme_read32(const struct nvme_dev *d, u32 reg)
{
	return hw_read32(d->bar + reg);
}

static void nvme_write32(const struct nvme_dev *d, u32 reg, u32 v)
{
	hw_write32(d->bar + reg, v);
}

/* Low dword first, as Linux's lo_hi_readq(): some take no 8-byte access. */
static u64 nvme_read64(const struct nvme_dev *d, u32 reg)
{
	u64 lo = nvme_read32(d, reg);

	return (u64)nvme_read32(d, reg + 4) << 32 | lo;
}

static void nvme_write64(const struct nvme_dev *d, u32 reg, u64 v)
{
	nvme_write32(d, reg, (u32)v);
	nvme_write32(d, reg + 4, (u32)(v >> 32));
}

/* CSTS.RDY has followed CC.EN, or (enabling) the controller failed. */
static bool nvme_settled(const struct nvme_dev *d, bool ready, u32 *csts)
{
	*csts = nvme_read32(d, NVME_REG_CSTS);
	if (ready && (*csts & NVME_CSTS_CFS))
		return true;
	return !!(*csts & NVME_CSTS_RDY) == ready;
}

/* Base 3.1.3.1 and 3.1.3.6: CSTS.RDY follows CC.EN within CAP.TO. */
static int nvme_wait_ready(struct engine *e, bool ready)
{
	struct nvme_dev *d = nvme_of(e);
	u64 timeout_us = nvme_cap_timeout_us(d->cap);
	u32 csts;

	if (!hw_poll_timeout(nvme_settled(d, ready, &csts), timeout_us)) {
		engine_diag(e, "CSTS.RDY not %u %llu ms after CC.EN=%u (CC 0x%08x CSTS 0x%08x)",
			    ready, (unsigned long long)timeout_us / 1000, ready,
			    nvme_read32(d, NVME_REG_CC), csts);
		return -ETIMEDOUT;
	}
	if (ready && (csts & NVME_CSTS_CFS)) {
		engine_diag(e, "controller fatal status while enabling (CSTS 0x%08x: CFS)",
			    csts);
		return -EIO;
	}
	return 0;
}

/*
 * Base 3.1.3.5: clearing CC.EN resets the controller and deletes its
 * queues once CSTS.RDY reads 0. Clearing EN while RDY still lags a 0->1
 * change is undefined, so a controller caught enabling may finish first.
 * CC is left 0, its reset value.
 */
static int nvme_disable(struct engine *e)
{
	struct nvme_dev *d = nvme_of(e);
	u32 csts = nvme_read32(d, NVME_REG_CSTS);

	if ((nvme_read32(d, NVME_REG_CC) & NVME_CC_EN) &&
	    !(csts & (NVME_CSTS_RDY | NVME_CSTS_CFS)))
		(void)hw_poll_timeout(nvme_settled(d, true, &csts),
				      nvme_cap_timeout_us(d->cap));
	nvme_write32(d, NVME_REG_CC, 0);
	d->io_queues = false;
	return nvme_wait_ready(e, false);
}

/* Base 3.3.1: queue @qid in two own pages, empty, Phase Tags 0. */
static void nvme_queue_init(struct engine *e, struct nvme_queue *q, u16 qid,
			    u16 depth, enum nvme_own_page sq,
			    enum nvme_own_page cq)
{
	u32 dstrd = nvme_cap_dstrd(nvme_of(e)->cap);
	u64 bar = nvme_of(e)->bar;

	memset(own_ptr(e, sq), 0, PAGE_SIZE);
	memset(own_ptr(e, cq), 0, PAGE_SIZE);
	q->name = qid ? "I/O" : "admin";
	q->sq = own_ptr(e, sq);
	q->cq = own_ptr(e, cq);
	nvme_ring_init(&q->ring, depth);
	q->sq_db = bar + nvme_sq_tail_doorbell(qid, dstrd);
	q->cq_db = bar + nvme_cq_head_doorbell(qid, dstrd);
}

/*
 * Base 3.5.1: admin queues in AQA, ASQ and ACQ, then CC: the NVM Command
 * Set, 4 KiB pages, round robin, 64- and 16-byte entries; EN is set in a
 * second write, as Linux does, and CSTS.RDY awaited.
 */
static int nvme_enable(struct engine *e)
{
	struct nvme_dev *d = nvme_of(e);
	u32 cc = NVME_CC_CSS_NVM | NVME_CC_MPS_4K | NVME_CC_AMS_RR |
		 NVME_CC_IOSQES | NVME_CC_IOCQES;
	u32 qsize = NVME_ADMIN_DEPTH - 1;

	nvme_queue_init(e, &d->admin, 0, NVME_ADMIN_DEPTH, NVME_OWN_ASQ,
			NVME_OWN_ACQ);
	nvme_write32(d, NVME_REG_AQA, qsize | qsize << NVME_AQA_ACQS_SHIFT);
	nvme_write64(d, NVME_REG_ASQ, own_addr(e, NVME_OWN_ASQ));
	nvme_write64(d, NVME_REG_ACQ, own_addr(e, NVME_OWN_ACQ));
	nvme_write32(d, NVME_REG_CC, cc);
	nvme_write32(d, NVME_REG_CC, cc | NVME_CC_EN);
	return nvme_wait_ready(e, true);
}

static void nvme_status_diag(struct engine *e, const char *what, u16 status)
{
	engine_diag(e, "%s: %s (SCT %xh SC %02xh%s)", what,
		    nvme_status_name(status), nvme_status_sct(status),
		    nvme_status_sc(status),
		    status & NVME_STATUS_DNR ? ", DNR" : "");
}

static int nvme_status_error(struct engine *e, const char *what, u16 status)
{
	if (nvme_status_ok(status))
		return 0;
	nvme_status_diag(e, what, status);
	return -EIO;
}

/* A new entry at the completion queue head, or a controller that failed. */
static bool nvme_answered(const struct nvme_dev *d, const struct nvme_queue *q)
{
	return nvme_cqe_new(&q->ring, q->cq[q->ring.head].dw[3]) ||
	       (nvme_read32(d, NVME_REG_CSTS) & NVME_CSTS_CFS);
}

/*
 * Submits @sqe on @q and polls for its completion (Base 3.3.1): the entry,
 * then the tail doorbell; the completion's Phase Tag, then the head
 * doorbell. One command is outstanding at a time. *status is the
 * completion's status field; the return value says whether there was one.
 */
static int nvme_exec(struct engine *e, struct nvme_queue *q,
		     struct nvme_sqe *sqe, u64 timeout_us, const char *what,
		     u16 *status)
{
	struct nvme_dev *d = nvme_of(e);
	volatile struct nvme_cqe *slot;
	struct nvme_cqe cqe;
	u16 cid = q->cid;

	q->cid = nvme_next_cid(cid);
	nvme_sqe_set_cid(sqe, cid);
	q->sq[q->ring.tail] = *sqe;
	hw_wmb();
	hw_write32(q->sq_db, nvme_sq_advance(&q->ring));
	if (!hw_poll_timeout(nvme_answered(d, q), timeout_us)) {
		d->broken = true;
		engine_diag(e, "%s: no completion after %llu us (%s queue, cid %u, CSTS 0x%08x)",
			    what, (unsigned long long)timeout_us, q->name, cid,
			    nvme_read32(d, NVME_REG_CSTS));
		return -ETIMEDOUT;
	}
	slot = &q->cq[q->ring.head];
	if (!nvme_cqe_new(&q->ring, slot->dw[3])) {
		d->broken = true;
		engine_diag(e, "%s: controller fatal status, no completion (%s queue, cid %u, CSTS 0x%08x)",
			    what, q->name, cid, nvme_read32(d, NVME_REG_CSTS));
		return -EIO;
	}
	/* The rest of the entry, and the command's data, after the Phase Tag. */
	hw_mb();
	for (unsigned int i = 0; i < ARRAY_SIZE(cqe.dw); i++)
		cqe.dw[i] = slot->dw[i];
	nvme_cq_advance(&q->ring);
	hw_write32(q->cq_db, q->ring.head);
	if (nvme_cqe_cid(&cqe) != cid) {
		d->broken = true;
		engine_diag(e, "%s: completion of cid %u, expected %u (%s queue)",
			    what, nvme_cqe_cid(&cqe), cid, q->name);
		return -EIO;
	}
	*status = nvme_cqe_status(&cqe);
	return 0;
}

/* An admin command that must succeed. */
static int nvme_admin(struct engine *e, struct nvme_sqe *sqe, const char *what)
{
	u16 status;
	int ret = nvme_exec(e, &nvme_of(e)->admin, sqe, NVME_ADMIN_TIMEOUT_US,
			    what, &status);

	return ret ? ret : nvme_status_error(e, what, status);
}

/* Identify data into the first own buffer page. */
static int nvme_identify(struct engine *e, enum nvme_cns cns, u32 nsid,
			 const char *what, u16 *status)
{
	struct nvme_prp prp = { .prp1 = own_addr(e, NVME_OWN_BUF) };
	struct nvme_sqe sqe;

	nvme_sqe_identify(&sqe, cns, nsid);
	nvme_sqe_set_prp(&sqe, &prp);
	return nvme_exec(e, &nvme_of(e)->admin, &sqe, NVME_ADMIN_TIMEOUT_US,
			 what, status);
}

/* Base 5.17 (CNS 01h): MDTS, NN, ONCS and RTD3E. */
static int nvme_identify_ctrl(struct engine *e)
{
	struct nvme_dev *d = nvme_of(e);
	const u8 *id = own_ptr(e, NVME_OWN_BUF);
	const char *what = "Identify Controller";
	u16 status;
	int ret = nvme_identify(e, NVME_CNS_CTRL, 0, what, &status);

	if (!ret)
		ret = nvme_status_error(e, what, status);
	if (ret)
		return ret;
	d->mdts = nvme_id_ctrl_max_transfer(id, nvme_cap_mpsmin(d->cap),
					    UINT32_MAX);
	d->max_transfer = MIN(d->mdts, ENGINE_DATA_MAX);
	d->nn = nvme_id_ctrl_nn(id);
	d->oncs = nvme_id_ctrl_oncs(id);
	d->shutdown_us = nvme_shutdown_timeout_us(id);
	return 0;
}

/*
 * Linux's order: Set Features Number of Queues (Base 5.27.1, one pair),
 * then the completion queue, then the submission queue on it.
 */
static int nvme_create_io_queues(struct engine *e)
{
	struct nvme_dev *d = nvme_of(e);
	u16 depth = (u16)MIN(NVME_IO_DEPTH, nvme_cap_mqes(d->cap) + 1);
	struct nvme_sqe sqe;
	int ret;

	nvme_sqe_set_num_queues(&sqe, 1, 1);
	ret = nvme_admin(e, &sqe, "Set Features (Number of Queues)");
	if (ret)
		return ret;
	nvme_queue_init(e, &d->io, NVME_IO_QID, depth, NVME_OWN_IOSQ,
			NVME_OWN_IOCQ);
	nvme_sqe_create_cq(&sqe, NVME_IO_QID, depth, own_addr(e, NVME_OWN_IOCQ));
	ret = nvme_admin(e, &sqe, "Create I/O Completion Queue");
	if (ret)
		return ret;
	nvme_sqe_create_sq(&sqe, NVME_IO_QID, depth, own_addr(e, NVME_OWN_IOSQ),
			   NVME_IO_QID);
	ret = nvme_admin(e, &sqe, "Create I/O Submission Queue");
	d->io_queues = !ret;
	return ret;
}

/* From a disabled controller to one with both queue pairs. */
static int nvme_setup(struct engine *e)
{
	struct nvme_dev *d = nvme_of(e);
	int ret = nvme_enable(e);

	if (!ret)
		ret = nvme_identify_ctrl(e);
	if (!ret)
		ret = nvme_create_io_queues(e);
	d->broken = ret != 0;
	return ret;
}

static int nvme_reset(struct engine *e)
{
	struct nvme_dev *d = nvme_of(e);
	int ret;

	d->broken = true;
	ret = nvme_disable(e);
	return ret ? ret : nvme_setup(e);
}

/*
 * Base 4.1.1: PRPs for @len bytes at @addr, a list in the own page when
 * they span more than two pages; then the command.
 */
static int nvme_transfer(struct engine *e, struct nvme_queue *q,
			 struct nvme_sqe *sqe, u64 addr, u32 len,
			 u64 timeout_us, const char *what, u16 *status)
{
	struct nvme_prp prp;
	int ret = nvme_prp_build(addr, len, own_addr(e, NVME_OWN_PRP_LIST),
				 own_ptr(e, NVME_OWN_PRP_LIST), &prp);

	if (ret) {
		engine_diag(e, "%s: no PRPs for it (%d)", what, ret);
		return ret;
	}
	nvme_sqe_set_prp(sqe, &prp);
	return nvme_exec(e, q, sqe, timeout_us, what, status);
}

/* NVM CS 3.3.1 and 3.3.4: Read or Compare of @len bytes from @slba on. */
static int nvme_rw(struct engine *e, enum nvme_opcode opcode, u64 slba,
		   u64 addr, u32 len, u64 timeout_us, const char *what,
		   u16 *status)
{
	struct nvme_dev *d = nvme_of(e);
	struct nvme_sqe sqe;

	nvme_sqe_rw(&sqe, opcode, d->nsid, slba, len / d->lba_size);
	return nvme_transfer(e, &d->io, &sqe, addr, len, timeout_us, what,
			     status);
}

/*
 * The data every write puts in memory, to @addr: a Read of the chosen
 * LBAs, or without a namespace the Identify Controller data.
 */
static int nvme_fetch(struct engine *e, u64 addr, u32 len, u64 timeout_us)
{
	struct nvme_dev *d = nvme_of(e);
	struct nvme_sqe sqe;
	char what[64];
	u16 status;
	int ret;

	if (d->nsid) {
		ksnprintf(what, sizeof(what), "Read of %u bytes to 0x%llx",
			  len, (unsigned long long)addr);
		ret = nvme_rw(e, NVME_IO_READ, d->slba, addr, len, timeout_us,
			      what, &status);
	} else {
		ksnprintf(what, sizeof(what), "Identify Controller to 0x%llx",
			  (unsigned long long)addr);
		nvme_sqe_identify(&sqe, NVME_CNS_CTRL, 0);
		ret = nvme_transfer(e, &d->admin, &sqe, addr, len, timeout_us,
				    what, &status);
	}
	return ret ? ret : nvme_status_error(e, what, status);
}

/* Base 5.17 (CNS 02h); controllers older than 1.1 lack it: NSID 1. */
static int nvme_first_active(struct engine *e, u32 *nsid)
{
	u16 status;
	int ret = nvme_identify(e, NVME_CNS_ACTIVE_NSIDS, 0,
				"Identify Active Namespace ID list", &status);

	if (ret)
		return ret;
	*nsid = nvme_status_ok(status) ?
		nvme_first_nsid(own_ptr(e, NVME_OWN_BUF)) : 1;
	return 0;
}

/*
 * NVM CS 4.1.5.1: a namespace serves when its format has no metadata (it
 * would travel with the data or to MPTR), blocks of 512 to 4096 bytes and
 * room for the largest request.
 */
static void nvme_take_namespace(struct engine *e, u32 nsid)
{
	struct nvme_dev *d = nvme_of(e);
	const u8 *id = own_ptr(e, NVME_OWN_BUF);
	u32 lbaf = nvme_id_ns_lbaf(id);
	u32 lbads = (u32)((lbaf & NVME_LBAF_LBADS_MASK) >> NVME_LBAF_LBADS_SHIFT);
	u64 nsze = nvme_id_ns_nsze(id);

	if (lbaf & NVME_LBAF_MS_MASK) {
		engine_diag(e, "namespace %u: %u metadata bytes per block, not used",
			    nsid, (u32)(lbaf & NVME_LBAF_MS_MASK));
		return;
	}
	if (lbads < NVME_LBADS_MIN || lbads > NVME_LBADS_MAX) {
		engine_diag(e, "namespace %u: LBADS %u, not 512- to 4096-byte blocks",
			    nsid, lbads);
		return;
	}
	if (nsze < (u64)ENGINE_DATA_MAX >> lbads) {
		engine_diag(e, "namespace %u: %llu blocks, less than a request",
			    nsid, (unsigned long long)nsze);
		return;
	}
	d->nsid = nsid;
	d->lba_size = 1U << lbads;
	d->nsze = nsze;
}

static int nvme_find_namespace(struct engine *e)
{
	struct nvme_dev *d = nvme_of(e);
	const char *what = "Identify Namespace";
	u32 nsid = 0;
	u16 status;
	int ret;

	if (d->nn) {
		ret = nvme_first_active(e, &nsid);
		if (ret)
			return ret;
	}
	if (!nsid) {
		engine_diag(e, "no active namespace (NN %u)", d->nn);
		return 0;
	}
	ret = nvme_identify(e, NVME_CNS_NS, nsid, what, &status);
	if (ret)
		return ret;
	if (nvme_status_ok(status))
		nvme_take_namespace(e, nsid);
	else
		nvme_status_diag(e, what, status);
	return 0;
}

/* The largest request: whole blocks within MDTS and ENGINE_DATA_MAX. */
static u32 nvme_max_len(const struct nvme_dev *d)
{
	return d->max_transfer - d->max_transfer % d->lba_size;
}

static u32 zero_bytes(const u8 *p, u32 len)
{
	u32 n = 0;

	for (u32 i = 0; i < len; i++)
		n += !p[i];
	return n;
}

/* The start of range @i of NVME_SAMPLES, @blocks long, spread over the namespace. */
static u64 nvme_sample_lba(const struct nvme_dev *d, u32 blocks,
			   unsigned int i)
{
	u64 slba = (d->nsze - blocks) / NVME_SAMPLES * i;

	return slba - slba % blocks;
}

/*
 * The LBAs every request reads: of a few ranges spread over the
 * namespace, the one with the fewest zero bytes, so that its data differs
 * from zeros (what a blocked DMA read brings on some hosts) in as many
 * places as the media allows. A range that reads with an error status
 * (deallocated blocks may) is passed over; with none readable, the
 * namespace is not used.
 */
static int nvme_choose_lbas(struct engine *e)
{
	struct nvme_dev *d = nvme_of(e);
	u32 len = nvme_max_len(d);
	u32 best = len + 1;
	char what[64];
	u16 status;
	int ret;

	for (unsigned int i = 0; i < NVME_SAMPLES && best; i++) {
		u64 slba = nvme_sample_lba(d, len / d->lba_size, i);
		u32 zeros;

		ksnprintf(what, sizeof(what), "Read of LBA %llu",
			  (unsigned long long)slba);
		ret = nvme_rw(e, NVME_IO_READ, slba, own_addr(e, NVME_OWN_BUF),
			      len, NVME_IO_TIMEOUT_US, what, &status);
		if (ret)
			return ret;
		if (nvme_status_error(e, what, status))
			continue;
		zeros = zero_bytes(own_ptr(e, NVME_OWN_BUF), len);
		if (zeros < best) {
			best = zeros;
			d->slba = slba;
		}
	}
	if (best > len) {
		engine_diag(e, "namespace %u: no range reads, not used", d->nsid);
		d->nsid = 0;
		return 0;
	}
	engine_diag(e, "namespace %u: %llu blocks of %u bytes; data from LBA %llu (%u of %u bytes zero)",
		    d->nsid, (unsigned long long)d->nsze, d->lba_size,
		    (unsigned long long)d->slba, best, len);
	return 0;
}

static bool nvme_can_compare(const struct nvme_dev *d)
{
	return d->nsid && (d->oncs & NVME_ONCS_COMPARE);
}

static void nvme_describe_ctrl(struct engine *e)
{
	struct nvme_dev *d = nvme_of(e);
	u32 vs = nvme_read32(d, NVME_REG_VS);
	char mdts[24] = "none";

	if (d->mdts != UINT32_MAX)
		ksnprintf(mdts, sizeof(mdts), "%u KiB", d->mdts / 1024);
	engine_diag(e, "NVMe %u.%u, CAP 0x%016llx, MDTS %s, NN %u, ONCS 0x%x",
		    (u32)((vs & NVME_VS_MJR_MASK) >> NVME_VS_MJR_SHIFT),
		    (u32)((vs & NVME_VS_MNR_MASK) >> NVME_VS_MNR_SHIFT),
		    (unsigned long long)d->cap, mdts, d->nn, d->oncs);
}

/* What the engine can make the controller do. */
static void nvme_describe_use(struct engine *e)
{
	struct nvme_dev *d = nvme_of(e);

	if (!d->nsid)
		engine_diag(e, "writes are Identify Controller (%u bytes); no reads",
			    NVME_IDENTIFY_LEN);
	else if (!nvme_can_compare(d))
		engine_diag(e, "no reads: ONCS lacks Compare");
}

/* The limits ->probe could not know: the LBA size and MDTS. */
static void nvme_set_limits(struct engine *e)
{
	struct nvme_dev *d = nvme_of(e);

	if (!d->nsid)
		return;
	e->len_unit = d->lba_size;
	e->min_len = d->lba_size;
	e->max_len = nvme_max_len(d);
}

/*
 * Memory decode to reach the registers, bus mastering off: a controller
 * the firmware left running is disabled before it may DMA again. INTx
 * stays off throughout: completions are polled, but the admin completion
 * queue has interrupts enabled by definition, and no handler here.
 */
static int nvme_claim(struct engine *e)
{
	struct nvme_dev *d = nvme_of(e);
	const struct pci_dev *p = e->pci;

	d->pci_command = pci_command(p);
	pci_set_command(e->pci, (d->pci_command | PCI_COMMAND_MEMORY |
			    PCI_COMMAND_INTX_DISABLE) & ~PCI_COMMAND_MASTER);
	d->claimed = true;
	d->cap = nvme_read64(d, NVME_REG_CAP);
	if (nvme_read32(d, NVME_REG_CSTS) == ~0U) {
		engine_diag(e, "registers read all ones (CSTS 0xffffffff)");
		return -ENODEV;
	}
	/* Base 3.1.3.1: Linux too refuses a smallest page above its own. */
	if (nvme_cap_mpsmin(d->cap)) {
		engine_diag(e, "CAP.MPSMIN %u: pages of %u KiB at least, the engine's are 4 KiB (CAP 0x%016llx)",
			    nvme_cap_mpsmin(d->cap), 4U << nvme_cap_mpsmin(d->cap),
			    (unsigned long long)d->cap);
		return -ENODEV;
	}
	if (!(d->cap & NVME_CAP_CSS_NVM)) {
		engine_diag(e, "CAP.CSS lacks the NVM Command Set (CAP 0x%016llx)",
			    (unsigned long long)d->cap);
		return -ENODEV;
	}
	return 0;
}

static bool nvme_match(const struct pci_dev *pd)
{
	return pd->class_rev >> 8 == PCI_CLASS_NVM_EXPRESS;
}

static u64 nvme_probe(struct engine *e)
{
	struct nvme_dev *d = &nvmes[nr_nvmes++];

	*d = (struct nvme_dev){ .bar = pci_bar_address(e->pci, 0),
				.shutdown_us = NVME_SHUTDOWN_MIN_US };
	e->priv = d;
	e->flags = ENGINE_OWN_DMA;
	e->align = 4;		/* Base 4.1.1: PRP1 is dword aligned */
	e->len_unit = NVME_IDENTIFY_LEN;
	e->min_len = NVME_IDENTIFY_LEN;
	e->max_len = NVME_IDENTIFY_LEN;
	return NVME_OWN_PAGES;
}

static int nvme_start(struct engine *e)
{
	struct nvme_dev *d = nvme_of(e);
	int ret;

	if (!d->bar) {
		engine_diag(e, "BAR0 is not a memory BAR");
		return -ENODEV;
	}
	ret = nvme_claim(e);
	if (!ret)
		ret = nvme_disable(e);
	if (ret)
		return ret;
	pci_set_command(e->pci, d->pci_command | PCI_COMMAND_MEMORY |
			   PCI_COMMAND_INTX_DISABLE | PCI_COMMAND_MASTER);
	ret = nvme_setup(e);
	if (ret)
		return ret;
	nvme_describe_ctrl(e);
	ret = nvme_find_namespace(e);
	if (!ret && d->nsid)
		ret = nvme_choose_lbas(e);
	if (ret)
		return ret;
	nvme_set_limits(e);
	nvme_describe_use(e);
	return 0;
}

static int nvme_recover(struct engine *e)
{
	struct nvme_dev *d = nvme_of(e);
	u32 csts = nvme_read32(d, NVME_REG_CSTS);

	if (csts == ~0U) {
		engine_diag(e, "no longer answers (CSTS 0xffffffff)");
		return -ENODEV;
	}
	if (!d->broken &&
	    (csts & (NVME_CSTS_RDY | NVME_CSTS_CFS)) == NVME_CSTS_RDY)
		return 0;
	engine_diag(e, "reset: %s (CSTS 0x%08x)",
		    d->broken ? "a command failed or never completed" :
				"controller not ready",
		    csts);
	return nvme_reset(e);
}

/* A failure no blocked request explains is reset before the next one. */
static int nvme_usable(struct engine *e)
{
	return nvme_of(e)->broken ? nvme_recover(e) : 0;
}

static u64 nvme_timeout_us(const struct engine_req *r)
{
	return r->blocked ? ENGINE_BLOCKED_TIMEOUT_US : NVME_IO_TIMEOUT_US;
}

/* Learnt through the scratch pages, which the walker vouches for. */
static int nvme_write_data(struct engine *e, const struct engine_req *r,
			   void *data)
{
	int ret = nvme_usable(e);

	if (!ret)
		ret = nvme_fetch(e, r->scratch, r->len, NVME_IO_TIMEOUT_US);
	if (!ret)
		memcpy(data, phys_to_virt(r->scratch), r->len);
	return ret;
}

static int nvme_write(struct engine *e, const struct engine_req *r)
{
	int ret = nvme_usable(e);

	return ret ? ret : nvme_fetch(e, r->iova, r->len, nvme_timeout_us(r));
}

/* What a Compare must find: the same Read as a write's data. */
static int nvme_read_data(struct engine *e, const struct engine_req *r,
			  void *data)
{
	if (!nvme_can_compare(nvme_of(e)))
		return -EOPNOTSUPP;
	return nvme_write_data(e, r, data);
}

/* NVM CS 3.3.1: Compare Failure (SCT 2h, SC 85h) is the mismatch. */
static int nvme_read(struct engine *e, const struct engine_req *r, bool *match)
{
	struct nvme_dev *d = nvme_of(e);
	char what[64];
	u16 status;
	int ret;

	if (!nvme_can_compare(d))
		return -EOPNOTSUPP;
	ret = nvme_usable(e);
	if (ret)
		return ret;
	ksnprintf(what, sizeof(what), "Compare of %u bytes at 0x%llx", r->len,
		  (unsigned long long)r->iova);
	ret = nvme_rw(e, NVME_IO_COMPARE, d->slba, r->iova, r->len,
		      nvme_timeout_us(r), what, &status);
	if (ret)
		return ret;
	*match = nvme_status_ok(status);
	if (nvme_status_compare_failed(status)) {
		nvme_status_diag(e, what, status);
		return 0;
	}
	return nvme_status_error(e, what, status);
}

/* Linux's order (pci.c, nvme_disable_io_queues): the SQ, then its CQ. */
static void nvme_delete_io_queues(struct engine *e)
{
	struct nvme_sqe sqe;

	nvme_sqe_delete_queue(&sqe, NVME_ADMIN_DELETE_SQ, NVME_IO_QID);
	if (!nvme_admin(e, &sqe, "Delete I/O Submission Queue")) {
		nvme_sqe_delete_queue(&sqe, NVME_ADMIN_DELETE_CQ, NVME_IO_QID);
		nvme_admin(e, &sqe, "Delete I/O Completion Queue");
	}
	nvme_of(e)->io_queues = false;
}

/* Base 3.6: a normal shutdown is CC.SHN 01b, done at CSTS.SHST 10b. */
static void nvme_shutdown(struct engine *e)
{
	struct nvme_dev *d = nvme_of(e);
	u32 cc = nvme_read32(d, NVME_REG_CC);

	nvme_write32(d, NVME_REG_CC,
		     (cc & ~(u32)NVME_CC_SHN_MASK) | NVME_CC_SHN_NORMAL);
	if (!hw_poll_timeout((nvme_read32(d, NVME_REG_CSTS) &
			      NVME_CSTS_SHST_MASK) == NVME_CSTS_SHST_DONE,
			     d->shutdown_us))
		engine_diag(e, "shutdown not complete after %llu ms (CSTS 0x%08x)",
			    (unsigned long long)d->shutdown_us / 1000,
			    nvme_read32(d, NVME_REG_CSTS));
}

/*
 * As Linux's nvme_dev_disable(): a working controller loses its I/O
 * queues and is shut down; any controller is then disabled, and the PCI
 * command register is put back as it was found.
 */
static void nvme_quiesce(struct engine *e)
{
	struct nvme_dev *d = nvme_of(e);
	u32 csts;

	if (!d->claimed)
		return;
	csts = nvme_read32(d, NVME_REG_CSTS);
	if (!d->broken &&
	    (csts & (NVME_CSTS_RDY | NVME_CSTS_CFS)) == NVME_CSTS_RDY) {
		if (d->io_queues)
			nvme_delete_io_queues(e);
		nvme_shutdown(e);
	}
	nvme_disable(e);
	pci_set_command(e->pci, d->pci_command);
}

const struct engine_ops nvme_engine_ops = {
	.kind = "nvme",
	.match = nvme_match,
	.probe = nvme_probe,
	.start = nvme_start,
	.write_data = nvme_write_data,
	.write = nvme_write,
	.read_data = nvme_read_data,
	.read = nvme_read,
	.recover = nvme_recover,
	.quiesce = nvme_quiesce,
};
