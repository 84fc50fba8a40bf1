// SPDX-License-Identifier: GPL-2.0
/*
 * Intel Data Streaming Accelerator (DSA) as a DMA engine: the device that
 * issues PASID-tagged DMA on Sapphire Rapids and later Xeons. The bring-up
 * is Linux's (drivers/dma/idxd: init.c, device.c) as its VFIO selftest
 * driver (tools/testing/selftests/vfio/lib/drivers/dsa/dsa.c) condenses
 * it: reset, one group with one engine and dedicated WQs, enable the
 * device, enable the WQs. Completion records are polled; no interrupts.
 *
 * Queues. WQ 0 has no PASID: its requests are untagged and translated
 * through RID_PASID. WQ 1, where the device has a second WQ and the PASID
 * capability, carries PASID-tagged requests. A dedicated WQ's PASID and
 * privilege are fixed in WQCFG, so WQ 1 is set to the PASID and privilege
 * of the request at hand when they change: disable the WQ, write WQCFG's
 * PASID dword, enable the WQ, as Linux's idxd_wq_set_pasid() does. A
 * device with a single WQ switches WQ 0 the same way. ATS and PRS are
 * disabled per WQ (where WQCAP offers them), as the VFIO selftest does, so
 * that a blocked request is translated, and recorded, by the IOMMU; block
 * on fault stays off, so a fault ends the descriptor with a page-fault
 * status.
 *
 * Requests. A write is a memmove from a pattern the CPU puts in the
 * scratch pages to r->iova; a read is a compare of r->iova against the
 * expected bytes in the scratch pages, whose result says whether they
 * matched. Both read the scratch pages and write the completion record
 * (in the engine's own page) through the request's translation: that is
 * why the engine sets ENGINE_OWN_DMA, although its descriptors reach the
 * device by CPU stores.
 *
 * Submission. A descriptor is one 64-byte store to the WQ's portal:
 * MOVDIR64B, as Linux's iosubmit_cmds512(), where CPUID.(7,0):ECX[28]
 * offers it (every CPU that has a DSA does). Without it (QEMU's TCG) the
 * descriptor goes as eight 8-byte stores in address order, which no
 * hardware DSA accepts and only an emulator that assembles descriptors per
 * portal does; the run says once which path it takes.
 *
 * Privileged requests. WQCFG's priv makes every request of a dedicated
 * WQ with pasid_en a privileged (supervisor) one, and the DSA spec allows
 * it only where Privileged Mode Enable is set in the PCIe PASID
 * capability. The engine enables PASID with every feature the capability
 * offers, as Linux's intel-iommu does (pci_enable_pasid() with
 * pci_pasid_features()), and sets ENGINE_PRIV where Privileged Mode
 * Supported is among them. Linux's idxd no longer sets WQCFG priv (it
 * once did for kernel WQs): its kernel DMA issues user requests.
 *
 * Points Linux does not settle, and what the engine assumes:
 * - a descriptor to a dedicated WQ carries the WQ's PASID and priv 0, as
 *   Linux's __get_desc() and idxd_prep_desc_common() fill them; Linux says
 *   a dedicated WQ ignores them;
 * - a blocked write is posted: the device may report success, and only
 *   the IOMMU's fault record shows it; a blocked read may end in a page
 *   fault, a translation failure or another error status, any of which
 *   the engine reports as a failed request;
 * - WQCFG's PASID dword is rewritten on a disabled WQ of an enabled
 *   device (idxd_wq_set_pasid()); the WQ size is WQCAP's total split
 *   between the WQs, where the VFIO selftest gives all of it to WQ 0;
 * - without MOVDIR64B, the eight stores go in address order to the
 *   unlimited portal, offset 0 first, 56 last; the device must assemble
 *   them into one descriptor.
 */
#include "drivers/engine/engine.h"
#include "drivers/engine/dsa_desc.h"
#include "lib/errno.h"
#include "lib/hw.h"
#include "lib/ktap.h"
#include "lib/string.h"

#define DSA_CMD_TIMEOUT_US	5000000	/* the VFIO selftest's 5 s */
#define DSA_DMA_TIMEOUT_US	1000000
#define DSA_NR_WQS		2	/* at most: untagged, PASID-tagged */
#define DSA_WQ_UNTAGGED		0
#define DSA_WQ_PRIORITY		1	/* the VFIO selftest's */
#define DSA_PROBE_MAX_LEN	4096	/* until GENCAP is read */
#define DSA_PATTERN_WRITE	0xd5000000U
#define DSA_PATTERN_READ	0xd7000000U
/* The opcodes the engine issues; WQCFG op_config allows just these. */
#define DSA_OPS_USED		(BIT_ULL(DSA_OP_NOOP) | BIT_ULL(DSA_OP_DRAIN) | \
				 BIT_ULL(DSA_OP_MEMMOVE) | BIT_ULL(DSA_OP_COMPARE))

