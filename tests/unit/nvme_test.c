// SPDX-License-Identifier: GPL-2.0
/*
 * NVMe words (drivers/engine/nvme_cmd.c) against literals worked out by
 * hand from NVMe Base 2.0 (3.1.3, 3.3.3, 4.1.1, 5.x), the NVM Command Set
 * 1.0 and the PCIe transport 1.0 (3.1.2): PRPs, queue entries, phase
 * wrap, doorbell offsets, status names and Identify fields.
 */
#include "drivers/engine/nvme_cmd.h"
#include "lib/errno.h"
#include "tests/unit/unit.h"

#define LIST_ADDR	0x90000ULL

static u64 list[NVME_PRP_LIST_MAX];
static struct nvme_prp prp;

static int build(u64 addr, u32 len)
{
	memset(list, 0, sizeof(list));
	memset(&prp, 0xa5, sizeof(prp));
	return nvme_prp_build(addr, len, LIST_ADDR, list, &prp);
}

UNIT_TEST(nvme_prp_one_page)
{
	EXPECT_U64(build(0x10000, 4096), 0);
	EXPECT_U64(prp.prp1, 0x10000);
	EXPECT_U64(prp.prp2, 0);
	EXPECT_U64(prp.nr_list, 0);

	/* A dword offset, still inside the page: PRP2 unused. */
	EXPECT_U64(build(0x10204, 0x200), 0);
	EXPECT_U64(prp.prp1, 0x10204);
	EXPECT_U64(prp.prp2, 0);

	/* Ends exactly at the page end. */
	EXPECT_U64(build(0x10ff0, 0x10), 0);
	EXPECT_U64(prp.prp2, 0);
}

UNIT_TEST(nvme_prp_two_pages)
{
	EXPECT_U64(build(0x10000, 8192), 0);
	EXPECT_U64(prp.prp1, 0x10000);
	EXPECT_U64(prp.prp2, 0x11000);
	EXPECT_U64(prp.nr_list, 0);
	EXPECT_U64(list[0], 0);
}

UNIT_TEST(nvme_prp_offset_crossing)
{
	/* 0x10ff0..0x1100f: 16 bytes in each page. */
	EXPECT_U64(build(0x10ff0, 0x20), 0);
	EXPECT_U64(prp.prp1, 0x10ff0);
	EXPECT_U64(prp.prp2, 0x11000);
	EXPECT_U64(prp.nr_list, 0);

	/* 0x10004 + 0x1ffc ends at 0x12000: still two pages. */
	EXPECT_U64(build(0x10004, 0x1ffc), 0);
	EXPECT_U64(prp.prp2, 0x11000);
	EXPECT_U64(prp.nr_list, 0);
}

UNIT_TEST(nvme_prp_list)
{
	/* 8 KiB at offset 0x200 touches 0x10000, 0x11000 and 0x12000. */
	EXPECT_U64(build(0x10200, 8192), 0);
	EXPECT_U64(prp.prp1, 0x10200);
	EXPECT_U64(prp.prp2, LIST_ADDR);
	EXPECT_U64(prp.nr_list, 2);
	EXPECT_U64(list[0], 0x11000);
	EXPECT_U64(list[1], 0x12000);
	EXPECT_U64(list[2], 0);

	/* Five whole pages above 4 GiB: four list entries. */
	EXPECT_U64(build(0x123400000ULL, 0x5000), 0);
	EXPECT_U64(prp.prp1, 0x123400000ULL);
	EXPECT_U64(prp.prp2, LIST_ADDR);
	EXPECT_U64(prp.nr_list, 4);
	EXPECT_U64(list[0], 0x123401000ULL);
	EXPECT_U64(list[1], 0x123402000ULL);
	EXPECT_U64(list[2], 0x123403000ULL);
	EXPECT_U64(list[3], 0x123404000ULL);
	EXPECT_U64(list[4], 0);

	/* 513 pages: a full list page of 512 entries, no chaining needed. */
	EXPECT_U64(build(0x200000, 513 * 4096), 0);
	EXPECT_U64(prp.nr_list, 512);
	EXPECT_U64(list[511], 0x200000 + 512 * 4096);
}

