// SPDX-License-Identifier: GPL-2.0
/*
 * An xHCI host controller (PCI class 0c0330) as a DMA engine that issues
 * No Op commands only (xHCI 1.2 4.6.2). CONFIG.MaxSlotsEn stays 0: no
 * Device Slot can be enabled, so even a command the xHC fetched from
 * memory a wrong translation led it to cannot address a USB device
 * through one (5.4.7).
 *
 * A read of LEN bytes at IOVA is a detour of the command ring (4.9.3): a
 * Link TRB in the own ring sends the xHC to IOVA, where the suites placed
 * LEN / 16 - 1 No Op commands and a Link TRB back to a slot of the own ring
 * holding one more. Each Command Completion Event (6.4.2.2), in the own
 * event ring, names the command TRB the xHC executed: the read matches when
 * they name exactly the No Ops at IOVA, then the one they led back to.
 *
 * A write of LEN bytes at IOVA: interrupter 0's Event Ring is moved to a
 * segment at IOVA (6.5) and LEN / 16 No Ops are posted on the own ring; the
 * xHC writes their Command Completion Events there, the bytes write_data
 * announced. IOVA is not an address the CPU can read, so the events are
 * counted as they arrive: with the Event Ring Dequeue Pointer after the
 * events counted so far, Interrupt Pending (IMAN.IP) comes back only when
 * one more was written (4.17.2, 5.5.2.3.3).
 *
 * Between requests the xHC is halted, so it does no DMA while the suites
 * change translations. Each request programs the command ring pointer and
 * the interrupter afresh (possible only while halted, 5.4.5, 5.5.2.3.2),
 * runs the xHC, and halts it again whatever happened. Interrupts stay off
 * (USBCMD.INTE = 0): everything is polled.
 *
 * Port Status Change Events (6.4.2.3) arrive on their own when a port
 * changes. In the own event ring they are skipped; into a write's segment
 * they must not come: before a write the engine lets the xHC post any it
 * owes for port changes since it last looked, and after the write it fails
 * the request if a port changed meanwhile.
 */
#include "drivers/engine/engine.h"
#include "drivers/engine/xhci_trb.h"
#include "lib/errno.h"
#include "lib/hw.h"
#include "lib/ktap.h"
#include "lib/string.h"
#include "lib/time.h"

#define XHCI_PCI_CLASS		0x0c0330	/* USB xHCI */
#define PCI_VENDOR_INTEL	0x8086

#define XHCI_MAX_LEN		4096	/* 256 TRBs, events or commands */
#define XHCI_ALIGN		64	/* 6.5 ERST segment base */

/*
 * Bounds: 16 ms to halt (5.4.2 HCH), doubled as Linux's XHCI_MAX_HALT_USEC;
 * reset and CNR as Linux's XHCI_RESET_LONG_USEC; the BIOS handoff as
 * Linux's pci-quirks.c.
 */
#define XHCI_HALT_US		32000
#define XHCI_RESET_US		10000000
#define XHCI_HANDOFF_US		1000000
#define XHCI_INTEL_RESET_US	1000	/* Linux xhci_reset(), Intel */
#define XHCI_REQ_TIMEOUT_US	1000000
/* Port Status Change Events after run: quiet this long, at most that. */
#define XHCI_SETTLE_QUIET_US	50000
#define XHCI_SETTLE_MAX_US	1000000
#define XHCI_PORT_QUIET_US	20000
#define XHCI_EXT_CAPS_MAX	64

/* 5.4: operational registers, from BAR0 + CAPLENGTH. */
#define XHCI_USBCMD		0x00
#define XHCI_USBSTS		0x04
#define XHCI_PAGESIZE		0x08
#define XHCI_CRCR		0x18
#define XHCI_DCBAAP		0x30
#define XHCI_CONFIG		0x38

/* 5.4.1 */
#define USBCMD_RS		BIT(0)
#define USBCMD_HCRST		BIT(1)
#define USBCMD_INTE		BIT(2)
#define USBCMD_HSEE		BIT(3)
#define USBCMD_EWE		BIT(10)
#define USBCMD_QUIET		(USBCMD_INTE | USBCMD_HSEE | USBCMD_EWE)
/* 5.4.2; HSE, EINT and PCD are RW1C. */
#define USBSTS_HCH		BIT(0)
#define USBSTS_HSE		BIT(2)
#define USBSTS_EINT		BIT(3)
#define USBSTS_PCD		BIT(4)
#define USBSTS_CNR		BIT(11)
#define USBSTS_HCE		BIT(12)
#define USBSTS_ERRORS		(USBSTS_HSE | USBSTS_HCE)
#define USBSTS_ACK		(USBSTS_HSE | USBSTS_EINT | USBSTS_PCD)
/* 5.4.3: bit n set: pages of 2^(n+12) bytes. */
#define PAGESIZE_4K		BIT(0)
/* 5.4.5: pointer 63:6, Ring Cycle State. */
#define CRCR_RCS		BIT(0)
#define CRCR_PTR_MASK		GENMASK_ULL(63, 6)
/* 5.4.6 */
#define DCBAAP_MASK		GENMASK_ULL(63, 6)
/* 5.4.7 */
#define CONFIG_MAX_SLOTS_EN	((u32)GENMASK_ULL(7, 0))
/* 5.4.8: CSC, PEC, WRC, OCC, PRC, PLC, CEC. */
#define PORTSC_CHANGES		((u32)GENMASK_ULL(23, 17))
#define PORTSC_CHANGES_SHIFT	17