/* Intel SDM Vol. 2B, MOVDIR64B: CPUID.(EAX=07H, ECX=0):ECX[bit 28]. */
#define CPUID_LEAF_EXT_FEATURES	7
#define CPUID_7_ECX_MOVDIR64B	BIT(28)

struct dsa_wq {
	u64 portal;
	bool enabled;
	bool pasid_en;
	u32 pasid;
	bool priv;
};

struct dsa_dev {
	struct dsa_desc desc;		/* 64-byte aligned, for MOVDIR64B */
	u64 bar0;
	u64 bar2;
	u16 pasid_cap;			/* PASID capability offset, 0: none */
	u16 pci_command;		/* as found, restored at exit */
	u16 pasid_ctrl;
	u16 pasid_features;		/* PCI_PASID_FEATURES it supports */
	bool claimed;
	/* A request never completed: reset before the next one. */
	bool broken;
	u32 version;
	u64 gencap;
	u64 wqcap;
	u64 grpcap;
	u64 engcap;
	u64 opcap;			/* opcodes 0..63 */
	u64 grpcfg;			/* table addresses */
	u64 wqcfg;
	u32 wqcfg_bytes;
	unsigned int nr_wqs;
	struct dsa_wq wq[DSA_NR_WQS];
	unsigned int last_wq;		/* the last request's */
	u32 seq;
	u32 pattern[ENGINE_DATA_MAX / 4];	/* what a write brings */
	u32 expect[ENGINE_DATA_MAX / 4];	/* what a read must find */
};

static struct dsa_dev dsas[ENGINE_MAX];
static unsigned int nr_dsas;
static bool movdir64b;
static bool submit_path_told;

static struct dsa_dev *dsa_of(const struct engine *e)
{
	return e->priv;
}

/* The completion record: the start of the own page, 32-byte aligned. */
static volatile u64 *cr_ptr(const struct engine *e)
{
	return (volatile u64 *)e->own;
}

static u64 cr_addr(const struct engine *e)
{
	return virt_to_phys(e->own);
}

static u32 dsa_read32(const struct dsa_dev *d, u32 reg)
{
	return hw_read32(d->bar0 + reg);
}

static u64 dsa_read64(const struct dsa_dev *d, u32 reg)
{
	return hw_read64(d->bar0 + reg);
}

static u32 dsa_state(const struct dsa_dev *d)
{
	return (u32)dsa_field_get(dsa_read32(d, DSA_REG_GENSTS),
				  DSA_GENSTS_STATE);
}

static bool pci_id_is_dsa(u16 device)
{
	return device == PCI_DEVICE_ID_INTEL_DSA_SPR0 ||
	       device == PCI_DEVICE_ID_INTEL_DSA_GNRD ||
	       device == PCI_DEVICE_ID_INTEL_DSA_DMR;
}

static bool dsa_match(const struct pci_dev *pd)
{
	return pd->vendor == PCI_VENDOR_ID_INTEL && pci_id_is_dsa(pd->device);
}

static u64 dsa_probe(struct engine *e)
{
	struct dsa_dev *d = &dsas[nr_dsas++];

	d->bar0 = pci_bar_address(e->pci, 0);
	d->bar2 = pci_bar_address(e->pci, 2);
	d->pasid_cap = pci_find_ext_capability(e->pci, PCI_EXT_CAP_ID_PASID);
	if (d->pasid_cap)
		d->pasid_features = pci_pasid_features(e->pci, d->pasid_cap);
	e->priv = d;
	e->flags = ENGINE_OWN_DMA | (d->pasid_cap ? ENGINE_PASID : 0) |
		   (d->pasid_features & PCI_PASID_CAP_PRIV ? ENGINE_PRIV : 0);
	e->align = 4;
	e->len_unit = 4;
	e->min_len = 4;
	e->max_len = DSA_PROBE_MAX_LEN;
	return 1;
}

