/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The xHCI structures the xhci engine writes and reads in memory, and the
 * arithmetic of its registers, as explicit words (xHCI 1.2 chapters 5 and
 * 6): TRBs, Event Ring Segment Table entries, a command ring with its Link
 * TRB and cycle bit, an event ring consumer, capability fields and register
 * offsets. Nothing here touches a device: the host unit tests run it too.
 */
#ifndef VTDTEST_DRIVERS_ENGINE_XHCI_TRB_H
#define VTDTEST_DRIVERS_ENGINE_XHCI_TRB_H

#include "lib/types.h"

/* 6.4: a TRB is 16 bytes, little-endian: parameter, status, control. */
struct xhci_trb {
	u64 param;
	u32 status;
	u32 control;
};

_Static_assert(sizeof(struct xhci_trb) == 16, "a TRB is 16 bytes");

#define XHCI_TRB_SIZE		16ULL

/* 6.4: control dword fields every TRB shares. */
#define TRB_CYCLE		BIT(0)
#define TRB_TYPE_SHIFT		10
#define TRB_TYPE_MASK		((u32)GENMASK_ULL(15, 10))
/* 6.4.4.1: Link TRB Toggle Cycle; the pointer is 16-byte aligned. */
#define TRB_LINK_TC		BIT(1)
#define TRB_LINK_PTR_MASK	GENMASK_ULL(63, 4)
/* 6.4.2: event TRBs carry the Completion Code in status 31:24. */
#define TRB_CC_SHIFT		24
#define TRB_CC_MASK		((u32)GENMASK_ULL(31, 24))
/* 6.4.2.2: Command Completion Event: Slot ID in control 31:24. */
#define TRB_SLOT_SHIFT		24
#define TRB_SLOT_MASK		((u32)GENMASK_ULL(31, 24))
/* 6.4.2.3: Port Status Change Event: Port ID in parameter 31:24. */
#define TRB_PORT_SHIFT		24
#define TRB_PORT_MASK		GENMASK_ULL(31, 24)

/* 6.4.6: the TRB types this engine writes or may read. */
enum xhci_trb_type {
	XHCI_TRB_LINK		= 6,
	XHCI_TRB_NOOP_CMD	= 23,
	XHCI_TRB_CMD_COMPLETION	= 33,
	XHCI_TRB_PORT_STATUS	= 34,
};

/* 6.4.5: the completion code every No Op must end with. */
#define XHCI_CC_SUCCESS		1

/* 6.4.3.1: No Op Command TRB. */
struct xhci_trb xhci_trb_noop_cmd(bool cycle);
/* 6.4.4.1: Link TRB to @target; @toggle sets Toggle Cycle. */
struct xhci_trb xhci_trb_link(u64 target, bool toggle, bool cycle);
/* 6.4.2.2: the Command Completion Event for the command TRB at @cmd. */
struct xhci_trb xhci_trb_cmd_completion(u64 cmd, u8 cc, u8 slot, bool cycle);

static inline u8 xhci_trb_type(const struct xhci_trb *t)
{
	return (t->control & TRB_TYPE_MASK) >> TRB_TYPE_SHIFT;
}

static inline u8 xhci_event_cc(const struct xhci_trb *t)
{
	return (t->status & TRB_CC_MASK) >> TRB_CC_SHIFT;
}

static inline u8 xhci_event_slot(const struct xhci_trb *t)
{
	return (t->control & TRB_SLOT_MASK) >> TRB_SLOT_SHIFT;
}

/* 6.4.2.2: Command TRB Pointer, 16-byte aligned. */
static inline u64 xhci_event_cmd(const struct xhci_trb *t)
{
	return t->param & TRB_LINK_PTR_MASK;
}

static inline u8 xhci_event_port(const struct xhci_trb *t)
{
	return (t->param & TRB_PORT_MASK) >> TRB_PORT_SHIFT;
}

/* "Success", "TRB Error", ...; "reserved" for codes 6.4.5 leaves open. */
const char *xhci_cc_name(u8 cc);
/* "Link", "No Op Command", ...; "type N" for the others. */
const char *xhci_trb_type_name(u8 type);

/* 6.5: Event Ring Segment Table entry; a segment holds 16 to 4096 TRBs. */
struct xhci_erst_entry {
	u64 base;		/* 63:6, 64-byte aligned */
	u32 size;		/* 15:0, in TRBs */
	u32 rsvd;
};

_Static_assert(sizeof(struct xhci_erst_entry) == 16,
	       "an ERST entry is 16 bytes");

#define XHCI_ERST_BASE_MASK	GENMASK_ULL(63, 6)
#define XHCI_ERST_SIZE_MASK	((u32)GENMASK_ULL(15, 0))
#define XHCI_ERST_SEG_MIN	16

struct xhci_erst_entry xhci_erst_entry(u64 base, u32 trbs);

/*
 * A command ring of one segment (4.9.3): @size TRB slots, the last a Link
 * TRB back to the first with Toggle Cycle. The producer writes each slot
 * once per lap with that lap's cycle bit, so the slot after the last TRB
 * written always holds the previous lap's, and the xHC stops there.
 */