/* 5.5.2: interrupter registers. */
#define XHCI_IMAN		0x00
#define XHCI_IMOD		0x04
#define XHCI_ERSTSZ		0x08
#define XHCI_ERSTBA		0x10
#define XHCI_ERDP		0x18
#define IMAN_IP			BIT(0)	/* RW1C */
#define IMAN_IE			BIT(1)
#define ERSTSZ_MASK		((u32)GENMASK_ULL(15, 0))
#define ERSTBA_RSVDP		((u32)GENMASK_ULL(5, 0))
#define ERDP_EHB		BIT(3)	/* RW1C */
#define ERDP_PTR_MASK		GENMASK_ULL(63, 4)

/* 7.1: USB Legacy Support Capability. */
#define XHCI_EXT_CAP_LEGACY	1
#define USBLEGSUP_BIOS_OWNED	BIT(16)
#define USBLEGSUP_OS_OWNED	BIT(24)
#define XHCI_USBLEGCTLSTS	0x04
/* 7.1.2: keep the RsvdP fields, clear the SMI enables, ack 31:29 (RW1C). */
#define LEGCTL_RSVDP		((u32)(GENMASK_ULL(3, 1) |		\
				       GENMASK_ULL(12, 5) |		\
				       GENMASK_ULL(19, 17)))
#define LEGCTL_SMI_EVENTS	((u32)GENMASK_ULL(31, 29))

/*
 * Own memory, page by page. The layer aligns it to 64 KiB, so no ring
 * segment below crosses a 64 KiB boundary (Table 6-1).
 */
#define OWN_DCBAA_PAGE		0	/* DCBAA (entry 0 only), then: */
#define OWN_ERST_OWN		0x800	/* ERST entry, own event ring */
#define OWN_ERST_REQ		0x840	/* ERST entry, a write's segment */
#define OWN_ENTRY		0x880	/* Link TRB requests start at */
#define OWN_CMD_PAGE		1
#define CMD_RING_PAGES		2
#define OWN_EVENT_PAGE		(OWN_CMD_PAGE + CMD_RING_PAGES)
#define EVENT_RING_PAGES	2
#define OWN_SCRATCH_PAGE	(OWN_EVENT_PAGE + EVENT_RING_PAGES)
#define TRBS_PER_PAGE		(PAGE_SIZE / XHCI_TRB_SIZE)
#define CMD_RING_TRBS		(CMD_RING_PAGES * TRBS_PER_PAGE)
#define EVENT_RING_TRBS		(EVENT_RING_PAGES * TRBS_PER_PAGE)

/*
 * A read's slots in the own ring: the Link TRB to IOVA, three Link TRBs
 * padding to the next 64-byte boundary (never fetched), and the No Op the
 * detour returns to.
 */
#define DETOUR_SLOTS		5
#define DETOUR_RETURN		XHCI_RING_ALIGN_SLOTS

/* What ->read_data or ->write_data announced, for the request to check. */
struct xhci_plan {
	bool valid;
	bool write;
	u64 iova;
	u32 len;
	u32 enq;
	bool cycle;
};

/* The Command Completion Events a run on the own event ring must bring. */
struct xhci_expect {
	u64 detour;		/* IOVA of the detour's No Ops */
	u32 detour_noops;
	u64 last;		/* the own ring's No Op, last */
};

struct xhci {
	u64 bar;
	u64 op;			/* operational registers */
	u64 ir;			/* interrupter 0 */
	u64 db;			/* doorbell 0 */
	u32 cap0;
	u32 hcsparams1;
	u32 hcsparams2;
	u32 hccparams1;
	u32 nr_ports;
	u32 nr_scratch;
	bool regs_ok;
	bool cmd_saved;
	u16 pci_cmd;		/* PCI_COMMAND as ->start found it */
	u64 *dcbaa;
	struct xhci_erst_entry *erst_own;
	struct xhci_erst_entry *erst_req;
	struct xhci_trb *entry;
	struct xhci_trb *event_trbs;
	struct xhci_ring cmd;
	struct xhci_event_ring ev;
	struct xhci_plan plan;
	u8 port_changes[256];	/* PORTSC 23:17 when last drained */
};

static struct xhci xhcis[ENGINE_MAX];
static unsigned int nr_xhcis;

static struct xhci *xhci_of(const struct engine *e)
{
	return e->priv;
}

static u32 op_read(const struct xhci *x, u32 reg)
{
	return hw_read32(x->op + reg);
}

static void op_write(const struct xhci *x, u32 reg, u32 v)
{
	hw_write32(x->op + reg, v);
}

static u32 ir_read(const struct xhci *x, u32 reg)
{
	return hw_read32(x->ir + reg);
}

static void ir_write(const struct xhci *x, u32 reg, u32 v)
{
	hw_write32(x->ir + reg, v);
}

/* 64-bit registers as two dwords, low first, as Linux's xhci_write_64(). */
static void write64(u64 addr, u64 v)
{
	hw_write32(addr, (u32)v);
	hw_write32(addr + 4, v >> 32);
}

static u64 read64(u64 addr)
{
	return hw_read32(addr) | (u64)hw_read32(addr + 4) << 32;
}

static u64 left_us(u64 end)
{
	u64 now = time_now_us();

	return end > now ? end - now : 0;
}

static u64 request_timeout(const struct engine_req *r)
{
	return r->blocked ? ENGINE_BLOCKED_TIMEOUT_US : XHCI_REQ_TIMEOUT_US;
}

