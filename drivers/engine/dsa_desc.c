// SPDX-License-Identifier: GPL-2.0
/*
 * Intel DSA words: commands, WQCFG and GRPCFG contents, descriptors,
 * completion records, SWERR and the names of every code (see dsa_desc.h).
 */
#include "drivers/engine/dsa_desc.h"

u32 dsa_cmd(enum dsa_cmd cmd, u32 operand)
{
	return (u32)(dsa_field_prep(DSA_CMD_CMD, cmd) |
		     dsa_field_prep(DSA_CMD_OPERAND, operand));
}

/* Linux's idxd_wq_disable(): BIT(wq % 16) | (wq / 16) << 16. */
u32 dsa_wq_bitmap_operand(unsigned int wq)
{
	return BIT(wq % 16) | (wq / 16) << 16;
}

const char *dsa_cmd_name(enum dsa_cmd cmd)
{
	static const char *const names[] = {
		[DSA_CMD_ENABLE_DEVICE]		= "Enable Device",
		[DSA_CMD_DISABLE_DEVICE]	= "Disable Device",
		[DSA_CMD_DRAIN_ALL]		= "Drain All",
		[DSA_CMD_ABORT_ALL]		= "Abort All",
		[DSA_CMD_RESET_DEVICE]		= "Reset Device",
		[DSA_CMD_ENABLE_WQ]		= "Enable WQ",
		[DSA_CMD_DISABLE_WQ]		= "Disable WQ",
		[DSA_CMD_DRAIN_WQ]		= "Drain WQ",
		[DSA_CMD_ABORT_WQ]		= "Abort WQ",
		[DSA_CMD_RESET_WQ]		= "Reset WQ",
	};

	if ((unsigned int)cmd < ARRAY_SIZE(names) && names[cmd])
		return names[cmd];
	return "unknown command";
}

/* Linux's enum idxd_cmdsts_err, by the DSA spec's meaning. */
const char *dsa_cmdsts_name(u8 err)
{
	switch (err) {
	case 0x00: return "success";
	case 0x01: return "invalid command";
	case 0x02: return "invalid WQ index";
	case 0x03: return "internal hardware error";
	case 0x10: return "device already enabled";
	case 0x11: return "configuration error";
	case 0x12: return "bus master enable is 0";
	case 0x13: return "invalid PASID (PASID_INVAL)";
	case 0x14: return "WQ sizes out of range (WQ_SIZE_ERANGE)";
	case 0x15: return "group configuration error (GRP_CONFIG)";
	case 0x16: return "group configuration error (GRP_CONFIG2)";
	case 0x17: return "group configuration error (GRP_CONFIG3)";
	case 0x18: return "group configuration error (GRP_CONFIG4)";
	case 0x20: return "device not enabled";
	case 0x21: return "WQ already enabled";
	case 0x22: return "WQ size error (WQ_SIZE)";
	case 0x23: return "WQ priority error (WQ_PRIOR)";
	case 0x24: return "WQ mode error (WQ_MODE)";
	case 0x25: return "block on fault error (BOF_EN)";
	case 0x26: return "WQ PASID enable error (PASID_EN)";
	case 0x27: return "WQ max batch size error (MAX_BATCH_SIZE)";
	case 0x28: return "WQ max transfer size error (MAX_XFER_SIZE)";
	case 0x31: return "disable device error (DIS_DEV_EN)";
	case 0x32: return "device not enabled (DEV_NOT_EN)";
	case 0x41: return "invalid interrupt index";
	case 0x42: return "no interrupt handle available";
	default: return "unknown error";
	}
}

