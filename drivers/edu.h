/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QEMU's edu device (1234:11e8, docs/specs/edu.rst) as a DMA engine: a
 * 4 KiB buffer at device offset 0x40000 moved to or from a bus address.
 */
#ifndef VTDTEST_DRIVERS_EDU_H
#define VTDTEST_DRIVERS_EDU_H

#include "drivers/pci.h"

#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8
#define EDU_BUF_SIZE		4096
#define EDU_DMA_TIMEOUT_US	2000000	/* 20x the device's 100 ms */

struct edu {
	struct pci_dev *pci;
	u64 bar;
	u16 sid;
	u16 pasid_cap;		/* PASID capability offset, 0: none */
	unsigned int vector;	/* completion MSI, 0: polled */
	volatile unsigned int irqs;
	bool dead;		/* a DMA never finished: it may still land */
};

/*
 * Finds BAR0, enables memory decoding and bus mastering, checks the ID,
 * and routes the DMA completion to an MSI on this CPU when it can.
 */
int edu_init(struct edu *e, struct pci_dev *pci);
/*
 * Moves @len bytes between the device buffer and bus address @addr:
 * @to_ram writes the buffer to @addr, otherwise reads @addr into it.
 * Returns 0, or -ETIMEDOUT with a diagnostic when the device never
 * finished; from then on the device is not used (-EIO), since that DMA
 * may still land, and the caller must not reuse its memory.
 */
int edu_dma(struct edu *e, u64 addr, u32 len, bool to_ram);
/*
 * The same as a request with PASID @pasid: only the project's patched edu
 * (qemu/patches) can, after edu_enable_pasid(). -EIO when the device says
 * it did not issue the request.
 */
int edu_dma_pasid(struct edu *e, u64 addr, u32 len, bool to_ram, u32 pasid);
/* Sets PASID Enable in the PASID capability; -ENODEV without one. */
int edu_enable_pasid(struct edu *e);

#endif /* VTDTEST_DRIVERS_EDU_H */
