// SPDX-License-Identifier: GPL-2.0
/*
 * xHCI TRBs, rings and register arithmetic for the xhci engine (xHCI 1.2
 * chapters 5 and 6); shared with the host unit tests.
 */
#include "drivers/engine/xhci_trb.h"

static u32 type_bits(u8 type)
{
	return (u32)type << TRB_TYPE_SHIFT;
}

static u32 cycle_bit(bool cycle)
{
	return cycle ? TRB_CYCLE : 0;
}

struct xhci_trb xhci_trb_noop_cmd(bool cycle)
{
	return (struct xhci_trb){
		.control = type_bits(XHCI_TRB_NOOP_CMD) | cycle_bit(cycle),
	};
}

struct xhci_trb xhci_trb_link(u64 target, bool toggle, bool cycle)
{
	return (struct xhci_trb){
		.param = target & TRB_LINK_PTR_MASK,
		.control = type_bits(XHCI_TRB_LINK) |
			   (toggle ? TRB_LINK_TC : 0) | cycle_bit(cycle),
	};
}

struct xhci_trb xhci_trb_cmd_completion(u64 cmd, u8 cc, u8 slot, bool cycle)
{
	return (struct xhci_trb){
		.param = cmd & TRB_LINK_PTR_MASK,
		.status = (u32)cc << TRB_CC_SHIFT,
		.control = (u32)slot << TRB_SLOT_SHIFT |
			   type_bits(XHCI_TRB_CMD_COMPLETION) |
			   cycle_bit(cycle),
	};
}

/* 6.4.5, Table 6-90. */
static const char *const cc_names[] = {
	[0] = "Invalid",
	[1] = "Success",
	[2] = "Data Buffer Error",
	[3] = "Babble Detected",
	[4] = "USB Transaction Error",
	[5] = "TRB Error",
	[6] = "Stall Error",
	[7] = "Resource Error",
	[8] = "Bandwidth Error",
	[9] = "No Slots Available Error",
	[10] = "Invalid Stream Type Error",
	[11] = "Slot Not Enabled Error",
	[12] = "Endpoint Not Enabled Error",
	[13] = "Short Packet",
	[14] = "Ring Underrun",
	[15] = "Ring Overrun",
	[16] = "VF Event Ring Full Error",
	[17] = "Parameter Error",
	[18] = "Bandwidth Overrun Error",
	[19] = "Context State Error",
	[20] = "No Ping Response Error",
	[21] = "Event Ring Full Error",
	[22] = "Incompatible Device Error",
	[23] = "Missed Service Error",
	[24] = "Command Ring Stopped",
	[25] = "Command Aborted",
	[26] = "Stopped",
	[27] = "Stopped - Length Invalid",
	[28] = "Stopped - Short Packet",
	[29] = "Max Exit Latency Too Large Error",
	[31] = "Isoch Buffer Overrun",
	[32] = "Event Lost Error",
	[33] = "Undefined Error",
	[34] = "Invalid Stream ID Error",
	[35] = "Secondary Bandwidth Error",
	[36] = "Split Transaction Error",
};

const char *xhci_cc_name(u8 cc)
{
	if (cc < ARRAY_SIZE(cc_names) && cc_names[cc])
		return cc_names[cc];
	return cc >= 192 ? "vendor defined" : "reserved";
}

/* 6.4.6, Table 6-91: the command and event types. */
static const char *const type_names[] = {
	[6] = "Link",
	[9] = "Enable Slot Command",
	[10] = "Disable Slot Command",
	[11] = "Address Device Command",
	[12] = "Configure Endpoint Command",
	[13] = "Evaluate Context Command",
	[14] = "Reset Endpoint Command",
	[15] = "Stop Endpoint Command",
	[16] = "Set TR Dequeue Pointer Command",
	[17] = "Reset Device Command",
	[18] = "Force Event Command",
	[19] = "Negotiate Bandwidth Command",
	[20] = "Set Latency Tolerance Value Command",
	[21] = "Get Port Bandwidth Command",
	[22] = "Force Header Command",
	[23] = "No Op Command",
	[32] = "Transfer Event",
	[33] = "Command Completion Event",
	[34] = "Port Status Change Event",
	[35] = "Bandwidth Request Event",
	[36] = "Doorbell Event",
	[37] = "Host Controller Event",
	[38] = "Device Notification Event",
	[39] = "MFINDEX Wrap Event",
};