UNIT_TEST(nvme_prp_refused)
{
	EXPECT_U64(build(0x10002, 16), (u64)-EINVAL);	/* not a dword */
	EXPECT_U64(build(0x10000, 0), (u64)-EINVAL);
	EXPECT_U64(nvme_prp_build(0x10000, 3 * 4096, LIST_ADDR + 8, list, &prp),
		   (u64)-EINVAL);
	/* 514 pages would need a chained second list page. */
	EXPECT_U64(build(0x200000, 514 * 4096), (u64)-ERANGE);
}

UNIT_TEST(nvme_sqe_read_and_compare)
{
	struct nvme_sqe sqe;
	struct nvme_prp p = { .prp1 = 0x123456789abcULL, .prp2 = 0xfedc1000ULL };

	nvme_sqe_rw(&sqe, NVME_IO_READ, 1, 0x100000002ULL, 16);
	nvme_sqe_set_cid(&sqe, 0x1234);
	nvme_sqe_set_prp(&sqe, &p);
	EXPECT_U64(sqe.dw[0], 0x12340002);	/* CID 31:16, OPC 02h */
	EXPECT_U64(sqe.dw[1], 1);		/* NSID */
	EXPECT_U64(sqe.dw[2], 0);
	EXPECT_U64(sqe.dw[4], 0);		/* MPTR */
	EXPECT_U64(sqe.dw[5], 0);
	EXPECT_U64(sqe.dw[6], 0x56789abc);	/* PRP1 */
	EXPECT_U64(sqe.dw[7], 0x1234);
	EXPECT_U64(sqe.dw[8], 0xfedc1000);	/* PRP2 */
	EXPECT_U64(sqe.dw[9], 0);
	EXPECT_U64(sqe.dw[10], 2);		/* SLBA 31:0 */
	EXPECT_U64(sqe.dw[11], 1);		/* SLBA 63:32 */
	EXPECT_U64(sqe.dw[12], 15);		/* NLB, 0's based */
	EXPECT_U64(sqe.dw[13], 0);
	EXPECT_U64(sqe.dw[15], 0);

	nvme_sqe_rw(&sqe, NVME_IO_COMPARE, 2, 0, 2);
	nvme_sqe_set_cid(&sqe, 7);
	EXPECT_U64(sqe.dw[0], 0x00070005);
	EXPECT_U64(sqe.dw[1], 2);
	EXPECT_U64(sqe.dw[12], 1);
	EXPECT_U64(sqe.dw[6], 0);		/* fresh entry: no PRP yet */
}

UNIT_TEST(nvme_sqe_admin)
{
	struct nvme_sqe sqe;

	nvme_sqe_identify(&sqe, NVME_CNS_CTRL, 0);
	nvme_sqe_set_cid(&sqe, 0xffff);
	EXPECT_U64(sqe.dw[0], 0xffff0006);
	EXPECT_U64(sqe.dw[1], 0);
	EXPECT_U64(sqe.dw[10], 1);

	nvme_sqe_identify(&sqe, NVME_CNS_NS, 1);
	EXPECT_U64(sqe.dw[0], 0x00000006);
	EXPECT_U64(sqe.dw[1], 1);
	EXPECT_U64(sqe.dw[10], 0);

	nvme_sqe_identify(&sqe, NVME_CNS_ACTIVE_NSIDS, 0);
	EXPECT_U64(sqe.dw[10], 2);

	/* FID 07h; one SQ and one CQ are 0 and 0, 0's based. */
	nvme_sqe_set_num_queues(&sqe, 1, 1);
	EXPECT_U64(sqe.dw[0], 0x09);
	EXPECT_U64(sqe.dw[10], 0x07);
	EXPECT_U64(sqe.dw[11], 0);
	nvme_sqe_set_num_queues(&sqe, 4, 2);
	EXPECT_U64(sqe.dw[11], 0x00010003);	/* NCQR 31:16, NSQR 15:0 */

	/* QSIZE 63 in 31:16, QID 1; PC 1, IEN 0, IV 0. */
	nvme_sqe_create_cq(&sqe, 1, 64, 0x1234000ULL);
	EXPECT_U64(sqe.dw[0], 0x05);
	EXPECT_U64(sqe.dw[6], 0x1234000);
	EXPECT_U64(sqe.dw[7], 0);
	EXPECT_U64(sqe.dw[10], 0x003f0001);
	EXPECT_U64(sqe.dw[11], 0x00000001);

	/* CQID 1 in 31:16, QPRIO medium (10b) in 2:1, PC 1. */
	nvme_sqe_create_sq(&sqe, 1, 64, 0x2345000ULL, 1);
	EXPECT_U64(sqe.dw[0], 0x01);
	EXPECT_U64(sqe.dw[6], 0x2345000);
	EXPECT_U64(sqe.dw[10], 0x003f0001);
	EXPECT_U64(sqe.dw[11], 0x00010005);

	nvme_sqe_delete_queue(&sqe, NVME_ADMIN_DELETE_SQ, 1);
	EXPECT_U64(sqe.dw[0], 0x00);
	EXPECT_U64(sqe.dw[10], 1);
	nvme_sqe_delete_queue(&sqe, NVME_ADMIN_DELETE_CQ, 1);
	EXPECT_U64(sqe.dw[0], 0x04);
}