const char *dsa_state_name(u32 state)
{
	static const char *const names[] = {
		[DSA_STATE_DISABLED]	= "disabled",
		[DSA_STATE_ENABLED]	= "enabled",
		[DSA_STATE_DRAIN]	= "draining",
		[DSA_STATE_HALT]	= "halted",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "unknown";
}

const char *dsa_reset_type_name(u32 type)
{
	static const char *const names[] = {
		[DSA_RESET_SOFTWARE]	= "software reset",
		[DSA_RESET_FLR]		= "function level reset",
		[DSA_RESET_WARM]	= "warm reset",
		[DSA_RESET_COLD]	= "cold reset",
	};

	return type < ARRAY_SIZE(names) ? names[type] : "unknown";
}

/* Linux's enum dsa_completion_status (uapi idxd.h). */
const char *dsa_status_name(u8 status)
{
	switch (status) {
	case DSA_COMP_NONE: return "not completed";
	case DSA_COMP_SUCCESS: return "success";
	case DSA_COMP_SUCCESS_PRED: return "success with false predicate";
	case DSA_COMP_PAGE_FAULT_NOBOF: return "page fault (no block on fault)";
	case DSA_COMP_PAGE_FAULT_IR: return "page fault (PAGE_FAULT_IR)";
	case DSA_COMP_BATCH_FAIL: return "batch: descriptors failed";
	case DSA_COMP_BATCH_PAGE_FAULT: return "batch page fault";
	case DSA_COMP_DR_OFFSET_NOINC: return "delta record offsets not increasing";
	case DSA_COMP_DR_OFFSET_ERANGE: return "delta record offset out of range";
	case DSA_COMP_DIF_ERR: return "DIF error";
	case DSA_COMP_BAD_OPCODE: return "unsupported opcode";
	case DSA_COMP_INVALID_FLAGS: return "invalid flags";
	case DSA_COMP_NOZERO_RESERVE: return "reserved field not zero";
	case DSA_COMP_XFER_ERANGE: return "transfer size out of range";
	case DSA_COMP_DESC_CNT_ERANGE: return "descriptor count out of range";
	case DSA_COMP_DR_ERANGE: return "delta record size out of range";
	case DSA_COMP_OVERLAP_BUFFERS: return "overlapping buffers";
	case DSA_COMP_DCAST_ERR: return "dualcast error";
	case DSA_COMP_DESCLIST_ALIGN: return "descriptor list not aligned";
	case DSA_COMP_INT_HANDLE_INVAL: return "invalid interrupt handle";
	case DSA_COMP_CRA_XLAT: return "completion record address translation failed";
	case DSA_COMP_CRA_ALIGN: return "completion record address not aligned";
	case DSA_COMP_ADDR_ALIGN: return "address not aligned";
	case DSA_COMP_PRIV_BAD: return "privileged request not allowed";
	case DSA_COMP_TRAFFIC_CLASS_CONF: return "traffic class configuration error";
	case DSA_COMP_PFAULT_RDBA: return "page fault on a readback address";
	case DSA_COMP_HW_ERR1: return "hardware error";
	case DSA_COMP_HW_ERR_DRB: return "hardware error on a readback";
	case DSA_COMP_TRANSLATION_FAIL: return "address translation failed";
	default: return "unknown status";
	}
}

void dsa_wqcfg_encode(const struct dsa_wq_config *c, u32 dw[DSA_WQCFG_DWORDS])
{
	for (unsigned int i = 0; i < DSA_WQCFG_DWORDS; i++)
		dw[i] = 0;
	dw[0] = (u32)dsa_field_prep(DSA_WQCFG_SIZE, c->size);
	dw[DSA_WQCFG_PASID_IDX] =
		DSA_WQCFG_MODE_DEDICATED |
		(c->ats_disable ? DSA_WQCFG_ATS_DISABLE : 0) |
		(c->prs_disable ? DSA_WQCFG_PRS_DISABLE : 0) |
		(u32)dsa_field_prep(DSA_WQCFG_PRIORITY, c->priority) |
		(c->pasid_en ? (u32)dsa_field_prep(DSA_WQCFG_PASID, c->pasid) |
			       DSA_WQCFG_PASID_EN : 0) |
		(c->priv ? DSA_WQCFG_PRIV : 0);
	dw[3] = (u32)(dsa_field_prep(DSA_WQCFG_MAX_XFER_SHIFT, c->max_xfer_shift) |
		      dsa_field_prep(DSA_WQCFG_MAX_BATCH_SHIFT, c->max_batch_shift));
	dw[DSA_WQCFG_OP_CONFIG_IDX] = (u32)c->op_config;
	dw[DSA_WQCFG_OP_CONFIG_IDX + 1] = (u32)(c->op_config >> 32);
}

u32 dsa_wqcfg_bytes(u64 wqcap)
{
	return 1U << (dsa_field_get(wqcap, DSA_WQCAP_WQCFG_SIZE) +
		      DSA_WQCFG_MIN_SHIFT);
}

u64 dsa_grpcfg_flags(u32 tc_a, u32 tc_b, u32 rdbufs_allowed)
{
	return dsa_field_prep(DSA_GRPFLAGS_TC_A, tc_a) |
	       dsa_field_prep(DSA_GRPFLAGS_TC_B, tc_b) |
	       dsa_field_prep(DSA_GRPFLAGS_RDBUFS_ALLOWED, rdbufs_allowed);
}

/*
 * Every descriptor asks for a completion record at @cr and no interrupt.
 * The privilege bit stays 0: a dedicated WQ takes WQCFG's instead, and
 * Linux's idxd_prep_desc_common() leaves it 0 too. The PASID is the WQ's,
 * as Linux's __get_desc() puts it there.
 */
static void desc_init(struct dsa_desc *d, enum dsa_opcode op, u32 pasid,
		      u64 cr)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(d->qw); i++)
		d->qw[i] = 0;
	d->qw[0] = dsa_field_prep(DSA_DESC_PASID, pasid) |
		   dsa_field_prep(DSA_DESC_FLAGS, DSA_FLAG_CRAV | DSA_FLAG_RCR) |
		   dsa_field_prep(DSA_DESC_OPCODE, op);
	d->qw[1] = cr;
}