const char *xhci_trb_type_name(u8 type)
{
	if (type < ARRAY_SIZE(type_names) && type_names[type])
		return type_names[type];
	return "other type";
}

struct xhci_erst_entry xhci_erst_entry(u64 base, u32 trbs)
{
	return (struct xhci_erst_entry){
		.base = base & XHCI_ERST_BASE_MASK,
		.size = trbs & XHCI_ERST_SIZE_MASK,
	};
}

static u64 slot_addr(const struct xhci_ring *r, u32 slot)
{
	return r->dma + slot * XHCI_TRB_SIZE;
}

void xhci_ring_init(struct xhci_ring *r, struct xhci_trb *trbs, u64 dma,
		    u32 size)
{
	*r = (struct xhci_ring){ .trbs = trbs, .dma = dma, .size = size,
				 .cycle = true };
	for (u32 i = 0; i < size; i++)
		trbs[i] = (struct xhci_trb){ 0 };
	/* Not valid before the first wrap: its cycle bit is the old lap's. */
	trbs[size - 1] = xhci_trb_link(dma, true, false);
}

u64 xhci_ring_enqueue(struct xhci_ring *r, struct xhci_trb t)
{
	struct xhci_trb *slot = &r->trbs[r->enq];
	u64 addr = slot_addr(r, r->enq);
	u32 link = r->size - 1;

	slot->param = t.param;
	slot->status = t.status;
	/* The cycle bit last: it hands the TRB to the xHC. */
	slot->control = (t.control & ~TRB_CYCLE) | cycle_bit(r->cycle);
	if (++r->enq == link) {
		r->trbs[link].control = (r->trbs[link].control & ~TRB_CYCLE) |
					cycle_bit(r->cycle);
		r->cycle = !r->cycle;
		r->enq = 0;
	}
	return addr;
}

u64 xhci_ring_next(const struct xhci_ring *r, u32 ahead)
{
	return slot_addr(r, (r->enq + ahead) % (r->size - 1));
}

void xhci_ring_align(struct xhci_ring *r, u32 room)
{
	u32 link = r->size - 1;
	u32 to = ALIGN_UP(r->enq, XHCI_RING_ALIGN_SLOTS);

	if (to + room > link) {
		/* No room before the Link TRB: fill up to it, next lap. */
		while (r->enq)
			xhci_ring_enqueue(r, xhci_trb_link(r->dma, true,
							   false));
		return;
	}
	while (r->enq != to)
		xhci_ring_enqueue(r, xhci_trb_link(slot_addr(r, to), false,
						   false));
}

void xhci_event_ring_init(struct xhci_event_ring *er, struct xhci_trb *trbs,
			  u64 dma, u32 size)
{
	for (u32 i = 0; i < size; i++)
		trbs[i] = (struct xhci_trb){ 0 };
	*er = (struct xhci_event_ring){ .trbs = trbs, .dma = dma,
					.size = size, .cycle = true };
}

bool xhci_event_ring_pop(struct xhci_event_ring *er, struct xhci_trb *ev)
{
	const volatile struct xhci_trb *t = &er->trbs[er->deq];
	u32 control = t->control;

	/* The cycle bit first: the rest is valid only once it matches. */
	if (!!(control & TRB_CYCLE) != er->cycle)
		return false;
	ev->param = t->param;
	ev->status = t->status;
	ev->control = control;
	if (++er->deq == er->size) {
		er->deq = 0;
		er->cycle = !er->cycle;
	}
	return true;
}

u32 xhci_max_scratchpads(u32 hcsparams2)
{
	u32 hi = (hcsparams2 & GENMASK_ULL(25, 21)) >> 21;
	u32 lo = (hcsparams2 & GENMASK_ULL(31, 27)) >> 27;

	return hi << 5 | lo;
}