UNIT_TEST(nvme_cid_skips_ffff)
{
	EXPECT_U64(nvme_next_cid(0), 1);
	EXPECT_U64(nvme_next_cid(0xfffd), 0xfffe);
	EXPECT_U64(nvme_next_cid(0xfffe), 0);
}

UNIT_TEST(nvme_cq_phase_wrap)
{
	struct nvme_ring r;

	nvme_ring_init(&r, 4);
	EXPECT_U64(r.head, 0);
	EXPECT_U64(r.phase, 1);
	/* Zeroed queue: Phase Tag 0 is old; a posted entry carries 1. */
	EXPECT(!nvme_cqe_new(&r, 0x00000000));
	EXPECT(nvme_cqe_new(&r, 0x00010000));
	for (int i = 0; i < 3; i++)
		nvme_cq_advance(&r);
	EXPECT_U64(r.head, 3);
	EXPECT_U64(r.phase, 1);
	nvme_cq_advance(&r);
	EXPECT_U64(r.head, 0);
	EXPECT_U64(r.phase, 0);
	/* Second pass: entries left from the first pass are old. */
	EXPECT(!nvme_cqe_new(&r, 0x00010000));
	EXPECT(nvme_cqe_new(&r, 0x00000000));
	for (int i = 0; i < 4; i++)
		nvme_cq_advance(&r);
	EXPECT_U64(r.head, 0);
	EXPECT_U64(r.phase, 1);
}

UNIT_TEST(nvme_sq_tail_wrap)
{
	struct nvme_ring r;

	nvme_ring_init(&r, 3);
	EXPECT_U64(nvme_sq_advance(&r), 1);
	EXPECT_U64(nvme_sq_advance(&r), 2);
	EXPECT_U64(nvme_sq_advance(&r), 0);
	EXPECT_U64(r.tail, 0);
}

UNIT_TEST(nvme_doorbells)
{
	/* DSTRD 0: 4-byte stride. */
	EXPECT_U64(nvme_sq_tail_doorbell(0, 0), 0x1000);
	EXPECT_U64(nvme_cq_head_doorbell(0, 0), 0x1004);
	EXPECT_U64(nvme_sq_tail_doorbell(1, 0), 0x1008);
	EXPECT_U64(nvme_cq_head_doorbell(1, 0), 0x100c);
	/* DSTRD 2: 16-byte stride. */
	EXPECT_U64(nvme_sq_tail_doorbell(0, 2), 0x1000);
	EXPECT_U64(nvme_cq_head_doorbell(0, 2), 0x1010);
	EXPECT_U64(nvme_sq_tail_doorbell(1, 2), 0x1020);
	EXPECT_U64(nvme_cq_head_doorbell(1, 2), 0x1030);
	/* DSTRD 15: 128 KiB stride. */
	EXPECT_U64(nvme_cq_head_doorbell(1, 15), 0x1000 + 3 * 0x20000);
}

