/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel DSA as plain words: the BAR0 registers and fields the DSA engine
 * uses, command and CMDSTS encodings, WQCFG and GRPCFG contents, the
 * 64-byte descriptor, the 32-byte completion record, SWERR, and the names
 * of every status. Nothing here touches a device, so the same code builds
 * into the firmware and into the host unit tests.
 *
 * Sources: the Intel Data Streaming Accelerator Architecture
 * Specification ("DSA spec"; section names as Linux's headers use them),
 * as Linux encodes it in drivers/dma/idxd/registers.h and
 * include/uapi/linux/idxd.h. Every field is a mask and a shift here, never
 * a bitfield: the layouts are the hardware's, not the compiler's.
 */
#ifndef VTDTEST_DRIVERS_ENGINE_DSA_DESC_H
#define VTDTEST_DRIVERS_ENGINE_DSA_DESC_H

#include "lib/types.h"

#define PCI_VENDOR_ID_INTEL		0x8086
/* Linux's idxd_pci_tbl: DSA on SPR, GNR-D and DMR. */
#define PCI_DEVICE_ID_INTEL_DSA_SPR0	0x0b25
#define PCI_DEVICE_ID_INTEL_DSA_GNRD	0x11fb
#define PCI_DEVICE_ID_INTEL_DSA_DMR	0x1212

/* DSA spec, MMIO registers: in BAR0; the WQ portals in BAR2. */
#define DSA_REG_VERSION		0x00
#define DSA_REG_GENCAP		0x10
#define DSA_REG_WQCAP		0x20
#define DSA_REG_GRPCAP		0x30
#define DSA_REG_ENGCAP		0x38
#define DSA_REG_OPCAP		0x40	/* 256 bits, bit n: opcode n */
#define DSA_REG_TABLE_OFFSET	0x60
#define DSA_REG_GENCFG		0x80
#define DSA_REG_GENCTRL		0x88
#define DSA_REG_GENSTS		0x90
#define DSA_REG_INTCAUSE	0x98
#define DSA_REG_CMD		0xa0
#define DSA_REG_CMDSTS		0xa8
#define DSA_REG_CMDCAP		0xb0
#define DSA_REG_SWERR		0xc0	/* 4 qwords */

#define DSA_DEVICE_VERSION_2	0x200	/* Linux's DEVICE_VERSION_2 */

/* General Capability Register. */
#define DSA_GENCAP_BOF			BIT_ULL(0)
#define DSA_GENCAP_CMD_CAP		BIT_ULL(4)
#define DSA_GENCAP_MAX_XFER_SHIFT	GENMASK_ULL(20, 16)
#define DSA_GENCAP_MAX_BATCH_SHIFT	GENMASK_ULL(24, 21)
#define DSA_GENCAP_CONFIG_EN		BIT_ULL(31)

/* Work Queue Capability Register. */
#define DSA_WQCAP_TOTAL_SIZE	GENMASK_ULL(15, 0)
#define DSA_WQCAP_NUM_WQS	GENMASK_ULL(23, 16)
#define DSA_WQCAP_WQCFG_SIZE	GENMASK_ULL(27, 24)	/* 2^(n + 5) bytes */
#define DSA_WQCAP_SHARED	BIT_ULL(48)
#define DSA_WQCAP_DEDICATED	BIT_ULL(49)
#define DSA_WQCAP_ATS		BIT_ULL(50)
#define DSA_WQCAP_PRIORITY	BIT_ULL(51)
#define DSA_WQCAP_OP_CONFIG	BIT_ULL(54)
#define DSA_WQCAP_PRS		BIT_ULL(55)
#define DSA_WQCFG_MIN_SHIFT	5	/* Linux's IDXD_WQCFG_MIN */

/* Group and Engine Capability Registers. */
#define DSA_GRPCAP_NUM_GROUPS	GENMASK_ULL(7, 0)
#define DSA_GRPCAP_TOTAL_RDBUFS	GENMASK_ULL(15, 8)
#define DSA_ENGCAP_NUM_ENGINES	GENMASK_ULL(7, 0)

/* Table Offset Register: offsets in units of 0x100. */
#define DSA_TABLE_GRPCFG	GENMASK_ULL(15, 0)
#define DSA_TABLE_WQCFG		GENMASK_ULL(31, 16)
#define DSA_TABLE_MULT		0x100

/* General Status Register. */
#define DSA_GENSTS_STATE	GENMASK_ULL(1, 0)
#define DSA_GENSTS_RESET_TYPE	GENMASK_ULL(3, 2)

enum dsa_dev_state {
	DSA_STATE_DISABLED	= 0,
	DSA_STATE_ENABLED	= 1,
	DSA_STATE_DRAIN		= 2,
	DSA_STATE_HALT		= 3,
};

enum dsa_reset_type {
	DSA_RESET_SOFTWARE	= 0,
	DSA_RESET_FLR		= 1,
	DSA_RESET_WARM		= 2,
	DSA_RESET_COLD		= 3,
};

/* Command Register. */
#define DSA_CMD_OPERAND		GENMASK_ULL(19, 0)
#define DSA_CMD_CMD		GENMASK_ULL(24, 20)
#define DSA_CMD_INT_REQ		BIT(31)

enum dsa_cmd {
	DSA_CMD_ENABLE_DEVICE	= 1,
	DSA_CMD_DISABLE_DEVICE	= 2,
	DSA_CMD_DRAIN_ALL	= 3,
	DSA_CMD_ABORT_ALL	= 4,
	DSA_CMD_RESET_DEVICE	= 5,
	DSA_CMD_ENABLE_WQ	= 6,
	DSA_CMD_DISABLE_WQ	= 7,
	DSA_CMD_DRAIN_WQ	= 8,
	DSA_CMD_ABORT_WQ	= 9,
	DSA_CMD_RESET_WQ	= 10,
};

/* Command Status Register. */
#define DSA_CMDSTS_ERR		GENMASK_ULL(7, 0)
#define DSA_CMDSTS_RESULT	GENMASK_ULL(23, 8)
#define DSA_CMDSTS_ACTIVE	BIT(31)

/* Software Error Register, qword 0; qword 2 is the fault address. */
#define DSA_SWERR_VALID		BIT_ULL(0)
#define DSA_SWERR_OVERFLOW	BIT_ULL(1)
#define DSA_SWERR_DESC_VALID	BIT_ULL(2)
#define DSA_SWERR_WQ_VALID	BIT_ULL(3)
#define DSA_SWERR_BATCH		BIT_ULL(4)
#define DSA_SWERR_FAULT_RW	BIT_ULL(5)	/* 1: a write */
#define DSA_SWERR_PRIV		BIT_ULL(6)
#define DSA_SWERR_ERROR		GENMASK_ULL(15, 8)
#define DSA_SWERR_WQ		GENMASK_ULL(23, 16)
#define DSA_SWERR_OPERATION	GENMASK_ULL(39, 32)
#define DSA_SWERR_PASID		GENMASK_ULL(59, 40)
/* Linux's IDXD_SWERR_ACK: writing VALID and OVERFLOW back clears them. */
#define DSA_SWERR_ACK		(DSA_SWERR_VALID | DSA_SWERR_OVERFLOW)

/* Work Queue Configuration Table: one entry per WQ, as dwords. */
#define DSA_WQCFG_DWORDS	16
#define DSA_WQCFG_PASID_IDX	2	/* mode, PASID and priv live here */
#define DSA_WQCFG_STATE_IDX	6
#define DSA_WQCFG_SIZE		GENMASK_ULL(15, 0)		/* dword 0 */
#define DSA_WQCFG_MODE_DEDICATED BIT(0)				/* dword 2 */
#define DSA_WQCFG_BOF		BIT(1)
#define DSA_WQCFG_ATS_DISABLE	BIT(2)
#define DSA_WQCFG_PRS_DISABLE	BIT(3)
#define DSA_WQCFG_PRIORITY	GENMASK_ULL(7, 4)
#define DSA_WQCFG_PASID		GENMASK_ULL(27, 8)
#define DSA_WQCFG_PASID_EN	BIT(28)
#define DSA_WQCFG_PRIV		BIT(29)
#define DSA_WQCFG_MAX_XFER_SHIFT GENMASK_ULL(4, 0)		/* dword 3 */
#define DSA_WQCFG_MAX_BATCH_SHIFT GENMASK_ULL(8, 5)
#define DSA_WQCFG_STATE		GENMASK_ULL(31, 30)		/* dword 6 */
#define DSA_WQCFG_OP_CONFIG_IDX	8	/* dwords 8..15: 256 bits */

/* Group Configuration Table: 64 bytes per group. */
#define DSA_GRPCFG_SIZE		64
#define DSA_GRPCFG_WQS		0	/* 256-bit WQ bitmap */
#define DSA_GRPCFG_ENGINES	32	/* 64-bit engine bitmap */
#define DSA_GRPCFG_FLAGS	40
#define DSA_GRPFLAGS_TC_A	GENMASK_ULL(2, 0)
#define DSA_GRPFLAGS_TC_B	GENMASK_ULL(5, 3)
#define DSA_GRPFLAGS_RDBUFS_ALLOWED GENMASK_ULL(27, 20)

/* BAR2: each WQ has four 4 KiB portals; the first is unlimited. */
#define DSA_WQ_PORTAL_STRIDE	0x4000

/* Descriptor flags and opcodes (DSA spec, descriptor; Linux's uapi idxd.h). */
#define DSA_FLAG_FENCE		BIT(0)
#define DSA_FLAG_BOF		BIT(1)
#define DSA_FLAG_CRAV		BIT(2)	/* completion record address valid */
#define DSA_FLAG_RCR		BIT(3)	/* request completion record */
#define DSA_FLAG_RCI		BIT(4)	/* request completion interrupt */

enum dsa_opcode {
	DSA_OP_NOOP	= 0x00,
	DSA_OP_BATCH	= 0x01,
	DSA_OP_DRAIN	= 0x02,
	DSA_OP_MEMMOVE	= 0x03,
	DSA_OP_FILL	= 0x04,
	DSA_OP_COMPARE	= 0x05,
};

/* The 64-byte descriptor, as the eight qwords a portal receives. */
#define DSA_DESC_PASID		GENMASK_ULL(19, 0)	/* qword 0 */
#define DSA_DESC_PRIV		BIT_ULL(31)
#define DSA_DESC_FLAGS		GENMASK_ULL(55, 32)
#define DSA_DESC_OPCODE		GENMASK_ULL(63, 56)
#define DSA_DESC_XFER_SIZE	GENMASK_ULL(31, 0)	/* qword 4 */

struct dsa_desc {
	u64 qw[8];
} __aligned(64);

/* The 32-byte completion record (DSA spec), 32-byte aligned. */
#define DSA_CR_SIZE		32
#define DSA_CR_STATUS		GENMASK_ULL(6, 0)	/* qword 0 */
#define DSA_CR_STATUS_WRITE	BIT_ULL(7)	/* a fault was a write */
#define DSA_CR_RESULT		GENMASK_ULL(15, 8)
#define DSA_CR_BYTES_COMPLETED	GENMASK_ULL(63, 32)

enum dsa_comp_status {
	DSA_COMP_NONE			= 0x00,
	DSA_COMP_SUCCESS		= 0x01,
	DSA_COMP_SUCCESS_PRED		= 0x02,
	DSA_COMP_PAGE_FAULT_NOBOF	= 0x03,
	DSA_COMP_PAGE_FAULT_IR		= 0x04,
	DSA_COMP_BATCH_FAIL		= 0x05,
	DSA_COMP_BATCH_PAGE_FAULT	= 0x06,
	DSA_COMP_DR_OFFSET_NOINC	= 0x07,
	DSA_COMP_DR_OFFSET_ERANGE	= 0x08,
	DSA_COMP_DIF_ERR		= 0x09,
	DSA_COMP_BAD_OPCODE		= 0x10,
	DSA_COMP_INVALID_FLAGS		= 0x11,
	DSA_COMP_NOZERO_RESERVE		= 0x12,
	DSA_COMP_XFER_ERANGE		= 0x13,
	DSA_COMP_DESC_CNT_ERANGE	= 0x14,
	DSA_COMP_DR_ERANGE		= 0x15,
	DSA_COMP_OVERLAP_BUFFERS	= 0x16,
	DSA_COMP_DCAST_ERR		= 0x17,
	DSA_COMP_DESCLIST_ALIGN		= 0x18,
	DSA_COMP_INT_HANDLE_INVAL	= 0x19,
	DSA_COMP_CRA_XLAT		= 0x1a,
	DSA_COMP_CRA_ALIGN		= 0x1b,
	DSA_COMP_ADDR_ALIGN		= 0x1c,
	DSA_COMP_PRIV_BAD		= 0x1d,
	DSA_COMP_TRAFFIC_CLASS_CONF	= 0x1e,
	DSA_COMP_PFAULT_RDBA		= 0x1f,
	DSA_COMP_HW_ERR1		= 0x20,
	DSA_COMP_HW_ERR_DRB		= 0x21,
	DSA_COMP_TRANSLATION_FAIL	= 0x22,
};

/* A completion record, decoded. */
struct dsa_completion {
	u8 status;		/* without the write bit */
	bool fault_write;
	u8 result;		/* Compare: 0 equal */
	u32 bytes_completed;
	u64 fault_addr;
};

/* The Software Error Register, decoded. */
struct dsa_swerr {
	bool valid;
	bool overflow;
	bool desc_valid;
	bool wq_valid;
	bool batch;
	bool fault_write;
	bool priv;
	u8 error;		/* a completion status code */
	u8 wq;
	u8 operation;
	u32 pasid;
	u64 fault_addr;
};

/* What one WQ is configured as. */
struct dsa_wq_config {
	u16 size;
	u8 priority;
	bool pasid_en;
	u32 pasid;
	bool priv;
	bool ats_disable;
	bool prs_disable;
	u8 max_xfer_shift;
	u8 max_batch_shift;
	u64 op_config;		/* opcodes 0..63; the rest stay 0 */
};

/* The field @mask of @reg, shifted down; and @v placed in @mask. */
static inline u64 dsa_field_get(u64 reg, u64 mask)
{
	return (reg & mask) >> __builtin_ctzll(mask);
}

static inline u64 dsa_field_prep(u64 mask, u64 v)
{
	return (v << __builtin_ctzll(mask)) & mask;
}

/* The Command Register for @cmd with @operand. */
u32 dsa_cmd(enum dsa_cmd cmd, u32 operand);
/* Disable, drain, abort and reset WQ name their WQ by a bitmap. */
u32 dsa_wq_bitmap_operand(unsigned int wq);
const char *dsa_cmd_name(enum dsa_cmd cmd);
const char *dsa_cmdsts_name(u8 err);
const char *dsa_state_name(u32 state);
const char *dsa_reset_type_name(u32 type);
const char *dsa_status_name(u8 status);

/* The WQCFG entry for @c, every dword of it. */
void dsa_wqcfg_encode(const struct dsa_wq_config *c, u32 dw[DSA_WQCFG_DWORDS]);
/* Bytes of one WQCFG entry, from WQCAP. */
u32 dsa_wqcfg_bytes(u64 wqcap);
/* GRPCFG flags: traffic classes and read buffers. */
u64 dsa_grpcfg_flags(u32 tc_a, u32 tc_b, u32 rdbufs_allowed);

void dsa_desc_noop(struct dsa_desc *d, u32 pasid, u64 cr);
void dsa_desc_drain(struct dsa_desc *d, u32 pasid, u64 cr);
void dsa_desc_memmove(struct dsa_desc *d, u32 pasid, u64 src, u64 dst,
		      u32 len, u64 cr);
void dsa_desc_compare(struct dsa_desc *d, u32 pasid, u64 src1, u64 src2,
		      u32 len, u64 cr);

void dsa_completion_decode(const u64 qw[4], struct dsa_completion *c);
void dsa_swerr_decode(const u64 qw[4], struct dsa_swerr *s);

#endif /* VTDTEST_DRIVERS_ENGINE_DSA_DESC_H */
