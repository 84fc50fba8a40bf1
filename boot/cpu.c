// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own descriptor tables (Intel SDM Vol. 3A, chapters 3 and 6):
 * a flat 64-bit GDT with a TSS whose IST gives #NMI, #DF and #MC their own
 * stacks, so a kernel stack overflow still reaches the exception report
 * instead of triple-faulting into a silent reset.
 */
#include "boot/cpu.h"
#include "lib/io.h"

#define IST_STACK_SIZE		(16 * 1024)
#define IST_FAULT		1

#define GDT_CODE64		0x00af9a000000ffffULL	/* P, DPL0, code, L */
#define GDT_DATA		0x00cf92000000ffffULL	/* P, DPL0, data, RW */
#define GDT_TSS_TYPE		0x89ULL			/* P, 64-bit TSS avail */

#define IDT_GATE_INTR		0x8eU			/* P, DPL0, interrupt */

#define PIC1_DATA		0x21
#define PIC2_DATA		0xa1

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;

/* SDM Vol. 3A, 8.7: 64-bit TSS. */
struct tss64 {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

struct idt_gate {
	u16 offset_lo;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_hi;
	u32 reserved;
} __packed;

extern const u64 isr_stubs[NR_VECTORS];
void cpu_load_gdt(const struct desc_ptr *gdtr, u16 code_sel, u16 data_sel);

static u64 gdt[5] __aligned(16);
static struct tss64 tss __aligned(16);
static struct idt_gate idt[NR_VECTORS] __aligned(16);
static u8 ist_stack[IST_STACK_SIZE] __aligned(16);

static void gdt_init(void)
{
	u64 base = (u64)(uintptr_t)&tss;
	u64 limit = sizeof(tss) - 1;
	struct desc_ptr gdtr = { sizeof(gdt) - 1, (u64)(uintptr_t)gdt };

	tss.ist[IST_FAULT - 1] = (u64)(uintptr_t)(ist_stack + IST_STACK_SIZE);
	tss.iomap_base = sizeof(tss);

	gdt[0] = 0;
	gdt[KERNEL_CS / 8] = GDT_CODE64;
	gdt[KERNEL_DS / 8] = GDT_DATA;
	/* SDM Vol. 3A, 8.2.3: a 16-byte system descriptor. */
	gdt[KERNEL_TSS / 8] = (limit & 0xffffULL) |
			      ((base & 0xffffffULL) << 16) |
			      (GDT_TSS_TYPE << 40) |
			      (((limit >> 16) & 0xfULL) << 48) |
			      (((base >> 24) & 0xffULL) << 56);
	gdt[KERNEL_TSS / 8 + 1] = base >> 32;

	cpu_load_gdt(&gdtr, KERNEL_CS, KERNEL_DS);
	asm volatile("ltr %w0" : : "r"((u16)KERNEL_TSS));
}

static void idt_set(unsigned int vector, u64 handler, u8 ist)
{
	struct idt_gate *g = &idt[vector];

	g->offset_lo = handler & 0xffff;
	g->selector = KERNEL_CS;
	g->ist = ist;
	g->type_attr = IDT_GATE_INTR;
	g->offset_mid = (handler >> 16) & 0xffff;
	g->offset_hi = handler >> 32;
	g->reserved = 0;
}

static void idt_init(void)
{
	struct desc_ptr idtr = { sizeof(idt) - 1, (u64)(uintptr_t)idt };

	for (unsigned int v = 0; v < NR_VECTORS; v++) {
		bool own_stack = v == 2 || v == 8 || v == 18;

		idt_set(v, isr_stubs[v], own_stack ? IST_FAULT : 0);
	}
	asm volatile("lidt %0" : : "m"(idtr));
}

void cpu_init(void)
{
	irq_disable();
	/* Interrupts come through the local APIC only. */
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
	gdt_init();
	idt_init();
}
