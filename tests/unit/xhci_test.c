// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the xhci engine's portable part (drivers/engine/xhci_trb.c).
 * Expected words are written by hand from the xHCI 1.2 layouts, not taken
 * from the code under test:
 *
 *   control dword: C bit 0, Link TC bit 1, type 15:10, slot 31:24;
 *   type << 10: Link (6) 0x1800, No Op Command (23) 0x5c00,
 *   Command Completion Event (33) 0x8400, Port Status Change (34) 0x8800;
 *   event status: Completion Code 31:24, Success = 0x01000000.
 */
#include "drivers/engine/xhci_trb.h"
#include "tests/unit/unit.h"

#define RING_DMA	0x10000ULL
#define EVENTS_DMA	0x20000ULL

static void expect_trb(const struct xhci_trb *t, u64 param, u32 status,
		       u32 control)
{
	EXPECT_U64(t->param, param);
	EXPECT_U64(t->status, status);
	EXPECT_U64(t->control, control);
}

UNIT_TEST(xhci_noop_command)
{
	struct xhci_trb t = xhci_trb_noop_cmd(true);

	expect_trb(&t, 0, 0, 0x5c01);
	t = xhci_trb_noop_cmd(false);
	expect_trb(&t, 0, 0, 0x5c00);
}

UNIT_TEST(xhci_link)
{
	struct xhci_trb t = xhci_trb_link(0x123456780ULL, true, true);

	expect_trb(&t, 0x123456780ULL, 0, 0x1803);
	/* Bits 3:0 of the pointer are reserved. */
	t = xhci_trb_link(0x12345678fULL, false, false);
	expect_trb(&t, 0x123456780ULL, 0, 0x1800);
}

UNIT_TEST(xhci_command_completion)
{
	struct xhci_trb t = xhci_trb_cmd_completion(0x140001230ULL, 1, 0, true);

	expect_trb(&t, 0x140001230ULL, 0x01000000, 0x8401);
	t = xhci_trb_cmd_completion(0x2000, 24, 5, false);
	expect_trb(&t, 0x2000, 0x18000000, 0x05008400);
}

/* Events as an xHC writes them, decoded field by field. */
UNIT_TEST(xhci_event_decode)
{
	struct xhci_trb psc = { .param = 0x03000000, .status = 0x01000000,
				.control = 0x8801 };
	struct xhci_trb cce = { .param = 0x7ffff0a0ULL, .status = 0x05000000,
				.control = 0x07008400 };

	EXPECT_U64(xhci_trb_type(&psc), XHCI_TRB_PORT_STATUS);
	EXPECT_U64(xhci_event_port(&psc), 3);
	EXPECT_U64(xhci_event_cc(&psc), 1);
	EXPECT_U64(psc.control & TRB_CYCLE, 1);
	EXPECT_U64(xhci_trb_type(&cce), XHCI_TRB_CMD_COMPLETION);
	EXPECT_U64(xhci_event_cmd(&cce), 0x7ffff0a0ULL);
	EXPECT_U64(xhci_event_cc(&cce), 5);
	EXPECT_U64(xhci_event_slot(&cce), 7);
	EXPECT_U64(cce.control & TRB_CYCLE, 0);
}

UNIT_TEST(xhci_names)
{
	EXPECT_STR(xhci_cc_name(1), "Success");
	EXPECT_STR(xhci_cc_name(5), "TRB Error");
	EXPECT_STR(xhci_cc_name(24), "Command Ring Stopped");
	EXPECT_STR(xhci_cc_name(0), "Invalid");
	EXPECT_STR(xhci_cc_name(30), "reserved");
	EXPECT_STR(xhci_cc_name(37), "reserved");
	EXPECT_STR(xhci_cc_name(200), "vendor defined");
	EXPECT_STR(xhci_trb_type_name(34), "Port Status Change Event");
	EXPECT_STR(xhci_trb_type_name(9), "Enable Slot Command");
	EXPECT_STR(xhci_trb_type_name(1), "other type");
	EXPECT_STR(xhci_trb_type_name(63), "other type");
}

UNIT_TEST(xhci_erst_entry_layout)
{
	struct xhci_erst_entry e = xhci_erst_entry(0x100000040ULL, 16);
	const u32 *w = (const u32 *)&e;

	/* 6.5: base lo, base hi, size 15:0, reserved. */
	EXPECT_U64(w[0], 0x00000040);
	EXPECT_U64(w[1], 0x00000001);
	EXPECT_U64(w[2], 16);
	EXPECT_U64(w[3], 0);
	e = xhci_erst_entry(0x1000007fULL, 0x12345);
	EXPECT_U64(e.base, 0x10000040ULL);
	EXPECT_U64(e.size, 0x2345);
}