/* The DSA spec's Software Error Register, decoded; acknowledged when @ack. */
static bool dsa_swerr(struct engine *e, bool ack)
{
	struct dsa_dev *d = dsa_of(e);
	struct dsa_swerr s;
	u64 qw[4];

	for (unsigned int i = 0; i < ARRAY_SIZE(qw); i++)
		qw[i] = dsa_read64(d, DSA_REG_SWERR + 8 * i);
	dsa_swerr_decode(qw, &s);
	if (!s.valid)
		return false;
	engine_diag(e, "SWERR: %s (0x%02x)%s, %s, WQ %s%u, op 0x%02x, PASID 0x%x%s, %s at 0x%llx (0x%016llx 0x%016llx 0x%016llx 0x%016llx)",
		    dsa_status_name(s.error), s.error,
		    s.overflow ? " and more" : "",
		    s.desc_valid ? "descriptor valid" : "no descriptor",
		    s.wq_valid ? "" : "invalid ", s.wq, s.operation, s.pasid,
		    s.priv ? " priv" : "", s.fault_write ? "write" : "read",
		    (unsigned long long)s.fault_addr,
		    (unsigned long long)qw[0], (unsigned long long)qw[1],
		    (unsigned long long)qw[2], (unsigned long long)qw[3]);
	if (ack)
		hw_write64(d->bar0 + DSA_REG_SWERR, qw[0] & DSA_SWERR_ACK);
	return true;
}

/*
 * The DSA spec's Command Register: a command, CMDSTS.active polled for the
 * VFIO selftest's 5 s, and its error named.
 */
static int dsa_command(struct engine *e, enum dsa_cmd cmd, u32 operand)
{
	struct dsa_dev *d = dsa_of(e);
	u32 sts;
	u8 err;

	hw_write32(d->bar0 + DSA_REG_CMD, dsa_cmd(cmd, operand));
	if (!hw_poll_timeout(!((sts = dsa_read32(d, DSA_REG_CMDSTS)) &
			       DSA_CMDSTS_ACTIVE), DSA_CMD_TIMEOUT_US)) {
		engine_diag(e, "%s (operand 0x%x): CMDSTS still active after %u ms (0x%08x)",
			    dsa_cmd_name(cmd), operand,
			    DSA_CMD_TIMEOUT_US / 1000, sts);
		return -ETIMEDOUT;
	}
	err = (u8)dsa_field_get(sts, DSA_CMDSTS_ERR);
	if (!err)
		return 0;
	engine_diag(e, "%s (operand 0x%x): %s (CMDSTS 0x%08x, error 0x%02x, GENSTS %s)",
		    dsa_cmd_name(cmd), operand, dsa_cmdsts_name(err), sts, err,
		    dsa_state_name(dsa_state(d)));
	dsa_swerr(e, true);
	return -EIO;
}

/* Linux's idxd_device_init_reset(): everything back to its reset value. */
static int dsa_reset(struct engine *e)
{
	struct dsa_dev *d = dsa_of(e);
	int ret = dsa_command(e, DSA_CMD_RESET_DEVICE, 0);

	for (unsigned int i = 0; i < d->nr_wqs; i++)
		d->wq[i] = (struct dsa_wq){ .portal = d->wq[i].portal };
	if (!ret && dsa_state(d) != DSA_STATE_DISABLED) {
		engine_diag(e, "Reset Device left the device %s",
			    dsa_state_name(dsa_state(d)));
		ret = -EIO;
	}
	d->broken = ret != 0;
	return ret;
}

/* Linux's idxd_read_caps() and idxd_read_table_offsets(). */
static void dsa_read_caps(struct engine *e)
{
	struct dsa_dev *d = dsa_of(e);
	u64 table = dsa_read64(d, DSA_REG_TABLE_OFFSET);

	d->version = dsa_read32(d, DSA_REG_VERSION);
	d->gencap = dsa_read64(d, DSA_REG_GENCAP);
	d->wqcap = dsa_read64(d, DSA_REG_WQCAP);
	d->grpcap = dsa_read64(d, DSA_REG_GRPCAP);
	d->engcap = dsa_read64(d, DSA_REG_ENGCAP);
	d->opcap = dsa_read64(d, DSA_REG_OPCAP);
	d->grpcfg = d->bar0 + dsa_field_get(table, DSA_TABLE_GRPCFG) *
			      DSA_TABLE_MULT;
	d->wqcfg = d->bar0 + dsa_field_get(table, DSA_TABLE_WQCFG) *
			     DSA_TABLE_MULT;
	d->wqcfg_bytes = dsa_wqcfg_bytes(d->wqcap);
	/* Raw, as Linux prints it: Sapphire Rapids' first DSA reads 0x100. */
	engine_diag(e, "DSA version 0x%x, GENCAP 0x%016llx WQCAP 0x%016llx GRPCAP 0x%016llx ENGCAP 0x%016llx OPCAP 0x%016llx",
		    d->version, (unsigned long long)d->gencap, (unsigned long long)d->wqcap,
		    (unsigned long long)d->grpcap, (unsigned long long)d->engcap,
		    (unsigned long long)d->opcap);
}