/* The registers a failure report names. */
static void diag_regs(struct engine *e, const char *what)
{
	struct xhci *x = xhci_of(e);

	engine_diag(e, "%s: USBCMD 0x%08x USBSTS 0x%08x CRCR 0x%08x IMAN 0x%08x ERDP 0x%llx",
		    what, op_read(x, XHCI_USBCMD), op_read(x, XHCI_USBSTS),
		    op_read(x, XHCI_CRCR), ir_read(x, XHCI_IMAN),
		    (unsigned long long)read64(x->ir + XHCI_ERDP));
}

static bool xhci_match(const struct pci_dev *pd)
{
	return pd->class_rev >> 8 == XHCI_PCI_CLASS;
}

static void read_caps(struct xhci *x)
{
	u32 cap0 = hw_read32(x->bar + XHCI_CAP_LENGTH);

	/* All ones: nothing answers; CAPLENGTH 0 leaves no room for 5.3. */
	if (cap0 == ~0U || !xhci_caplength(cap0))
		return;
	x->cap0 = cap0;
	x->hcsparams1 = hw_read32(x->bar + XHCI_CAP_HCSPARAMS1);
	x->hcsparams2 = hw_read32(x->bar + XHCI_CAP_HCSPARAMS2);
	x->hccparams1 = hw_read32(x->bar + XHCI_CAP_HCCPARAMS1);
	x->op = x->bar + xhci_caplength(cap0);
	x->ir = x->bar + xhci_rtsoff(hw_read32(x->bar + XHCI_CAP_RTSOFF)) +
		xhci_interrupter(0);
	x->db = x->bar + xhci_dboff(hw_read32(x->bar + XHCI_CAP_DBOFF));
	x->nr_ports = xhci_max_ports(x->hcsparams1);
	x->nr_scratch = xhci_max_scratchpads(x->hcsparams2);
	x->regs_ok = true;
}

/* DCBAA page, command ring, event ring, scratchpad array and pages. */
static u64 own_pages(u32 nr_scratch)
{
	return OWN_SCRATCH_PAGE + xhci_scratchpad_array_pages(nr_scratch) +
	       nr_scratch;
}

/*
 * The capability registers say how many scratchpad pages the controller
 * wants. They answer only while memory decoding is on, which firmware may
 * have left off at ExitBootServices; probe changes nothing, so then it
 * asks for as many as a controller may want, and ->start reads them.
 */
static u64 xhci_probe(struct engine *e)
{
	struct xhci *x = &xhcis[nr_xhcis++ % ENGINE_MAX];

	*x = (struct xhci){ .bar = pci_bar_address(e->pci, 0) };
	e->priv = x;
	e->flags = ENGINE_OWN_DMA;
	e->align = XHCI_ALIGN;
	e->len_unit = XHCI_TRB_SIZE;
	e->min_len = XHCI_TRB_SIZE;
	e->max_len = XHCI_MAX_LEN;
	if (!x->bar)
		return 0;
	if (!(pci_command(e->pci) & PCI_COMMAND_MEMORY))
		return own_pages(XHCI_SCRATCHPADS_MAX);
	read_caps(x);
	return x->regs_ok ? own_pages(x->nr_scratch) : 0;
}

/* 7: the offset of extended capability @id from BAR0, 0 when absent. */
static u32 find_ext_cap(const struct xhci *x, u8 id)
{
	u32 off = xhci_xecp(x->hccparams1);

	for (unsigned int i = 0; off && i < XHCI_EXT_CAPS_MAX; i++) {
		u32 v = hw_read32(x->bar + off);

		if (v == ~0U)
			return 0;
		if (xhci_ext_cap_id(v) == id)
			return off;
		if (!xhci_ext_cap_next(v))
			return 0;
		off += xhci_ext_cap_next(v);
	}
	return 0;
}

/*
 * 4.22.1, 7.1: asks the BIOS for the controller when it holds it, as
 * Linux's quirk_usb_handoff_xhci() does, then turns the BIOS's SMIs off.
 * Ownership is never given back.
 */
static void take_ownership(struct engine *e)
{
	struct xhci *x = xhci_of(e);
	u32 off = find_ext_cap(x, XHCI_EXT_CAP_LEGACY);
	u64 legsup = x->bar + off;
	u32 v;

	if (!off)
		return;
	v = hw_read32(legsup);
	if (v & USBLEGSUP_BIOS_OWNED) {
		hw_write32(legsup, v | USBLEGSUP_OS_OWNED);
		if (!hw_poll_timeout(!(hw_read32(legsup) &
				       USBLEGSUP_BIOS_OWNED),
				     XHCI_HANDOFF_US)) {
			v = hw_read32(legsup);
			engine_diag(e, "BIOS still owns the controller %u us after the request (USBLEGSUP 0x%08x): taken",
				    XHCI_HANDOFF_US, v);
			hw_write32(legsup, (v & ~USBLEGSUP_BIOS_OWNED) |
				   USBLEGSUP_OS_OWNED);
		}
	}
	v = hw_read32(legsup + XHCI_USBLEGCTLSTS);
	hw_write32(legsup + XHCI_USBLEGCTLSTS,
		   (v & LEGCTL_RSVDP) | LEGCTL_SMI_EVENTS);
}

/* 5.4.2 CNR: no operational register may be written before it clears. */
static int wait_ready(struct engine *e)
{
	struct xhci *x = xhci_of(e);

	if (hw_poll_timeout(!(op_read(x, XHCI_USBSTS) & USBSTS_CNR),
			    XHCI_RESET_US))
		return 0;
	diag_regs(e, "Controller Not Ready");
	return -ETIMEDOUT;
}