UNIT_TEST(xhci_scratchpad_count)
{
	/* QEMU's HCSPARAMS2: IST 15, no scratchpads. */
	EXPECT_U64(xhci_max_scratchpads(0x0000000f), 0);
	/* Hi 1, Lo 3, with IST, ERST Max and SPR set around them. */
	EXPECT_U64(xhci_max_scratchpads(0x1c2000f5), 35);
	EXPECT_U64(xhci_max_scratchpads(0xfbe00000), 1023);
	EXPECT_U64(xhci_max_scratchpads(0x04000000), 0);
	EXPECT_U64(xhci_scratchpad_array_pages(0), 0);
	EXPECT_U64(xhci_scratchpad_array_pages(1), 1);
	EXPECT_U64(xhci_scratchpad_array_pages(512), 1);
	EXPECT_U64(xhci_scratchpad_array_pages(513), 2);
	EXPECT_U64(xhci_scratchpad_array_pages(1023), 2);
}

/* QEMU's qemu-xhci values (hw/usb/hcd-xhci.c xhci_cap_read). */
UNIT_TEST(xhci_capability_fields)
{
	EXPECT_U64(xhci_caplength(0x01000040), 0x40);
	EXPECT_U64(xhci_hciversion(0x01000040), 0x100);
	EXPECT_U64(xhci_max_ports(0x08001040), 8);
	EXPECT_U64(xhci_xecp(0x00080001), 0x20);
	EXPECT_U64(xhci_dboff(0x00002003), 0x2000);
	EXPECT_U64(xhci_rtsoff(0x0000101f), 0x1000);
	/* Supported Protocol at 0x20, the next 4 dwords on; Legacy, last. */
	EXPECT_U64(xhci_ext_cap_id(0x02000402), 2);
	EXPECT_U64(xhci_ext_cap_next(0x02000402), 0x10);
	EXPECT_U64(xhci_ext_cap_id(0x01010001), 1);
	EXPECT_U64(xhci_ext_cap_next(0x01010001), 0);
	EXPECT_U64(xhci_portsc(1), 0x400);
	EXPECT_U64(xhci_portsc(3), 0x420);
	EXPECT_U64(xhci_interrupter(0), 0x20);
	EXPECT_U64(xhci_interrupter(2), 0x60);
}

UNIT_TEST(xhci_ring_wrap)
{
	struct xhci_trb trbs[8];
	struct xhci_ring r;

	xhci_ring_init(&r, trbs, RING_DMA, 8);
	/* The Link TRB back to the start, Toggle Cycle, not yet valid. */
	expect_trb(&trbs[7], RING_DMA, 0, 0x1802);
	EXPECT_U64(xhci_ring_next(&r, 0), RING_DMA);
	for (u32 i = 0; i < 6; i++)
		EXPECT_U64(xhci_ring_enqueue(&r, xhci_trb_noop_cmd(false)),
			   RING_DMA + 16 * i);
	expect_trb(&trbs[5], 0, 0, 0x5c01);
	expect_trb(&trbs[7], RING_DMA, 0, 0x1802);
	/* The seventh TRB fills the lap: the Link TRB becomes valid. */
	EXPECT_U64(xhci_ring_enqueue(&r, xhci_trb_noop_cmd(true)),
		   RING_DMA + 0x60);
	expect_trb(&trbs[7], RING_DMA, 0, 0x1803);
	EXPECT(!r.cycle);
	EXPECT_U64(r.enq, 0);
	/* Second lap: cycle 0; the slot after it still holds lap one's 1. */
	EXPECT_U64(xhci_ring_enqueue(&r, xhci_trb_noop_cmd(true)), RING_DMA);
	expect_trb(&trbs[0], 0, 0, 0x5c00);
	expect_trb(&trbs[1], 0, 0, 0x5c01);
	for (u32 i = 1; i < 7; i++)
		xhci_ring_enqueue(&r, xhci_trb_noop_cmd(true));
	expect_trb(&trbs[7], RING_DMA, 0, 0x1802);
	expect_trb(&trbs[6], 0, 0, 0x5c00);
	EXPECT(r.cycle);
}

UNIT_TEST(xhci_ring_next_skips_link)
{
	struct xhci_trb trbs[8];
	struct xhci_ring r;

	xhci_ring_init(&r, trbs, RING_DMA, 8);
	for (u32 i = 0; i < 5; i++)
		xhci_ring_enqueue(&r, xhci_trb_noop_cmd(true));
	EXPECT_U64(xhci_ring_next(&r, 0), RING_DMA + 0x50);
	EXPECT_U64(xhci_ring_next(&r, 1), RING_DMA + 0x60);
	EXPECT_U64(xhci_ring_next(&r, 2), RING_DMA);
	EXPECT_U64(xhci_ring_next(&r, 3), RING_DMA + 0x10);
}