UNIT_TEST(nvme_cap_fields)
{
	/*
	 * MQES 7FFh, CQR, TO 0Fh, DSTRD 0, CSS bits 37 (NVM), 43 and 44,
	 * MPSMIN 0, MPSMAX 4: high dword 0x00401820, low 0x0f0107ff.
	 */
	u64 cap = 0x004018200f0107ffULL;

	EXPECT_U64(nvme_cap_mqes(cap), 0x7ff);
	EXPECT_U64(nvme_cap_dstrd(cap), 0);
	EXPECT_U64(nvme_cap_mpsmin(cap), 0);
	EXPECT(cap & NVME_CAP_CSS_NVM);
	EXPECT_U64(nvme_cap_timeout_us(cap), 7500000);
	/* DSTRD 3, MPSMIN 1, TO 0 (one unit), MQES 1. */
	cap = 0x0001000300000001ULL;
	EXPECT_U64(nvme_cap_dstrd(cap), 3);
	EXPECT_U64(nvme_cap_mpsmin(cap), 1);
	EXPECT_U64(nvme_cap_mqes(cap), 1);
	EXPECT(!(cap & NVME_CAP_CSS_NVM));
	EXPECT_U64(nvme_cap_timeout_us(cap), 500000);
}

UNIT_TEST(nvme_cc_value)
{
	/* CSS 000b, MPS 0, AMS 000b, IOSQES 6, IOCQES 4, EN. */
	EXPECT_U64(NVME_CC_CSS_NVM | NVME_CC_MPS_4K | NVME_CC_AMS_RR |
		   NVME_CC_IOSQES | NVME_CC_IOCQES | NVME_CC_EN, 0x00460001);
	EXPECT_U64(NVME_CC_SHN_NORMAL, 0x4000);
	EXPECT_U64(NVME_CSTS_SHST_DONE, 0x8);
}

UNIT_TEST(nvme_cqe_status_decode)
{
	struct nvme_cqe cqe = { .dw = { 0, 0, 0x00010005, 0 } };

	/* CID 7, P, SC 85h, SCT 2, DNR: 0x80000000 | 2 << 25 | 0x85 << 17 | 1 << 16 | 7 */
	cqe.dw[3] = 0x850b0007;
	EXPECT_U64(nvme_cqe_cid(&cqe), 7);
	EXPECT_U64(nvme_cqe_status(&cqe), 0x4285);
	EXPECT_U64(nvme_status_sct(nvme_cqe_status(&cqe)), 2);
	EXPECT_U64(nvme_status_sc(nvme_cqe_status(&cqe)), 0x85);
	EXPECT(nvme_status_compare_failed(nvme_cqe_status(&cqe)));
	EXPECT(!nvme_status_ok(nvme_cqe_status(&cqe)));
	EXPECT_STR(nvme_status_name(nvme_cqe_status(&cqe)), "Compare Failure");

	/* Success with phase 0 on the second pass: CID 0x1234. */
	cqe.dw[3] = 0x00001234;
	EXPECT_U64(nvme_cqe_status(&cqe), 0);
	EXPECT(nvme_status_ok(0));
	EXPECT(!nvme_status_compare_failed(0));
	EXPECT_U64(nvme_cqe_cid(&cqe), 0x1234);

	/* SCT 0 SC 04h with phase 1: 0x04 << 17 | 1 << 16 = 0x00090000. */
	cqe.dw[3] = 0x00090000;
	EXPECT_U64(nvme_cqe_status(&cqe), 0x0004);
	EXPECT_STR(nvme_status_name(0x0004), "Data Transfer Error");
}

UNIT_TEST(nvme_status_names)
{
	EXPECT_STR(nvme_status_name(0x0000), "Successful Completion");
	EXPECT_STR(nvme_status_name(0x0002), "Invalid Field in Command");
	EXPECT_STR(nvme_status_name(0x000b), "Invalid Namespace or Format");
	EXPECT_STR(nvme_status_name(0x0013), "PRP Offset Invalid");
	EXPECT_STR(nvme_status_name(0x0080), "LBA Out of Range");
	EXPECT_STR(nvme_status_name(0x0101), "Invalid Queue Identifier");
	EXPECT_STR(nvme_status_name(0x0102), "Invalid Queue Size");
	EXPECT_STR(nvme_status_name(0x0281), "Unrecovered Read Error");
	/* M and DNR do not change the name. */
	EXPECT_STR(nvme_status_name(0x6285), "Compare Failure");
	EXPECT_STR(nvme_status_name(0x07c0), "Vendor Specific");
	EXPECT_STR(nvme_status_name(0x0017), "Unknown Status");
}