struct xhci_ring {
	struct xhci_trb *trbs;
	u64 dma;		/* bus address of trbs[0] */
	u32 size;		/* slots, the Link TRB included */
	u32 enq;		/* the slot the next TRB goes to */
	bool cycle;		/* producer cycle state */
};

/* 5.4.5, 6.4.4.1: the xHC starts a command ring at a 64-byte boundary. */
#define XHCI_RING_ALIGN_SLOTS	4

/* Zeroes @trbs (@size slots, a multiple of 4, >= 8) and places the Link TRB. */
void xhci_ring_init(struct xhci_ring *r, struct xhci_trb *trbs, u64 dma,
		    u32 size);
/* Writes @t at the enqueue slot, its cycle bit the ring's; its bus address. */
u64 xhci_ring_enqueue(struct xhci_ring *r, struct xhci_trb t);
/* The bus address the @ahead-th TRB from now will be written to. */
u64 xhci_ring_next(const struct xhci_ring *r, u32 ahead);
/*
 * Moves the enqueue slot to a 64-byte boundary with @room slots before the
 * Link TRB, filling the slots passed over with Link TRBs to that boundary:
 * every slot is still written once per lap, and an xHC that ever reached
 * one would only skip ahead. Nothing moves when already there.
 */
void xhci_ring_align(struct xhci_ring *r, u32 room);

/*
 * The consumer side of an event ring of one segment (4.9.4): the xHC
 * writes @size TRBs in turn with its cycle bit, toggled at each wrap.
 */
struct xhci_event_ring {
	const volatile struct xhci_trb *trbs;
	u64 dma;
	u32 size;
	u32 deq;		/* the next TRB to look at */
	bool cycle;		/* consumer cycle state */
};

/* Zeroes @trbs and starts at the first TRB, cycle 1, as ERSTBA does. */
void xhci_event_ring_init(struct xhci_event_ring *er, struct xhci_trb *trbs,
			  u64 dma, u32 size);
/* Takes the next event into @ev; false while the xHC has not written it. */
bool xhci_event_ring_pop(struct xhci_event_ring *er, struct xhci_trb *ev);

static inline u64 xhci_event_ring_dequeue(const struct xhci_event_ring *er)
{
	return er->dma + er->deq * XHCI_TRB_SIZE;
}

/* 5.3: capability registers, offsets from the BAR. */
#define XHCI_CAP_LENGTH		0x00	/* CAPLENGTH, HCIVERSION 31:16 */
#define XHCI_CAP_HCSPARAMS1	0x04
#define XHCI_CAP_HCSPARAMS2	0x08
#define XHCI_CAP_HCCPARAMS1	0x10
#define XHCI_CAP_DBOFF		0x14
#define XHCI_CAP_RTSOFF		0x18

static inline u8 xhci_caplength(u32 v)
{
	return v & 0xff;
}

static inline u16 xhci_hciversion(u32 v)
{
	return v >> 16;
}

/* 5.3.3: HCSPARAMS1 MaxPorts 31:24. */
static inline u8 xhci_max_ports(u32 hcsparams1)
{
	return (hcsparams1 & GENMASK_ULL(31, 24)) >> 24;
}

/* 5.3.4: Max Scratchpad Buffers, Hi 25:21 and Lo 31:27: up to 1023. */
u32 xhci_max_scratchpads(u32 hcsparams2);
#define XHCI_SCRATCHPADS_MAX	1023

/* 5.3.6: HCCPARAMS1 AC64 bit 0, xECP 31:16 in dwords. */
#define XHCI_HCC_AC64		BIT(0)

static inline u32 xhci_xecp(u32 hccparams1)
{
	return ((hccparams1 & GENMASK_ULL(31, 16)) >> 16) << 2;
}

/* 5.3.7, 5.3.8: DBOFF 31:2, RTSOFF 31:5, bytes from the BAR. */
static inline u32 xhci_dboff(u32 v)
{
	return v & GENMASK_ULL(31, 2);
}

static inline u32 xhci_rtsoff(u32 v)
{
	return v & GENMASK_ULL(31, 5);
}

/* 7: an extended capability: ID 7:0, next 15:8 in dwords (0: last). */
static inline u8 xhci_ext_cap_id(u32 v)
{
	return v & GENMASK_ULL(7, 0);
}

static inline u32 xhci_ext_cap_next(u32 v)
{
	return ((v & GENMASK_ULL(15, 8)) >> 8) << 2;
}

/* 5.4.8: PORTSC of port @port (1-based), from the operational base. */
static inline u32 xhci_portsc(u32 port)
{
	return 0x400 + 0x10 * (port - 1);
}

/* 5.5.2: interrupter @i's register set, from the runtime base. */
static inline u32 xhci_interrupter(u32 i)
{
	return 0x20 + 0x20 * i;
}

/* 6.6: pages of the Scratchpad Buffer Array, 8 bytes an entry. */
static inline u32 xhci_scratchpad_array_pages(u32 n)
{
	return (n * 8 + 4095) / 4096;
}

#endif /* VTDTEST_DRIVERS_ENGINE_XHCI_TRB_H */