/* 5.4.1 R/S = 0, interrupts off as Linux's xhci_quiesce(); waits HCH. */
static int hc_halt(struct engine *e)
{
	struct xhci *x = xhci_of(e);

	op_write(x, XHCI_USBCMD, op_read(x, XHCI_USBCMD) &
		 ~(USBCMD_RS | USBCMD_QUIET));
	if (hw_poll_timeout(op_read(x, XHCI_USBSTS) & USBSTS_HCH,
			    XHCI_HALT_US))
		return 0;
	diag_regs(e, "not halted after R/S=0");
	return -ETIMEDOUT;
}

static int hc_run(struct engine *e)
{
	struct xhci *x = xhci_of(e);

	op_write(x, XHCI_USBCMD, (op_read(x, XHCI_USBCMD) & ~USBCMD_QUIET) |
		 USBCMD_RS);
	if (hw_poll_timeout(!(op_read(x, XHCI_USBSTS) & USBSTS_HCH),
			    XHCI_HALT_US))
		return 0;
	diag_regs(e, "still halted after R/S=1");
	return -ETIMEDOUT;
}

/*
 * 5.4.1 HCRST, only ever on a halted controller; then HCRST and CNR clear.
 * Intel hosts need 1 ms before the next register access (Linux
 * xhci_reset()).
 */
static int hc_reset(struct engine *e)
{
	struct xhci *x = xhci_of(e);

	op_write(x, XHCI_USBCMD, op_read(x, XHCI_USBCMD) | USBCMD_HCRST);
	if (e->pci->vendor == PCI_VENDOR_INTEL)
		udelay(XHCI_INTEL_RESET_US);
	if (!hw_poll_timeout(!(op_read(x, XHCI_USBCMD) & USBCMD_HCRST),
			     XHCI_RESET_US)) {
		diag_regs(e, "HCRST not done");
		return -ETIMEDOUT;
	}
	return wait_ready(e);
}

static u64 own_pa(const struct engine *e, u64 page, u64 off)
{
	return virt_to_phys(e->own) + page * PAGE_SIZE + off;
}

static void *own_va(const struct engine *e, u64 page, u64 off)
{
	return e->own + page * PAGE_SIZE + off;
}

/* The structures in own memory, once: they outlive controller resets. */
static void setup_memory(struct engine *e)
{
	struct xhci *x = xhci_of(e);
	u64 sp_page = OWN_SCRATCH_PAGE;
	u64 buf_page = sp_page + xhci_scratchpad_array_pages(x->nr_scratch);
	u64 *sp_array = own_va(e, sp_page, 0);

	x->dcbaa = own_va(e, OWN_DCBAA_PAGE, 0);
	x->erst_own = own_va(e, OWN_DCBAA_PAGE, OWN_ERST_OWN);
	x->erst_req = own_va(e, OWN_DCBAA_PAGE, OWN_ERST_REQ);
	x->entry = own_va(e, OWN_DCBAA_PAGE, OWN_ENTRY);
	x->event_trbs = own_va(e, OWN_EVENT_PAGE, 0);
	xhci_ring_init(&x->cmd, own_va(e, OWN_CMD_PAGE, 0),
		       own_pa(e, OWN_CMD_PAGE, 0), CMD_RING_TRBS);
	*x->erst_own = xhci_erst_entry(own_pa(e, OWN_EVENT_PAGE, 0),
				       EVENT_RING_TRBS);
	/* 4.20, 6.1: DCBAA[0] points at the Scratchpad Buffer Array. */
	x->dcbaa[0] = 0;
	for (u32 i = 0; i < x->nr_scratch; i++)
		sp_array[i] = own_pa(e, buf_page + i, 0);
	if (x->nr_scratch)
		x->dcbaa[0] = own_pa(e, sp_page, 0);
}

/*
 * 4.2: what a reset clears and no request sets. MaxSlotsEn 0 keeps every
 * Device Slot disabled (5.4.7); the DCBAA is still needed for its entry 0.
 * IMOD 0: no moderation delays Interrupt Pending (5.5.2.2).
 */
static void setup_registers(struct engine *e)
{
	struct xhci *x = xhci_of(e);

	op_write(x, XHCI_CONFIG,
		 op_read(x, XHCI_CONFIG) & ~CONFIG_MAX_SLOTS_EN);
	write64(x->op + XHCI_DCBAAP,
		own_pa(e, OWN_DCBAA_PAGE, 0) & DCBAAP_MASK);
	ir_write(x, XHCI_IMOD, 0);
}

/* A halted controller is reset and set up again; the rings stay. */
static int restart(struct engine *e)
{
	int ret = hc_halt(e);

	if (!ret)
		ret = hc_reset(e);
	if (!ret)
		setup_registers(e);
	return ret;
}

static int hc_error(struct engine *e)
{
	struct xhci *x = xhci_of(e);
	u32 sts = op_read(x, XHCI_USBSTS);

	if (sts == ~0U) {
		engine_diag(e, "registers read all ones: the device is gone");
		return -EIO;
	}
	if (!(sts & USBSTS_ERRORS))
		return 0;
	engine_diag(e, "USBSTS 0x%08x:%s%s", sts,
		    sts & USBSTS_HSE ? " Host System Error" : "",
		    sts & USBSTS_HCE ? " Host Controller Error" : "");
	return -EIO;
}

/* An error left by an earlier request is cleared before the next. */
static int ready(struct engine *e)
{
	struct xhci *x = xhci_of(e);
	u32 sts = op_read(x, XHCI_USBSTS);

	if ((sts & USBSTS_HCH) && !(sts & USBSTS_ERRORS))
		return 0;
	engine_diag(e, "left with USBSTS 0x%08x: resetting the controller",
		    sts);
	return restart(e);
}