/* What the engine needs of the device, each refusal named. */
static int dsa_check_caps(struct engine *e)
{
	struct dsa_dev *d = dsa_of(e);
	const char *why = NULL;

	if (!(d->gencap & DSA_GENCAP_CONFIG_EN))
		why = "GENCAP.config_en is 0: the configuration is fixed";
	else if (!dsa_field_get(d->wqcap, DSA_WQCAP_NUM_WQS))
		why = "WQCAP: no WQ";
	else if (!(d->wqcap & DSA_WQCAP_DEDICATED))
		why = "WQCAP: no dedicated mode";
	else if (!dsa_field_get(d->grpcap, DSA_GRPCAP_NUM_GROUPS))
		why = "GRPCAP: no group";
	else if (!dsa_field_get(d->engcap, DSA_ENGCAP_NUM_ENGINES))
		why = "ENGCAP: no engine";
	else if ((d->opcap & DSA_OPS_USED) != DSA_OPS_USED)
		why = "OPCAP lacks no-op, drain, memmove or compare";
	else if (dsa_field_get(d->gencap, DSA_GENCAP_MAX_XFER_SHIFT) < 2)
		why = "GENCAP: transfers under 4 bytes";
	if (!why)
		return 0;
	engine_diag(e, "%s", why);
	return -ENODEV;
}

/* Two WQs where a PASID queue is wanted and the device has them. */
static void dsa_plan_wqs(struct engine *e)
{
	struct dsa_dev *d = dsa_of(e);
	u32 num = (u32)dsa_field_get(d->wqcap, DSA_WQCAP_NUM_WQS);
	u32 total = (u32)dsa_field_get(d->wqcap, DSA_WQCAP_TOTAL_SIZE);

	d->nr_wqs = (e->flags & ENGINE_PASID) && num > 1 && total > 1 ? 2 : 1;
	for (unsigned int i = 0; i < d->nr_wqs; i++)
		d->wq[i] = (struct dsa_wq){
			.portal = d->bar2 + i * DSA_WQ_PORTAL_STRIDE };
	e->max_len = MIN(ENGINE_DATA_MAX,
			 1U << dsa_field_get(d->gencap, DSA_GENCAP_MAX_XFER_SHIFT));
}

/* WQ @i's configuration, as dsa_wq_init() in the VFIO selftest. */
static void dsa_wq_config(const struct engine *e, unsigned int i,
			  struct dsa_wq_config *c)
{
	const struct dsa_dev *d = dsa_of(e);
	u32 total = (u32)dsa_field_get(d->wqcap, DSA_WQCAP_TOTAL_SIZE);

	*c = (struct dsa_wq_config){
		.size = (u16)(total / d->nr_wqs),
		.priority = DSA_WQ_PRIORITY,
		.pasid_en = d->wq[i].pasid_en,
		.pasid = d->wq[i].pasid,
		.priv = d->wq[i].priv,
		.ats_disable = d->wqcap & DSA_WQCAP_ATS,
		.prs_disable = d->wqcap & DSA_WQCAP_PRS,
		.max_xfer_shift = (u8)dsa_field_get(d->gencap,
						    DSA_GENCAP_MAX_XFER_SHIFT),
		.max_batch_shift = (u8)dsa_field_get(d->gencap,
						     DSA_GENCAP_MAX_BATCH_SHIFT),
		.op_config = d->wqcap & DSA_WQCAP_OP_CONFIG ?
			     d->opcap & DSA_OPS_USED : 0,
	};
}

static u64 wqcfg_reg(const struct dsa_dev *d, unsigned int wq, unsigned int dw)
{
	return d->wqcfg + wq * d->wqcfg_bytes + 4 * dw;
}

