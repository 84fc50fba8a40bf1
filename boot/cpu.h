/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTDTEST_BOOT_CPU_H
#define VTDTEST_BOOT_CPU_H

#include "lib/types.h"

#define KERNEL_CS		0x08
#define KERNEL_DS		0x10
#define KERNEL_TSS		0x18

#define NR_EXCEPTIONS		32
#define NR_VECTORS		256
/* Device vectors handed out by irq_alloc_vector(). */
#define FIRST_DEVICE_VECTOR	0x40
#define SPURIOUS_VECTOR		0xff

/* The frame boot/entry.asm builds; the layout is fixed by the stubs. */
struct irq_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector;
	u64 error_code;
	u64 rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};

typedef void (*irq_handler_t)(unsigned int vector, void *data);

/* GDT with a TSS (IST stacks for #NMI, #DF, #MC), IDT, legacy PIC masked. */
void cpu_init(void);

void interrupt_dispatch(struct irq_frame *f);
/* A free device vector with @fn installed, or 0 when none is left. */
unsigned int irq_alloc_vector(irq_handler_t fn, void *data);
void irq_free_vector(unsigned int vector);

/*
 * Lets the next exception with @vector return instead of aborting the run:
 * the trap is counted and execution continues after the faulting
 * instruction only for traps (#BP, #OF), where RIP already points past it.
 */
void exception_expect(unsigned int vector);
/* How many expected exceptions arrived since exception_expect(). */
unsigned int exception_expected_hits(void);

#endif /* VTDTEST_BOOT_CPU_H */