UNIT_TEST(xhci_ring_align_fills_with_links)
{
	struct xhci_trb trbs[16];
	struct xhci_ring r;

	xhci_ring_init(&r, trbs, RING_DMA, 16);
	xhci_ring_enqueue(&r, xhci_trb_noop_cmd(true));
	xhci_ring_align(&r, 0);
	EXPECT_U64(r.enq, 4);
	/* Slots 1-3: Link TRBs to slot 4 (0x40), no toggle, this lap's C. */
	for (u32 i = 1; i < 4; i++)
		expect_trb(&trbs[i], RING_DMA + 0x40, 0, 0x1801);
	EXPECT_U64(xhci_ring_next(&r, 0), RING_DMA + 0x40);
	/* Already there: nothing written. */
	xhci_ring_align(&r, 5);
	EXPECT_U64(r.enq, 4);
	expect_trb(&trbs[4], 0, 0, 0);
	/* Slots 4-12 used; 13 and 14 remain before the Link TRB at 15. */
	for (u32 i = 4; i < 13; i++)
		xhci_ring_enqueue(&r, xhci_trb_noop_cmd(true));
	xhci_ring_align(&r, 2);
	EXPECT_U64(r.enq, 0);
	EXPECT(!r.cycle);
	/* To the next lap: Link TRBs to the start with Toggle Cycle. */
	expect_trb(&trbs[13], RING_DMA, 0, 0x1803);
	expect_trb(&trbs[14], RING_DMA, 0, 0x1803);
	expect_trb(&trbs[15], RING_DMA, 0, 0x1803);
}

UNIT_TEST(xhci_ring_align_room)
{
	struct xhci_trb trbs[16];
	struct xhci_ring r;

	xhci_ring_init(&r, trbs, RING_DMA, 16);
	for (u32 i = 0; i < 8; i++)
		xhci_ring_enqueue(&r, xhci_trb_noop_cmd(true));
	/* Slots 8-14 are seven slots before the Link TRB at 15. */
	xhci_ring_align(&r, 7);
	EXPECT_U64(r.enq, 8);
	EXPECT(r.cycle);
	xhci_ring_align(&r, 8);
	EXPECT_U64(r.enq, 0);
	EXPECT(!r.cycle);
	for (u32 i = 8; i < 15; i++)
		expect_trb(&trbs[i], RING_DMA, 0, 0x1803);
}

/* Writes an event as the xHC would: the cycle bit of its lap. */
static void post(struct xhci_trb *slot, u64 cmd, bool cycle)
{
	*slot = xhci_trb_cmd_completion(cmd, 1, 0, cycle);
}

UNIT_TEST(xhci_event_ring_wrap)
{
	struct xhci_trb trbs[4];
	struct xhci_event_ring er;
	struct xhci_trb ev;

	xhci_event_ring_init(&er, trbs, EVENTS_DMA, 4);
	EXPECT(!xhci_event_ring_pop(&er, &ev));
	post(&trbs[0], 0x1000, true);
	post(&trbs[1], 0x1010, true);
	EXPECT(xhci_event_ring_pop(&er, &ev));
	EXPECT_U64(ev.param, 0x1000);
	EXPECT(xhci_event_ring_pop(&er, &ev));
	EXPECT_U64(ev.param, 0x1010);
	EXPECT(!xhci_event_ring_pop(&er, &ev));
	EXPECT_U64(xhci_event_ring_dequeue(&er), EVENTS_DMA + 0x20);
	post(&trbs[2], 0x1020, true);
	post(&trbs[3], 0x1030, true);
	/* Second lap: the xHC's cycle bit is 0. */
	post(&trbs[0], 0x1040, false);
	for (u32 i = 0; i < 3; i++) {
		EXPECT(xhci_event_ring_pop(&er, &ev));
		EXPECT_U64(ev.param, 0x1020 + 0x10 * i);
	}
	EXPECT_U64(xhci_event_ring_dequeue(&er), EVENTS_DMA + 0x10);
	EXPECT(!er.cycle);
	/* Slot 1 still holds lap one's event, cycle 1: not new. */
	EXPECT(!xhci_event_ring_pop(&er, &ev));
	EXPECT_U64(xhci_event_ring_dequeue(&er), EVENTS_DMA + 0x10);
}