/* Linux's idxd_wq_config_write(): every dword of the entry, in order. */
static void dsa_write_wqcfg(struct engine *e, unsigned int wq)
{
	struct dsa_dev *d = dsa_of(e);
	struct dsa_wq_config c;
	u32 dw[DSA_WQCFG_DWORDS];

	dsa_wq_config(e, wq, &c);
	dsa_wqcfg_encode(&c, dw);
	for (unsigned int i = 0; i < MIN(DSA_WQCFG_DWORDS, d->wqcfg_bytes / 4); i++)
		hw_write32(wqcfg_reg(d, wq, i), dw[i]);
}

/*
 * Linux's idxd_groups_config_write(): group 0 holds the WQs and engine 0.
 * Traffic classes 1 on devices up to version 2, as Linux's
 * idxd_setup_groups(); read buffers: all of GRPCAP's.
 */
static void dsa_write_grpcfg(struct engine *e)
{
	struct dsa_dev *d = dsa_of(e);
	u32 tc = d->version <= DSA_DEVICE_VERSION_2 ? 1 : 0;

	hw_write64(d->grpcfg + DSA_GRPCFG_WQS, BIT_ULL(d->nr_wqs) - 1);
	for (unsigned int i = 1; i < 4; i++)
		hw_write64(d->grpcfg + DSA_GRPCFG_WQS + 8 * i, 0);
	hw_write64(d->grpcfg + DSA_GRPCFG_ENGINES, BIT_ULL(0));
	hw_write64(d->grpcfg + DSA_GRPCFG_FLAGS,
		   dsa_grpcfg_flags(tc, tc, (u32)dsa_field_get(
				    d->grpcap, DSA_GRPCAP_TOTAL_RDBUFS)));
}

static int dsa_enable_wq(struct engine *e, unsigned int wq)
{
	int ret = dsa_command(e, DSA_CMD_ENABLE_WQ, wq);

	dsa_of(e)->wq[wq].enabled = !ret;
	return ret;
}

static int dsa_disable_wq(struct engine *e, unsigned int wq)
{
	int ret = dsa_command(e, DSA_CMD_DISABLE_WQ, dsa_wq_bitmap_operand(wq));

	dsa_of(e)->wq[wq].enabled = ret != 0;
	return ret;
}

static void tell_submit_path(struct engine *e)
{
	if (submit_path_told)
		return;
	submit_path_told = true;
	engine_diag(e, "%s", movdir64b ?
		    "descriptors submitted with MOVDIR64B" :
		    "no MOVDIR64B on this CPU: descriptors submitted as eight 8-byte stores, which only an emulated DSA accepts");
}

static void dsa_detect_movdir64b(void)
{
	movdir64b = cpuid(0, 0).eax >= CPUID_LEAF_EXT_FEATURES &&
		    (cpuid(CPUID_LEAF_EXT_FEATURES, 0).ecx & CPUID_7_ECX_MOVDIR64B);
}

/*
 * Linux's iosubmit_cmds512(): one 64-byte direct store, MOVDIR64B with
 * the portal in RAX and the descriptor at (RDX) (66 0F 38 F8 /r).
 */
static void movdir64b_submit(u64 portal, const struct dsa_desc *desc)
{
	volatile struct { u8 b[64]; } *dst = (void *)(uintptr_t)portal;

	asm volatile("movdir64b (%2), %1"
		     : "+m"(*dst)
		     : "a"(dst), "d"(desc), "m"(*desc));
}

/* A descriptor to a dedicated WQ's portal, as Linux's idxd_submit_desc(). */
static void dsa_submit(struct engine *e, unsigned int wq)
{
	struct dsa_dev *d = dsa_of(e);
	volatile u64 *cr = cr_ptr(e);

	for (unsigned int i = 0; i < DSA_CR_SIZE / 8; i++)
		cr[i] = 0;
	/* Linux's idxd_submit_desc(): the record and data before the store. */
	hw_wmb();
	if (movdir64b) {
		movdir64b_submit(d->wq[wq].portal, &d->desc);
		return;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(d->desc.qw); i++)
		hw_write64(d->wq[wq].portal + 8 * i, d->desc.qw[i]);
}

static bool dsa_answered(struct engine *e)
{
	struct dsa_dev *d = dsa_of(e);

	return (cr_ptr(e)[0] & DSA_CR_STATUS) ||
	       (dsa_read64(d, DSA_REG_SWERR) & DSA_SWERR_VALID) ||
	       dsa_state(d) == DSA_STATE_HALT;
}

/*
 * Submits the descriptor in d->desc on @wq and polls its completion
 * record for @timeout_us; a software error or a halt ends the wait too.
 * 0 with *c filled in when the record was written.
 */