void dsa_desc_noop(struct dsa_desc *d, u32 pasid, u64 cr)
{
	desc_init(d, DSA_OP_NOOP, pasid, cr);
}

void dsa_desc_drain(struct dsa_desc *d, u32 pasid, u64 cr)
{
	desc_init(d, DSA_OP_DRAIN, pasid, cr);
}

void dsa_desc_memmove(struct dsa_desc *d, u32 pasid, u64 src, u64 dst,
		      u32 len, u64 cr)
{
	desc_init(d, DSA_OP_MEMMOVE, pasid, cr);
	d->qw[2] = src;
	d->qw[3] = dst;
	d->qw[4] = dsa_field_prep(DSA_DESC_XFER_SIZE, len);
}

/* Expected result 0 (byte 40): the two sources are equal. */
void dsa_desc_compare(struct dsa_desc *d, u32 pasid, u64 src1, u64 src2,
		      u32 len, u64 cr)
{
	desc_init(d, DSA_OP_COMPARE, pasid, cr);
	d->qw[2] = src1;
	d->qw[3] = src2;
	d->qw[4] = dsa_field_prep(DSA_DESC_XFER_SIZE, len);
}

void dsa_completion_decode(const u64 qw[4], struct dsa_completion *c)
{
	c->status = (u8)dsa_field_get(qw[0], DSA_CR_STATUS);
	c->fault_write = qw[0] & DSA_CR_STATUS_WRITE;
	c->result = (u8)dsa_field_get(qw[0], DSA_CR_RESULT);
	c->bytes_completed = (u32)dsa_field_get(qw[0], DSA_CR_BYTES_COMPLETED);
	c->fault_addr = qw[1];
}

void dsa_swerr_decode(const u64 qw[4], struct dsa_swerr *s)
{
	s->valid = qw[0] & DSA_SWERR_VALID;
	s->overflow = qw[0] & DSA_SWERR_OVERFLOW;
	s->desc_valid = qw[0] & DSA_SWERR_DESC_VALID;
	s->wq_valid = qw[0] & DSA_SWERR_WQ_VALID;
	s->batch = qw[0] & DSA_SWERR_BATCH;
	s->fault_write = qw[0] & DSA_SWERR_FAULT_RW;
	s->priv = qw[0] & DSA_SWERR_PRIV;
	s->error = (u8)dsa_field_get(qw[0], DSA_SWERR_ERROR);
	s->wq = (u8)dsa_field_get(qw[0], DSA_SWERR_WQ);
	s->operation = (u8)dsa_field_get(qw[0], DSA_SWERR_OPERATION);
	s->pasid = (u32)dsa_field_get(qw[0], DSA_SWERR_PASID);
	s->fault_addr = qw[2];
}