/*
 * Points interrupter 0 at the ERST entry @erst with its dequeue pointer at
 * @erdp: ERSTSZ, ERDP, then ERSTBA, whose write restarts the Event Ring at
 * the segment's first TRB with cycle 1 (4.2, 4.9.4, 5.5.2.3). Halted only.
 */
static void point_events(struct xhci *x, u64 erst, u64 erdp)
{
	ir_write(x, XHCI_ERSTSZ, (ir_read(x, XHCI_ERSTSZ) & ~ERSTSZ_MASK) | 1);
	write64(x->ir + XHCI_ERDP, (erdp & ERDP_PTR_MASK) | ERDP_EHB);
	write64(x->ir + XHCI_ERSTBA, (ir_read(x, XHCI_ERSTBA) & ERSTBA_RSVDP) |
		(erst & XHCI_ERST_BASE_MASK));
}

static void point_events_own(struct engine *e)
{
	struct xhci *x = xhci_of(e);

	xhci_event_ring_init(&x->ev, x->event_trbs,
			     own_pa(e, OWN_EVENT_PAGE, 0), EVENT_RING_TRBS);
	point_events(x, virt_to_phys(x->erst_own), x->ev.dma);
}

/*
 * CRCR for the commands about to be posted at the enqueue slot, a 64-byte
 * boundary after xhci_ring_align() (5.4.5). The xHC starts at the entry
 * Link TRB, cycle 1 and RCS 1, which leads there and toggles into the
 * ring's lap when its cycle is 0 (4.11.5.1): QEMU's xhci_ring_init()
 * starts a command ring with cycle 1 whatever RCS says.
 */
static u64 crcr_here(const struct engine *e)
{
	struct xhci *x = xhci_of(e);

	*x->entry = xhci_trb_link(xhci_ring_next(&x->cmd, 0), !x->cmd.cycle,
				  true);
	return (own_pa(e, OWN_DCBAA_PAGE, OWN_ENTRY) & CRCR_PTR_MASK) |
	       CRCR_RCS;
}

/*
 * Runs the halted controller with its command ring at @crcr. IP is cleared
 * after ERSTBA, and IE set: IP then tells of events; with USBCMD.INTE 0
 * nothing interrupts.
 */
static int begin(struct engine *e, u64 crcr)
{
	struct xhci *x = xhci_of(e);

	write64(x->op + XHCI_CRCR, crcr);
	ir_write(x, XHCI_IMAN, IMAN_IE | IMAN_IP);
	op_write(x, XHCI_USBSTS, USBSTS_ACK);
	return hc_run(e);
}

/* 5.6: doorbell 0, DB Target 0: the command ring. */
static void ring_doorbell(const struct xhci *x)
{
	hw_wmb();
	hw_write32(x->db, 0);
}

/* Takes the next own event and hands its slot back (5.5.2.3.3). */
static bool pop_event(struct xhci *x, struct xhci_trb *ev)
{
	if (!xhci_event_ring_pop(&x->ev, ev))
		return false;
	write64(x->ir + XHCI_ERDP, xhci_event_ring_dequeue(&x->ev) | ERDP_EHB);
	return true;
}

static bool hc_stopped(const struct xhci *x)
{
	return op_read(x, XHCI_USBSTS) & (USBSTS_ERRORS | USBSTS_HCH);
}

/* The next own event, or -EIO / -ETIMEDOUT with the reason printed. */
static int next_event(struct engine *e, struct xhci_trb *ev, u64 end,
		      const char *waiting)
{
	struct xhci *x = xhci_of(e);
	bool popped = false;
	bool woke = hw_poll_timeout((popped = pop_event(x, ev)) ||
				    hc_stopped(x), left_us(end));

	if (woke && popped)
		return 0;
	if (hc_error(e))
		return -EIO;
	diag_regs(e, waiting);
	return hc_stopped(x) ? -EIO : -ETIMEDOUT;
}

static u64 expected_cmd(const struct xhci_expect *ex, u32 i)
{
	return i < ex->detour_noops ? ex->detour + i * XHCI_TRB_SIZE : ex->last;
}

/*
 * Whether @ev is the Command Completion Event of the @i-th expected No
 * Op: -EIO for a completion code other than Success, 0 with *match false
 * for anything else unexpected.
 */
static int judge(struct engine *e, const struct xhci_expect *ex, u32 i,
		 const struct xhci_trb *ev, bool *match)
{
	u64 want = expected_cmd(ex, i);
	u8 type = xhci_trb_type(ev);

	if (type != XHCI_TRB_CMD_COMPLETION) {
		engine_diag(e, "%s (type %u, %s) where the completion of 0x%llx belonged",
			    xhci_trb_type_name(type), type,
			    xhci_cc_name(xhci_event_cc(ev)),
			    (unsigned long long)want);
		*match = false;
		return 0;
	}
	if (xhci_event_cc(ev) != XHCI_CC_SUCCESS) {
		engine_diag(e, "the command TRB at 0x%llx completed with %s (%u)",
			    (unsigned long long)xhci_event_cmd(ev),
			    xhci_cc_name(xhci_event_cc(ev)), xhci_event_cc(ev));
		return -EIO;
	}
	if (xhci_event_cmd(ev) != want || xhci_event_slot(ev)) {
		engine_diag(e, "completion %u names the command TRB at 0x%llx (slot %u), expected 0x%llx (slot 0)",
			    i, (unsigned long long)xhci_event_cmd(ev),
			    xhci_event_slot(ev), (unsigned long long)want);
		*match = false;
	}
	return 0;
}

