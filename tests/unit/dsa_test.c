// SPDX-License-Identifier: GPL-2.0
/*
 * DSA words (drivers/engine/dsa_desc.c) against literals worked out by
 * hand from Linux's drivers/dma/idxd/registers.h (union idxd_command_reg,
 * union wqcfg, union group_flags, union sw_err_reg) and
 * include/uapi/linux/idxd.h (struct dsa_hw_desc, struct
 * dsa_completion_record, the flags, opcodes and status codes).
 */
#include "drivers/engine/dsa_desc.h"
#include "tests/unit/unit.h"

UNIT_TEST(dsa_commands)
{
	/* cmd 24:20, operand 19:0. */
	EXPECT_U64(dsa_cmd(DSA_CMD_RESET_DEVICE, 0), 0x00500000);
	EXPECT_U64(dsa_cmd(DSA_CMD_ENABLE_DEVICE, 0), 0x00100000);
	EXPECT_U64(dsa_cmd(DSA_CMD_ENABLE_WQ, 1), 0x00600001);
	/* Disable WQ: a bitmap of 16 WQs, the block in bits 19:16. */
	EXPECT_U64(dsa_wq_bitmap_operand(0), 0x00001);
	EXPECT_U64(dsa_wq_bitmap_operand(1), 0x00002);
	EXPECT_U64(dsa_wq_bitmap_operand(17), 0x10002);
	EXPECT_U64(dsa_cmd(DSA_CMD_DISABLE_WQ, dsa_wq_bitmap_operand(1)),
		   0x00700002);
	EXPECT_U64(dsa_cmd(DSA_CMD_DISABLE_WQ, dsa_wq_bitmap_operand(17)),
		   0x00710002);
	EXPECT_STR(dsa_cmd_name(DSA_CMD_RESET_DEVICE), "Reset Device");
	EXPECT_STR(dsa_cmd_name(0), "unknown command");
}

UNIT_TEST(dsa_cmdsts_names)
{
	EXPECT_STR(dsa_cmdsts_name(0x00), "success");
	EXPECT_STR(dsa_cmdsts_name(0x11), "configuration error");
	EXPECT_STR(dsa_cmdsts_name(0x12), "bus master enable is 0");
	EXPECT_CONTAINS(dsa_cmdsts_name(0x13), "PASID_INVAL");
	EXPECT_CONTAINS(dsa_cmdsts_name(0x18), "GRP_CONFIG4");
	EXPECT_STR(dsa_cmdsts_name(0x21), "WQ already enabled");
	EXPECT_CONTAINS(dsa_cmdsts_name(0x26), "PASID_EN");
	EXPECT_CONTAINS(dsa_cmdsts_name(0x28), "MAX_XFER_SIZE");
	EXPECT_CONTAINS(dsa_cmdsts_name(0x32), "DEV_NOT_EN");
	EXPECT_STR(dsa_cmdsts_name(0x19), "unknown error");
}

UNIT_TEST(dsa_states)
{
	EXPECT_STR(dsa_state_name(DSA_STATE_DISABLED), "disabled");
	EXPECT_STR(dsa_state_name(3), "halted");
	EXPECT_STR(dsa_state_name(4), "unknown");
	EXPECT_STR(dsa_reset_type_name(0), "software reset");
	EXPECT_STR(dsa_reset_type_name(1), "function level reset");
	EXPECT_STR(dsa_reset_type_name(3), "cold reset");
}

UNIT_TEST(dsa_status_names)
{
	EXPECT_STR(dsa_status_name(0x01), "success");
	EXPECT_CONTAINS(dsa_status_name(0x03), "page fault");
	EXPECT_STR(dsa_status_name(0x13), "transfer size out of range");
	EXPECT_STR(dsa_status_name(0x1a),
		   "completion record address translation failed");
	EXPECT_STR(dsa_status_name(0x1d), "privileged request not allowed");
	EXPECT_STR(dsa_status_name(0x22), "address translation failed");
	EXPECT_STR(dsa_status_name(0x0a), "unknown status");
	EXPECT_STR(dsa_status_name(0x7f), "unknown status");
}

