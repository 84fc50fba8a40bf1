; SPDX-License-Identifier: GPL-2.0
;
; Low-level entry points: the switch to the kernel stack, the GDT reload and
; one stub per interrupt vector. Every stub builds the same frame
; (struct irq_frame in boot/cpu.h) and calls interrupt_dispatch().
;
; The image is position independent (GNU-EFI relocates it at load time), so
; code uses RIP-relative addressing only.

bits 64
default rel

section .text

extern interrupt_dispatch

; void boot_switch_stack(u64 stack_top, void (*fn)(struct boot_info *),
;			 struct boot_info *arg)   [System V ABI]
global boot_switch_stack
boot_switch_stack:
	mov rsp, rdi
	xor rbp, rbp
	mov rdi, rdx
	call rsi
.hang:	; fn never returns; stop here if it does
	cli
	hlt
	jmp .hang

; void cpu_load_gdt(const struct desc_ptr *gdtr, u16 code_sel, u16 data_sel)
global cpu_load_gdt
cpu_load_gdt:
	lgdt [rdi]
	mov ds, dx
	mov es, dx
	mov ss, dx
	xor eax, eax
	mov fs, ax
	mov gs, ax
	; reload CS with a far return to the next instruction
	lea rax, [.reloaded]
	push rsi
	push rax
	retfq
.reloaded:
	ret

; Vectors whose exceptions push an error code (Intel SDM Vol. 3A, 6.13).
%macro ISR 1
isr_%1:
%if %1 == 8 || %1 == 10 || %1 == 11 || %1 == 12 || %1 == 13 || %1 == 14 || %1 == 17 || %1 == 21 || %1 == 29 || %1 == 30
	push qword %1
%else
	push qword 0
	push qword %1
%endif
	jmp isr_common
%endmacro

%assign v 0
%rep 256
ISR v
%assign v v + 1
%endrep

; The CPU aligns RSP to 16 before pushing its 40-byte frame; with the
; error code, the vector and fifteen registers the total is 176 bytes, so
; RSP is 16-byte aligned at the call.
isr_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	cld
	mov rdi, rsp
	call interrupt_dispatch
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16
	iretq

section .data
align 8
global isr_stubs
isr_stubs:
%assign v 0
%rep 256
	dq isr_ %+ v
%assign v v + 1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