static int dsa_exec(struct engine *e, unsigned int wq, u64 timeout_us,
		    const char *what, struct dsa_completion *c)
{
	struct dsa_dev *d = dsa_of(e);
	u64 qw[4];

	dsa_submit(e, wq);
	if (!hw_poll_timeout(dsa_answered(e), timeout_us)) {
		d->broken = true;
		engine_diag(e, "%s on WQ %u: no completion record after %llu us (GENSTS %s)",
			    what, wq, (unsigned long long)timeout_us,
			    dsa_state_name(dsa_state(d)));
		return -ETIMEDOUT;
	}
	hw_mb();
	for (unsigned int i = 0; i < ARRAY_SIZE(qw); i++)
		qw[i] = cr_ptr(e)[i];
	dsa_completion_decode(qw, c);
	if (c->status)
		return 0;
	d->broken = true;
	engine_diag(e, "%s on WQ %u: no completion record, device %s",
		    what, wq, dsa_state_name(dsa_state(d)));
	dsa_swerr(e, false);
	return -EIO;
}

/* A completion status other than success, named. */
static int dsa_status_error(struct engine *e, unsigned int wq,
			    const char *what, const struct dsa_completion *c)
{
	if (c->status == DSA_COMP_SUCCESS)
		return 0;
	if (c->status == DSA_COMP_PAGE_FAULT_NOBOF) {
		engine_diag(e, "%s on WQ %u: %s: %s at 0x%llx after %u bytes",
			    what, wq, dsa_status_name(c->status),
			    c->fault_write ? "write" : "read",
			    (unsigned long long)c->fault_addr,
			    c->bytes_completed);
		return -EIO;
	}
	engine_diag(e, "%s on WQ %u: %s (status 0x%02x%s, %u bytes completed, fault address 0x%llx)",
		    what, wq, dsa_status_name(c->status), c->status,
		    c->fault_write ? ", write" : "", c->bytes_completed,
		    (unsigned long long)c->fault_addr);
	return -EIO;
}

/* The PASID the descriptors on @wq carry: the WQ's, as Linux puts it. */
static u32 wq_pasid(const struct dsa_dev *d, unsigned int wq)
{
	return d->wq[wq].pasid_en ? d->wq[wq].pasid : 0;
}

/* A no-op through @wq: the queue takes descriptors and writes records. */
static int dsa_noop(struct engine *e, unsigned int wq)
{
	struct dsa_dev *d = dsa_of(e);
	struct dsa_completion c;
	int ret;

	dsa_desc_noop(&d->desc, wq_pasid(d, wq), cr_addr(e));
	ret = dsa_exec(e, wq, DSA_DMA_TIMEOUT_US, "no-op", &c);
	return ret ? ret : dsa_status_error(e, wq, "no-op", &c);
}

/*
 * Linux's order, as the VFIO selftest's dsa_init(): WQCFG, GRPCFG, Enable
 * Device, Enable WQ. Each WQ then runs a no-op.
 */
static int dsa_configure(struct engine *e)
{
	struct dsa_dev *d = dsa_of(e);
	int ret;

	for (unsigned int i = 0; i < d->nr_wqs; i++)
		dsa_write_wqcfg(e, i);
	dsa_write_grpcfg(e);
	ret = dsa_command(e, DSA_CMD_ENABLE_DEVICE, 0);
	for (unsigned int i = 0; i < d->nr_wqs && !ret; i++)
		ret = dsa_enable_wq(e, i);
	for (unsigned int i = 0; i < d->nr_wqs && !ret; i++)
		ret = dsa_noop(e, i);
	d->broken = ret != 0;
	return ret;
}

static int dsa_reset_and_configure(struct engine *e)
{
	int ret = dsa_reset(e);

	return ret ? ret : dsa_configure(e);
}