UNIT_TEST(dsa_wqcfg_untagged)
{
	/* The VFIO selftest's WQ: dedicated, priority 1, ATS off. */
	struct dsa_wq_config c = {
		.size = 64, .priority = 1, .ats_disable = true,
		.prs_disable = true, .max_xfer_shift = 31,
		.max_batch_shift = 10, .op_config = 0x2d,
	};
	u32 dw[DSA_WQCFG_DWORDS];

	memset(dw, 0xa5, sizeof(dw));
	dsa_wqcfg_encode(&c, dw);
	EXPECT_U64(dw[0], 0x40);
	EXPECT_U64(dw[1], 0);
	/* mode 1 | ats_disable 4 | prs_disable 8 | priority 1 << 4. */
	EXPECT_U64(dw[2], 0x1d);
	/* max_xfer_shift 4:0, max_batch_shift 8:5. */
	EXPECT_U64(dw[3], 0x15f);
	for (unsigned int i = 4; i < 8; i++)
		EXPECT_U64(dw[i], 0);
	/* op_config: NOOP, DRAIN, MEMMOVE, COMPARE = bits 0, 2, 3, 5. */
	EXPECT_U64(dw[8], 0x2d);
	for (unsigned int i = 9; i < DSA_WQCFG_DWORDS; i++)
		EXPECT_U64(dw[i], 0);
}

UNIT_TEST(dsa_wqcfg_pasid)
{
	struct dsa_wq_config c = {
		.size = 0x20, .priority = 1, .pasid_en = true,
		.pasid = 0x12345,
	};
	u32 dw[DSA_WQCFG_DWORDS];

	dsa_wqcfg_encode(&c, dw);
	/* pasid 27:8, pasid_en 28. */
	EXPECT_U64(dw[2], 0x11234511);
	c.priv = true;				/* priv 29 */
	dsa_wqcfg_encode(&c, dw);
	EXPECT_U64(dw[2], 0x31234511);
	/* A PASID beyond 20 bits does not reach pasid_en. */
	c.pasid = 0x1fffff;
	c.priv = false;
	dsa_wqcfg_encode(&c, dw);
	EXPECT_U64(dw[2], 0x1fffff11);
	/* Without pasid_en the PASID is not written. */
	c.pasid_en = false;
	dsa_wqcfg_encode(&c, dw);
	EXPECT_U64(dw[2], 0x11);
	c.op_config = 0x0000000100000008ULL;
	dsa_wqcfg_encode(&c, dw);
	EXPECT_U64(dw[8], 0x8);
	EXPECT_U64(dw[9], 0x1);
}

UNIT_TEST(dsa_wqcap_and_grpcfg)
{
	/* WQCAP.wqcfg_size 27:24: 2^(n + 5) bytes. */
	EXPECT_U64(dsa_wqcfg_bytes(0x0000000000080080ULL), 32);
	EXPECT_U64(dsa_wqcfg_bytes(0x0003000001080080ULL), 64);
	/* tc_a 2:0, tc_b 5:3, rdbufs_allowed 27:20. */
	EXPECT_U64(dsa_grpcfg_flags(1, 1, 0x60), 0x06000009);
	EXPECT_U64(dsa_grpcfg_flags(0, 0, 0), 0);
	EXPECT_U64(dsa_grpcfg_flags(7, 7, 0xff), 0x0ff0003f);
}

