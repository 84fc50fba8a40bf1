// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt dispatch. Device vectors go to their handlers; an exception
 * nobody expected prints everything needed to find it and ends the run as a
 * crash: never a silent reset.
 */
#include "boot/cpu.h"
#include "boot/platform.h"
#include "boot/screen.h"
#include "drivers/engine/engine.h"
#include "drivers/iommu/intel/platform.h"
#include "drivers/lapic.h"
#include "lib/io.h"
#include "lib/printf.h"
#include "tests/runner.h"

static struct {
	irq_handler_t fn;
	void *data;
} handlers[NR_VECTORS];

static int expected_vector = -1;
static unsigned int expected_hits;
static bool in_exception;

static const char *const exception_names[NR_EXCEPTIONS] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode",
	"#NM device not available", "#DF double fault",
	"coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved 15",
	"#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD error", "#VE virtualization", "#CP control protection",
	"reserved 22", "reserved 23", "reserved 24", "reserved 25",
	"reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved 31",
};

unsigned int irq_alloc_vector(irq_handler_t fn, void *data)
{
	for (unsigned int v = FIRST_DEVICE_VECTOR; v < SPURIOUS_VECTOR; v++) {
		if (!handlers[v].fn) {
			handlers[v].fn = fn;
			handlers[v].data = data;
			return v;
		}
	}
	return 0;
}

void irq_free_vector(unsigned int vector)
{
	if (vector >= FIRST_DEVICE_VECTOR && vector < NR_VECTORS)
		handlers[vector].fn = NULL;
}

void exception_expect(unsigned int vector)
{
	expected_vector = vector;
	expected_hits = 0;
}

unsigned int exception_expected_hits(void)
{
	return expected_hits;
}

static void dump_frame(const struct irq_frame *f)
{
	kprintf("# EXCEPTION vector %llu (%s) error code 0x%llx\n",
		(unsigned long long)f->vector, exception_names[f->vector],
		(unsigned long long)f->error_code);
	kprintf("# RIP %016llx CS %04llx RFLAGS %016llx\n",
		(unsigned long long)f->rip, (unsigned long long)f->cs,
		(unsigned long long)f->rflags);
	kprintf("# RSP %016llx SS %04llx CR2 %016llx CR3 %016llx\n",
		(unsigned long long)f->rsp, (unsigned long long)f->ss,
		(unsigned long long)read_cr2(),
		(unsigned long long)read_cr3());
	kprintf("# RAX %016llx RBX %016llx RCX %016llx RDX %016llx\n",
		(unsigned long long)f->rax, (unsigned long long)f->rbx,
		(unsigned long long)f->rcx, (unsigned long long)f->rdx);
	kprintf("# RSI %016llx RDI %016llx RBP %016llx R8  %016llx\n",
		(unsigned long long)f->rsi, (unsigned long long)f->rdi,
		(unsigned long long)f->rbp, (unsigned long long)f->r8);
	kprintf("# R9  %016llx R10 %016llx R11 %016llx R12 %016llx\n",
		(unsigned long long)f->r9, (unsigned long long)f->r10,
		(unsigned long long)f->r11, (unsigned long long)f->r12);
	kprintf("# R13 %016llx R14 %016llx R15 %016llx\n",
		(unsigned long long)f->r13, (unsigned long long)f->r14,
		(unsigned long long)f->r15);
	kprintf("# image base %016llx (RIP - base = %llx)\n",
		(unsigned long long)platform_image_base(),
		(unsigned long long)(f->rip - platform_image_base()));
}

static __noreturn void fatal_exception(const struct irq_frame *f)
{
	if (in_exception) {
		/* The report itself faulted: leave with what we have. */
		kprintf("# EXCEPTION vector %llu while reporting an exception\n",
			(unsigned long long)f->vector);
		platform_exit(EXIT_CRASH);
	}
	in_exception = true;
	dump_frame(f);
	/* A crash is an end too: no device busy, no unit left translating. */
	engine_quiesce_all();
	iommu_platform_quiesce();
	runner_abort("CPU exception %llu (%s) at RIP 0x%llx",
		     (unsigned long long)f->vector, exception_names[f->vector],
		     (unsigned long long)f->rip);
	/* The screen tells it too; a fault while drawing ends above. */
	screen_show_result(false);
	platform_exit(EXIT_CRASH);
}

void interrupt_dispatch(struct irq_frame *f)
{
	unsigned int v = f->vector;

	if (v < NR_EXCEPTIONS) {
		if ((int)v == expected_vector) {
			expected_hits++;
			return;
		}
		fatal_exception(f);
	}
	if (v == SPURIOUS_VECTOR)
		return;
	if (handlers[v].fn)
		handlers[v].fn(v, handlers[v].data);
	else
		kprintf("# unexpected interrupt on vector %u\n", v);
	lapic_eoi();
}