/* A Port Status Change Event is named and passed over. */
static bool port_event(struct engine *e, const struct xhci_trb *ev)
{
	struct xhci *x = xhci_of(e);
	u8 port = xhci_event_port(ev);

	if (xhci_trb_type(ev) != XHCI_TRB_PORT_STATUS)
		return false;
	engine_diag(e, "port %u: Port Status Change Event (PORTSC 0x%08x)",
		    port, port && port <= x->nr_ports ?
		    op_read(x, xhci_portsc(port)) : 0);
	return true;
}

/* Completions the own event ring holds beyond the expected ones. */
static void judge_extra(struct engine *e, bool *match)
{
	struct xhci *x = xhci_of(e);
	struct xhci_trb ev;

	while (pop_event(x, &ev)) {
		if (port_event(e, &ev))
			continue;
		engine_diag(e, "an extra %s for 0x%llx, %s",
			    xhci_trb_type_name(xhci_trb_type(&ev)),
			    (unsigned long long)xhci_event_cmd(&ev),
			    xhci_cc_name(xhci_event_cc(&ev)));
		*match = false;
	}
}

/* Collects the @count completions @ex describes; Port Status Changes pass. */
static int collect(struct engine *e, const struct xhci_expect *ex, u32 count,
		   u64 timeout_us, bool *match)
{
	u64 end = time_now_us() + timeout_us;
	struct xhci_trb ev;
	int ret;

	for (u32 i = 0; i < count && *match;) {
		ret = next_event(e, &ev, end, "waiting for a completion");
		if (ret) {
			engine_diag(e, "%u of %u completions arrived", i,
				    count);
			return ret;
		}
		if (port_event(e, &ev))
			continue;
		ret = judge(e, ex, i++, &ev, match);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Runs the commands posted on the own ring with events into the own event
 * ring, and judges them against @ex; halted after, whatever happened.
 */
static int run_own(struct engine *e, u64 crcr, const struct xhci_expect *ex,
		   u32 count, u64 timeout_us, bool *match)
{
	int ret, halted;

	*match = true;
	point_events_own(e);
	ret = begin(e, crcr);
	if (!ret) {
		ring_doorbell(xhci_of(e));
		ret = collect(e, ex, count, timeout_us, match);
	}
	halted = hc_halt(e);
	if (!ret && !halted && *match)
		judge_extra(e, match);
	return ret ? ret : halted;
}

/* One No Op through the own rings: the controller works. */
static int self_test(struct engine *e)
{
	struct xhci *x = xhci_of(e);
	struct xhci_expect ex;
	bool match;
	u64 crcr;
	int ret;

	xhci_ring_align(&x->cmd, 1);
	crcr = crcr_here(e);
	ex = (struct xhci_expect){ .last = xhci_ring_next(&x->cmd, 0) };
	xhci_ring_enqueue(&x->cmd, xhci_trb_noop_cmd(false));
	ret = run_own(e, crcr, &ex, 1, XHCI_REQ_TIMEOUT_US, &match);
	if (!ret && !match)
		ret = -EIO;
	if (ret)
		engine_diag(e, "a No Op on its own rings failed (%d)", ret);
	return ret;
}

static u8 port_changes(const struct xhci *x, u32 port)
{
	return (op_read(x, xhci_portsc(port)) & PORTSC_CHANGES) >>
	       PORTSC_CHANGES_SHIFT;
}

/* Ports whose change bits grew since the last drain, named if @report. */
static bool ports_changed(struct engine *e, bool report)
{
	struct xhci *x = xhci_of(e);
	bool changed = false;

	for (u32 port = 1; port <= x->nr_ports; port++) {
		if (!(port_changes(x, port) & ~x->port_changes[port - 1]))
			continue;
		changed = true;
		if (report)
			engine_diag(e, "port %u changed (PORTSC 0x%08x)", port,
				    op_read(x, xhci_portsc(port)));
	}
	return changed;
}

/*
 * 4.19.2: lets the controller post the Port Status Change Events it owes
 * into the own event ring, running until it has been quiet for @quiet_us,
 * then notes every port's change bits. They are left set: a port with one
 * set posts no further event on most controllers.
 */
static int drain_ports(struct engine *e, u64 quiet_us)
{
	struct xhci *x = xhci_of(e);
	u64 end = time_now_us() + XHCI_SETTLE_MAX_US;
	struct xhci_trb ev;
	int ret, halted;

	xhci_ring_align(&x->cmd, 0);
	point_events_own(e);
	ret = begin(e, crcr_here(e));
	while (!ret && hw_poll_timeout(pop_event(x, &ev) || hc_stopped(x),
				       MIN(quiet_us, left_us(end)))) {
		ret = hc_error(e);
		if (!ret && hc_stopped(x)) {
			diag_regs(e, "halted by itself");
			ret = -EIO;
		}
		if (!ret && !port_event(e, &ev))
			engine_diag(e, "%s (%s) while no command ran",
				    xhci_trb_type_name(xhci_trb_type(&ev)),
				    xhci_cc_name(xhci_event_cc(&ev)));
	}
	halted = hc_halt(e);
	for (u32 port = 1; port <= x->nr_ports; port++)
		x->port_changes[port - 1] = port_changes(x, port);
	return ret ? ret : halted;
}

/* The controller, and every address it gets, within its 64-bit support. */
static int addressable(struct engine *e, u64 addr, u64 len)
{
	struct xhci *x = xhci_of(e);

	if ((x->hccparams1 & XHCI_HCC_AC64) || addr + len <= BIT_ULL(32))
		return 0;
	engine_diag(e, "0x%llx+0x%llx is beyond its 32-bit addressing (HCCPARAMS1.AC64 = 0)",
		    (unsigned long long)addr, (unsigned long long)len);
	return -EINVAL;
}

static int check_caps(struct engine *e)
{
	struct xhci *x = xhci_of(e);

	if (!x->regs_ok) {
		engine_diag(e, "BAR0 0x%llx shows no xHCI capability registers",
			    (unsigned long long)x->bar);
		return -ENODEV;
	}
	if (e->own_pages < own_pages(x->nr_scratch)) {
		engine_diag(e, "%llu own pages, %u scratchpads need %llu",
			    (unsigned long long)e->own_pages, x->nr_scratch,
			    (unsigned long long)own_pages(x->nr_scratch));
		return -ENODEV;
	}
	if (x->nr_scratch && !(op_read(x, XHCI_PAGESIZE) & PAGESIZE_4K)) {
		engine_diag(e, "PAGESIZE 0x%08x lacks 4 KiB pages for its %u scratchpads",
			    op_read(x, XHCI_PAGESIZE), x->nr_scratch);
		return -ENODEV;
	}
	return addressable(e, virt_to_phys(e->own), e->own_pages * PAGE_SIZE);
}

/*
 * 4.2 and Linux's pci-quirks.c and xhci.c: memory decoding (and the
 * capability registers, when probe could not read them), the BIOS
 * handoff, halt and reset before bus mastering, then the own structures,
 * a drain of the ports' events and one No Op.
 */
static int xhci_start(struct engine *e)
{
	struct xhci *x = xhci_of(e);
	int ret;

	if (!x->bar) {
		engine_diag(e, "BAR0 is not a memory BAR");
		return -ENODEV;
	}
	x->pci_cmd = pci_command(e->pci);
	x->cmd_saved = true;
	pci_set_command(e->pci, x->pci_cmd | PCI_COMMAND_MEMORY);
	if (!x->regs_ok)
		read_caps(x);
	ret = check_caps(e);
	if (ret)
		return ret;
	setup_memory(e);
	take_ownership(e);
	ret = wait_ready(e);
	if (!ret)
		ret = restart(e);
	if (ret)
		return ret;
	pci_set_command(e->pci, x->pci_cmd | PCI_COMMAND_MEMORY |
		      PCI_COMMAND_MASTER);
	engine_diag(e, "HCIVERSION 0x%04x, %u ports, %u scratchpads, %llu own pages",
		    xhci_hciversion(x->cap0), x->nr_ports, x->nr_scratch,
		    (unsigned long long)e->own_pages);
	ret = drain_ports(e, XHCI_SETTLE_QUIET_US);
	return ret ? ret : self_test(e);
}

/* The request as ->*_data announced it, and the ring where it was then. */
static int planned(struct engine *e, const struct engine_req *r, bool write,
		   u32 room)
{
	struct xhci *x = xhci_of(e);
	struct xhci_plan *p = &x->plan;
	bool ok;

	xhci_ring_align(&x->cmd, room);
	ok = p->valid && p->write == write && p->iova == r->iova &&
	     p->len == r->len && p->enq == x->cmd.enq &&
	     p->cycle == x->cmd.cycle;
	p->valid = false;
	if (ok)
		return 0;
	engine_diag(e, "a %s of %u bytes at 0x%llx that ->%s_data did not announce",
		    write ? "write" : "read", r->len,
		    (unsigned long long)r->iova, write ? "write" : "read");
	return -EINVAL;
}

static void plan(struct xhci *x, const struct engine_req *r, bool write,
		 u32 room)
{
	xhci_ring_align(&x->cmd, room);
	x->plan = (struct xhci_plan){
		.valid = true, .write = write, .iova = r->iova, .len = r->len,
		.enq = x->cmd.enq, .cycle = x->cmd.cycle,
	};
}

/*
 * The Command Completion Events of the next r->len / 16 No Ops on the own
 * ring, as the xHC writes them into a fresh segment: cycle 1, Success,
 * slot 0 (6.4.2.2).
 */
static int xhci_write_data(struct engine *e, const struct engine_req *r,
			   void *data)
{
	struct xhci *x = xhci_of(e);

	plan(x, r, true, 0);
	for (u32 i = 0; i < r->len / XHCI_TRB_SIZE; i++) {
		struct xhci_trb ev = xhci_trb_cmd_completion(
			xhci_ring_next(&x->cmd, i), XHCI_CC_SUCCESS, 0, true);

		memcpy((u8 *)data + i * XHCI_TRB_SIZE, &ev, sizeof(ev));
	}
	return 0;
}

/*
 * Counts @n events into the segment at @iova: each IMAN.IP with ERDP past
 * the ones counted before means one more was written (4.17.2).
 */
static int count_events(struct engine *e, u64 iova, u32 n, u64 timeout_us)
{
	struct xhci *x = xhci_of(e);
	u64 end = time_now_us() + timeout_us;

	for (u32 k = 0; k < n; k++) {
		if (!hw_poll_timeout((ir_read(x, XHCI_IMAN) & IMAN_IP) ||
				     hc_stopped(x), left_us(end))) {
			diag_regs(e, "waiting for an event");
			engine_diag(e, "%u of %u events written at 0x%llx", k,
				    n, (unsigned long long)iova);
			return -ETIMEDOUT;
		}
		if (hc_error(e))
			return -EIO;
		if (!(ir_read(x, XHCI_IMAN) & IMAN_IP)) {
			diag_regs(e, "halted during the write");
			return -EIO;
		}
		ir_write(x, XHCI_IMAN, IMAN_IE | IMAN_IP);
		write64(x->ir + XHCI_ERDP,
			(iova + (k + 1) * XHCI_TRB_SIZE) | ERDP_EHB);
	}
	return 0;
}

/* After a write, halted: anything beyond the @n events fails it. */
static int write_clean(struct engine *e)
{
	struct xhci *x = xhci_of(e);

	if (ir_read(x, XHCI_IMAN) & IMAN_IP) {
		diag_regs(e, "more events than No Ops");
		return -EIO;
	}
	if (ports_changed(e, true)) {
		engine_diag(e, "a Port Status Change Event may be among its events");
		return -EIO;
	}
	return 0;
}

static int xhci_write(struct engine *e, const struct engine_req *r)
{
	struct xhci *x = xhci_of(e);
	u32 n = r->len / XHCI_TRB_SIZE;
	u32 seg = MAX(XHCI_ERST_SEG_MIN, n + 2);
	u64 crcr;
	int ret, halted;

	ret = planned(e, r, true, 0);
	if (!ret)
		ret = addressable(e, r->iova, seg * XHCI_TRB_SIZE);
	if (!ret)
		ret = ready(e);
	if (!ret && ports_changed(e, false))
		ret = drain_ports(e, XHCI_PORT_QUIET_US);
	if (ret)
		return ret;
	crcr = crcr_here(e);
	for (u32 i = 0; i < n; i++)
		xhci_ring_enqueue(&x->cmd, xhci_trb_noop_cmd(false));
	/*
	 * Two TRBs more than the events: the xHC counts the segment full one
	 * short of the dequeue pointer, QEMU two (xhci_event()).
	 */
	*x->erst_req = xhci_erst_entry(r->iova, seg);
	point_events(x, virt_to_phys(x->erst_req), r->iova);
	ret = begin(e, crcr);
	if (!ret) {
		ring_doorbell(x);
		ret = count_events(e, r->iova, n, request_timeout(r));
	}
	halted = hc_halt(e);
	if (!ret)
		ret = halted ? halted : write_clean(e);
	if (!halted)
		point_events_own(e);
	return ret;
}

/*
 * The detour a read takes: No Ops, then a Link TRB back to the own ring's
 * return slot, all with the own ring's cycle bit.
 */
static int xhci_read_data(struct engine *e, const struct engine_req *r,
			  void *data)
{
	struct xhci *x = xhci_of(e);
	u32 k = r->len / XHCI_TRB_SIZE - 1;
	struct xhci_trb t;
	u64 back;

	plan(x, r, false, DETOUR_SLOTS);
	back = xhci_ring_next(&x->cmd, DETOUR_RETURN);
	for (u32 i = 0; i <= k; i++) {
		t = i < k ? xhci_trb_noop_cmd(x->cmd.cycle) :
			    xhci_trb_link(back, false, x->cmd.cycle);
		memcpy((u8 *)data + i * XHCI_TRB_SIZE, &t, sizeof(t));
	}
	return 0;
}

static int xhci_read(struct engine *e, const struct engine_req *r,
		     bool *match)
{
	struct xhci *x = xhci_of(e);
	u32 k = r->len / XHCI_TRB_SIZE - 1;
	struct xhci_expect ex;
	u64 crcr;
	int ret;

	ret = planned(e, r, false, DETOUR_SLOTS);
	if (!ret)
		ret = addressable(e, r->iova, r->len);
	if (!ret)
		ret = ready(e);
	if (ret)
		return ret;
	ex = (struct xhci_expect){
		.detour = r->iova, .detour_noops = k,
		.last = xhci_ring_next(&x->cmd, DETOUR_RETURN),
	};
	crcr = crcr_here(e);
	xhci_ring_enqueue(&x->cmd, xhci_trb_link(r->iova, false, false));
	xhci_ring_align(&x->cmd, 1);
	xhci_ring_enqueue(&x->cmd, xhci_trb_noop_cmd(false));
	return run_own(e, crcr, &ex, k + 1, request_timeout(r), match);
}

/*
 * Every request ends halted, and a halt stops the command ring (5.4.5
 * CRR) wherever a fetch left it: a clean halt needs nothing more than the
 * next request's CRCR. An error (HSE, HCE) takes a reset.
 */
static int xhci_recover(struct engine *e)
{
	struct xhci *x = xhci_of(e);
	u32 sts = op_read(x, XHCI_USBSTS);
	int ret;

	if ((sts & USBSTS_HCH) && !(sts & USBSTS_ERRORS) && !self_test(e))
		return 0;
	engine_diag(e, "resetting the controller (USBSTS 0x%08x)",
		    op_read(x, XHCI_USBSTS));
	ret = restart(e);
	return ret ? ret : self_test(e);
}

/*
 * Halted and reset, nothing programmed, as Linux expects to find it (it
 * resets the controller itself); PCI_COMMAND as ->start found it.
 */
static void xhci_quiesce(struct engine *e)
{
	struct xhci *x = xhci_of(e);

	if (!x->cmd_saved)
		return;
	if (x->regs_ok && (hc_halt(e) || hc_reset(e)))
		engine_diag(e, "left without a reset");
	pci_set_command(e->pci, x->pci_cmd);
}

const struct engine_ops xhci_engine_ops = {
	.kind = "xhci",
	.match = xhci_match,
	.probe = xhci_probe,
	.start = xhci_start,
	.write_data = xhci_write_data,
	.write = xhci_write,
	.read_data = xhci_read_data,
	.read = xhci_read,
	.recover = xhci_recover,
	.quiesce = xhci_quiesce,
};