static int dsa_start(struct engine *e)
{
	struct dsa_dev *d = dsa_of(e);
	int ret;

	if (!d->bar0 || !d->bar2) {
		engine_diag(e, "BAR0 or BAR2 is not a memory BAR");
		return -ENODEV;
	}
	d->pci_command = pci_command(e->pci);
	pci_set_command(e->pci, d->pci_command | PCI_COMMAND_MEMORY |
			PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	d->claimed = true;
	if (dsa_read32(d, DSA_REG_GENSTS) == ~0U) {
		engine_diag(e, "registers read all ones (GENSTS 0xffffffff)");
		return -ENODEV;
	}
	ret = dsa_reset(e);
	if (ret)
		return ret;
	/*
	 * Linux enables PASID where the device has it, with every feature it
	 * supports (intel-iommu passes pci_pasid_features() to
	 * pci_enable_pasid()); the IOMMU decides what the requests may do.
	 */
	if (d->pasid_cap)
		d->pasid_ctrl = pci_enable_pasid(e->pci, d->pasid_cap,
						 d->pasid_features);
	dsa_read_caps(e);
	ret = dsa_check_caps(e);
	if (ret)
		return ret;
	dsa_plan_wqs(e);
	dsa_detect_movdir64b();
	tell_submit_path(e);
	ret = dsa_configure(e);
	if (ret)
		return ret;
	engine_diag(e, "WQ 0: untagged (RID_PASID)%s%s; requests of 4 to %u bytes",
		    d->nr_wqs > 1 ? ", WQ 1: PASID-tagged" :
		    e->flags & ENGINE_PASID ? ", PASID-tagged when asked" : "",
		    e->flags & ENGINE_PRIV ? ", privileged when asked" : "",
		    e->max_len);
	return 0;
}

/*
 * The WQ for @r, set to its PASID (or none) and privilege first: Linux's
 * idxd_wq_set_pasid() disables the WQ, writes WQCFG's PASID dword (which
 * holds priv too) and enables it again.
 */
static int dsa_wq_for(struct engine *e, const struct engine_req *r,
		      unsigned int *wq)
{
	struct dsa_dev *d = dsa_of(e);
	struct dsa_wq_config c;
	u32 dw[DSA_WQCFG_DWORDS];
	struct dsa_wq *q;
	int ret;

	*wq = r->pasid_present ? d->nr_wqs - 1 : DSA_WQ_UNTAGGED;
	d->last_wq = *wq;
	q = &d->wq[*wq];
	if (q->enabled && q->pasid_en == r->pasid_present &&
	    (!q->pasid_en || q->pasid == r->pasid) && q->priv == r->priv)
		return 0;
	if (q->enabled) {
		ret = dsa_disable_wq(e, *wq);
		if (ret)
			return ret;
	}
	q->pasid_en = r->pasid_present;
	q->pasid = r->pasid_present ? r->pasid : 0;
	q->priv = r->priv;
	dsa_wq_config(e, *wq, &c);
	dsa_wqcfg_encode(&c, dw);
	hw_write32(wqcfg_reg(d, *wq, DSA_WQCFG_PASID_IDX),
		   dw[DSA_WQCFG_PASID_IDX]);
	return dsa_enable_wq(e, *wq);
}

/* A failure no blocked request explains is reset before the next one. */
static int dsa_usable(struct engine *e)
{
	return dsa_of(e)->broken ? dsa_reset_and_configure(e) : 0;
}

static u64 dsa_timeout_us(const struct engine_req *r)
{
	return r->blocked ? ENGINE_BLOCKED_TIMEOUT_US : DSA_DMA_TIMEOUT_US;
}

static void fill_pattern(struct dsa_dev *d, u32 *w, u32 words, u32 tag)
{
	d->seq++;
	for (u32 i = 0; i < words; i++)
		w[i] = tag | (d->seq & 0xff) << 16 | (i & 0xffff);
}

/* A fresh pattern; ->write moves it from the scratch pages. */
static int dsa_write_data(struct engine *e, const struct engine_req *r,
			  void *data)
{
	struct dsa_dev *d = dsa_of(e);

	fill_pattern(d, d->pattern, r->len / 4, DSA_PATTERN_WRITE);
	memcpy(data, d->pattern, r->len);
	return 0;
}

/* The queue for @r, and @bytes placed in the scratch pages. */
static int dsa_begin(struct engine *e, const struct engine_req *r,
		     const u32 *bytes, unsigned int *wq)
{
	int ret = dsa_usable(e);

	if (!ret)
		ret = dsa_wq_for(e, r, wq);
	if (!ret)
		memcpy(phys_to_virt(r->scratch), bytes, r->len);
	return ret;
}

/* Memmove: reads the scratch pages, writes r->iova. */
static int dsa_write(struct engine *e, const struct engine_req *r)
{
	struct dsa_dev *d = dsa_of(e);
	struct dsa_completion c;
	unsigned int wq;
	int ret = dsa_begin(e, r, d->pattern, &wq);

	if (ret)
		return ret;
	dsa_desc_memmove(&d->desc, wq_pasid(d, wq), r->scratch, r->iova,
			 r->len, cr_addr(e));
	ret = dsa_exec(e, wq, dsa_timeout_us(r), "memmove", &c);
	return ret ? ret : dsa_status_error(e, wq, "memmove", &c);
}

static int dsa_read_data(struct engine *e, const struct engine_req *r,
			 void *data)
{
	struct dsa_dev *d = dsa_of(e);

	fill_pattern(d, d->expect, r->len / 4, DSA_PATTERN_READ);
	memcpy(data, d->expect, r->len);
	return 0;
}

/* Compare of r->iova with the expected bytes in the scratch pages. */
static int dsa_read(struct engine *e, const struct engine_req *r, bool *match)
{
	struct dsa_dev *d = dsa_of(e);
	struct dsa_completion c;
	unsigned int wq;
	int ret = dsa_begin(e, r, d->expect, &wq);

	if (ret)
		return ret;
	dsa_desc_compare(&d->desc, wq_pasid(d, wq), r->iova, r->scratch,
			 r->len, cr_addr(e));
	ret = dsa_exec(e, wq, dsa_timeout_us(r), "compare", &c);
	if (!ret)
		ret = dsa_status_error(e, wq, "compare", &c);
	if (ret)
		return ret;
	*match = !c.result;
	if (!*match)
		engine_diag(e, "compare on WQ %u: the bytes differ from offset %u",
			    wq, c.bytes_completed);
	return 0;
}

/* Linux's misc interrupt thread acknowledges INTCAUSE by writing it back. */
static void dsa_ack_intcause(struct dsa_dev *d)
{
	u32 cause = dsa_read32(d, DSA_REG_INTCAUSE);

	if (cause)
		hw_write32(d->bar0 + DSA_REG_INTCAUSE, cause);
}

/*
 * After a blocked request: SWERR acknowledged; a halted device is reset
 * and configured again where a software reset suffices (Linux's
 * idxd_device_reinit()); a device that never answered is reset.
 * Otherwise a drain through the request's WQ, whose translation is still
 * the request's, shows that the queue takes descriptors again.
 */
static int dsa_recover(struct engine *e)
{
	struct dsa_dev *d = dsa_of(e);
	u32 gensts = dsa_read32(d, DSA_REG_GENSTS);
	u32 reset_type = (u32)dsa_field_get(gensts, DSA_GENSTS_RESET_TYPE);
	unsigned int wq = d->last_wq;
	struct dsa_completion c;
	int ret;

	if (gensts == ~0U) {
		engine_diag(e, "no longer answers (GENSTS 0xffffffff)");
		return -ENODEV;
	}
	dsa_swerr(e, true);
	dsa_ack_intcause(d);
	if (dsa_field_get(gensts, DSA_GENSTS_STATE) == DSA_STATE_HALT) {
		engine_diag(e, "halted, wants a %s", dsa_reset_type_name(reset_type));
		if (reset_type != DSA_RESET_SOFTWARE)
			return -EIO;
		d->broken = true;
	}
	if (d->broken)
		return dsa_reset_and_configure(e);
	dsa_desc_drain(&d->desc, wq_pasid(d, wq), cr_addr(e));
	ret = dsa_exec(e, wq, DSA_DMA_TIMEOUT_US, "drain", &c);
	return ret ? ret : dsa_status_error(e, wq, "drain", &c);
}

/*
 * Linux's order at removal: the WQs disabled, the device disabled, then
 * reset (the VFIO selftest's dsa_remove()); PASID and the command
 * register as they were found.
 */
static void dsa_quiesce(struct engine *e)
{
	struct dsa_dev *d = dsa_of(e);
	struct pci_dev *p = e->pci;

	if (!d->claimed)
		return;
	for (unsigned int i = 0; i < d->nr_wqs; i++)
		if (d->wq[i].enabled)
			dsa_disable_wq(e, i);
	if (dsa_state(d) == DSA_STATE_ENABLED)
		dsa_command(e, DSA_CMD_DISABLE_DEVICE, 0);
	dsa_reset(e);
	if (d->pasid_cap)
		pci_restore_pasid(p, d->pasid_cap, d->pasid_ctrl);
	pci_set_command(p, d->pci_command);
}

const struct engine_ops dsa_engine_ops = {
	.kind = "dsa",
	.match = dsa_match,
	.probe = dsa_probe,
	.start = dsa_start,
	.write_data = dsa_write_data,
	.write = dsa_write,
	.read_data = dsa_read_data,
	.read = dsa_read,
	.recover = dsa_recover,
	.quiesce = dsa_quiesce,
};
