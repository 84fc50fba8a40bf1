/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest inside the firmware, for nested translation: a guest-physical
 * space the nest parent maps onto scattered host pages (never one offset,
 * never identity), and first-stage tables the guest builds in that space,
 * holding guest-physical pointers and written through their host alias.
 * Mixing up a guest-physical and a host-physical address anywhere sends a
 * table walk or a DMA somewhere no mapping covers.
 */
#ifndef VTDTEST_TESTS_GUEST_H
#define VTDTEST_TESTS_GUEST_H

#include "drivers/iommu/intel/nested.h"

/* Above the 512 MiB QEMU gives the machine: no host RAM answers here. */
#define GUEST_GPA_BASE		0x80000000ULL
#define GUEST_TABLE_PAGES	32
#define GUEST_POOL_PAGES	(2 * GUEST_TABLE_PAGES)

/* One VM: its guest-physical space and the nest parent that backs it. */
struct guest_vm {
	struct hwpt_paging *parent;	/* second stage: GPA -> HPA */
	u64 next_gpa;			/* next unused guest page */
};

/* One guest first-stage table tree (one nested domain's pgtbl_addr). */
struct guest {
	struct guest_vm *vm;
	unsigned int levels;		/* first-stage depth, 4 or 5 */
	u64 fs_root_gpa;
	u8 *pool;			/* host pages the tables come from */
	unsigned int nr_tables;
	u64 table_gpa[GUEST_TABLE_PAGES];
	void *table_host[GUEST_TABLE_PAGES];
};

/* First-stage protection, as the guest's own driver would set it. */
#define GUEST_PROT_WRITE	BIT(0)
/*
 * A and D left clear in the leaves and in the tables the call creates, as
 * a guest OS's fresh tables are: the unit must set them as it uses the
 * entries (VT-d 3.6.2), or fault (SFS.9) where its page walks cannot
 * snoop. Without it, A (and D for a writable page) are set ahead.
 */
#define GUEST_AD_CLEAR		BIT(1)
/*
 * Supervisor pages: U/S clear in the leaves, as a guest kernel maps its
 * own memory; the tables above keep U/S set, so the leaf alone decides
 * (VT-d 3.6.1, 9.7).
 */
#define GUEST_SUPERVISOR	BIT(2)

void guest_vm_init(struct guest_vm *vm, struct hwpt_paging *parent);
/* A fresh guest-physical range of @size bytes, aligned to @align. */
u64 guest_reserve(struct guest_vm *vm, u64 size, u64 align);
/* The parent maps [gpa, gpa + size) onto host memory at @hpa. */
int guest_back(struct guest_vm *vm, u64 gpa, u64 hpa, u64 size,
	       unsigned int prot);

int guest_init(struct guest *g, struct guest_vm *vm, unsigned int levels);
void guest_release(struct guest *g);
/*
 * The guest maps [gva, gva + size) to [gpa, gpa + size) in its first
 * stage, with the largest leaves (4K, 2M, 1G) that alignment allows;
 * @prot: GUEST_PROT_WRITE, GUEST_AD_CLEAR, GUEST_SUPERVISOR.
 */
int guest_map(struct guest *g, u64 gva, u64 gpa, u64 size, unsigned int prot);
/* The guest's first-stage entry for @gva at @level, by its host alias. */
u64 *guest_fs_entry(struct guest *g, u64 gva, unsigned int level);
/* The GPA of the table holding that entry. */
u64 guest_fs_table_gpa(struct guest *g, u64 gva, unsigned int level);

#endif /* VTDTEST_TESTS_GUEST_H */