UNIT_TEST(nvme_identify_controller)
{
	static u8 id[4096];

	memset(id, 0, sizeof(id));
	EXPECT_U64(nvme_id_ctrl_max_transfer(id, 0, 8192), 8192); /* no limit */
	id[77] = 1;				/* MDTS: 2 pages */
	EXPECT_U64(nvme_id_ctrl_max_transfer(id, 0, 65536), 8192);
	EXPECT_U64(nvme_id_ctrl_max_transfer(id, 1, 65536), 16384);
	id[77] = 5;				/* 128 KiB */
	EXPECT_U64(nvme_id_ctrl_max_transfer(id, 0, 8192), 8192);
	EXPECT_U64(nvme_id_ctrl_max_transfer(id, 0, 1 << 20), 131072);
	id[77] = 40;				/* beyond 32 bits: no limit */
	EXPECT_U64(nvme_id_ctrl_max_transfer(id, 0, 8192), 8192);

	id[516] = 0x01;				/* NN, little endian */
	id[519] = 0x02;
	EXPECT_U64(nvme_id_ctrl_nn(id), 0x02000001);
	id[520] = 0x5f;				/* ONCS */
	id[521] = 0x01;
	EXPECT_U64(nvme_id_ctrl_oncs(id), 0x015f);
	EXPECT(nvme_id_ctrl_oncs(id) & NVME_ONCS_COMPARE);

	/* RTD3E (bytes 91:88, us): below 5 s, between, above 60 s. */
	EXPECT_U64(nvme_shutdown_timeout_us(id), 5000000);
	id[88] = 0x00; id[89] = 0x12; id[90] = 0x7a; id[91] = 0x00; /* 8 s */
	EXPECT_U64(nvme_shutdown_timeout_us(id), 8000000);
	id[91] = 0x10;				/* 0x107a1200: 276.4 s */
	EXPECT_U64(nvme_shutdown_timeout_us(id), 60000000);
}

UNIT_TEST(nvme_identify_namespace)
{
	static u8 id[4096];

	memset(id, 0, sizeof(id));
	/* NSZE 0x1_0000_0800 blocks. */
	id[1] = 0x08;
	id[4] = 0x01;
	EXPECT_U64(nvme_id_ns_nsze(id), 0x100000800ULL);

	/* Two formats: LBAF0 512 bytes, LBAF1 4096 bytes + 8 metadata. */
	id[25] = 1;				/* NLBAF, 0's based */
	id[128 + 2] = 9;			/* LBAF0: LBADS 9 */
	id[132 + 0] = 8;			/* LBAF1: MS 8 */
	id[132 + 2] = 12;			/* LBAF1: LBADS 12 */
	id[26] = 0;				/* FLBAS: format 0 */
	EXPECT_U64(nvme_id_ns_lbaf(id), 0x00090000);
	id[26] = 0x11;				/* format 1, metadata at end (bit 4) */
	EXPECT_U64(nvme_id_ns_lbaf(id), 0x000c0008);
	id[26] = 0x02;				/* format 2: beyond NLBAF */
	EXPECT_U64(nvme_id_ns_lbaf(id), 0);

	/* FLBAS 6:5 carry format index bits 5:4 past 16 formats: 0x21 is 17. */
	id[25] = 19;
	id[128 + 4 * 17 + 2] = 12;
	id[26] = 0x21;
	EXPECT_U64(nvme_id_ns_lbaf(id), 0x000c0000);
}

UNIT_TEST(nvme_active_namespace_list)
{
	u8 list[8] = { 0x03, 0x00, 0x00, 0x00, 0x07 };

	EXPECT_U64(nvme_first_nsid(list), 3);
	list[0] = 0;
	EXPECT_U64(nvme_first_nsid(list), 0);
}