UNIT_TEST(dsa_descriptors)
{
	struct dsa_desc d;

	memset(&d, 0xa5, sizeof(d));
	dsa_desc_memmove(&d, 0x12345, 0x1000, 0x2000, 0x100, 0x3000);
	/* pasid 19:0, flags CRAV | RCR = 0xc at 55:32, opcode 3 at 63:56. */
	EXPECT_U64(d.qw[0], 0x0300000c00012345ULL);
	EXPECT_U64(d.qw[1], 0x3000);
	EXPECT_U64(d.qw[2], 0x1000);
	EXPECT_U64(d.qw[3], 0x2000);
	EXPECT_U64(d.qw[4], 0x100);	/* int_handle 0 */
	for (unsigned int i = 5; i < 8; i++)
		EXPECT_U64(d.qw[i], 0);	/* expected_res 0 and reserved */

	dsa_desc_compare(&d, 0, 0x5004, 0x6000, 0x2000, 0x3000);
	EXPECT_U64(d.qw[0], 0x0500000c00000000ULL);
	EXPECT_U64(d.qw[2], 0x5004);
	EXPECT_U64(d.qw[3], 0x6000);
	EXPECT_U64(d.qw[4], 0x2000);

	dsa_desc_noop(&d, 0, 0x3000);
	EXPECT_U64(d.qw[0], 0x0000000c00000000ULL);
	EXPECT_U64(d.qw[1], 0x3000);
	EXPECT_U64(d.qw[2], 0);
	EXPECT_U64(d.qw[4], 0);

	dsa_desc_drain(&d, 7, 0x3020);
	EXPECT_U64(d.qw[0], 0x0200000c00000007ULL);
	EXPECT_U64(d.qw[1], 0x3020);
	EXPECT_U64(sizeof(d), 64);
	EXPECT_U64(_Alignof(struct dsa_desc), 64);
}

UNIT_TEST(dsa_completion_records)
{
	/* A page fault on a write at 0xdead000 after 0x100 bytes. */
	u64 pf[4] = { 0x0000010000000083ULL, 0xdead000, 0, 0 };
	/* A compare that found a difference at byte 16. */
	u64 cmp[4] = { 0x0000001000000101ULL, 0, 0, 0 };
	struct dsa_completion c;

	dsa_completion_decode(pf, &c);
	EXPECT_U64(c.status, DSA_COMP_PAGE_FAULT_NOBOF);
	EXPECT(c.fault_write);
	EXPECT_U64(c.result, 0);
	EXPECT_U64(c.bytes_completed, 0x100);
	EXPECT_U64(c.fault_addr, 0xdead000);

	pf[0] = 0x0000000800000003ULL;		/* the same, reading */
	dsa_completion_decode(pf, &c);
	EXPECT_U64(c.status, 3);
	EXPECT(!c.fault_write);
	EXPECT_U64(c.bytes_completed, 8);

	dsa_completion_decode(cmp, &c);
	EXPECT_U64(c.status, DSA_COMP_SUCCESS);
	EXPECT(!c.fault_write);
	EXPECT_U64(c.result, 1);
	EXPECT_U64(c.bytes_completed, 16);
}

UNIT_TEST(dsa_swerr)
{
	/*
	 * valid, desc_valid, wq_idx_valid, fault_rw; error 0x1a; WQ 1;
	 * operation 3; PASID 0x12345; fault address in qword 2.
	 */
	u64 qw[4] = { 0x0123450300011a2dULL, 0, 0x4000, 0 };
	struct dsa_swerr s;

	dsa_swerr_decode(qw, &s);
	EXPECT(s.valid);
	EXPECT(!s.overflow);
	EXPECT(s.desc_valid);
	EXPECT(s.wq_valid);
	EXPECT(!s.batch);
	EXPECT(s.fault_write);
	EXPECT(!s.priv);
	EXPECT_U64(s.error, DSA_COMP_CRA_XLAT);
	EXPECT_U64(s.wq, 1);
	EXPECT_U64(s.operation, DSA_OP_MEMMOVE);
	EXPECT_U64(s.pasid, 0x12345);
	EXPECT_U64(s.fault_addr, 0x4000);
	/* The acknowledgement writes back only VALID and OVERFLOW. */
	EXPECT_U64(qw[0] & DSA_SWERR_ACK, 0x1);
	EXPECT_U64(0x3ULL & DSA_SWERR_ACK, 0x3);
}
