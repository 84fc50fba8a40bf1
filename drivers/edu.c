// SPDX-License-Identifier: GPL-2.0
#include "drivers/edu.h"
#include "lib/errno.h"
#include "lib/hw.h"
#include "lib/ktap.h"

/* QEMU docs/specs/edu.rst: registers in BAR0. */
#define EDU_ID			0x00
#define EDU_LIVENESS		0x04
#define EDU_IRQ_STATUS		0x24
#define EDU_IRQ_ACK		0x64
#define EDU_DMA_SRC		0x80
#define EDU_DMA_DST		0x88
#define EDU_DMA_CNT		0x90
#define EDU_DMA_CMD		0x98
#define EDU_ID_MAGIC_MASK	0xffU
#define EDU_ID_MAGIC		0xedU
#define EDU_CMD_RUN		BIT(0)
#define EDU_CMD_TO_RAM		BIT(1)	/* buffer to bus address */
#define EDU_CMD_IRQ		BIT(2)
#define EDU_IRQ_DMA		0x100U
#define EDU_BUF_OFFSET		0x40000ULL

int edu_init(struct edu *e, struct pci_dev *pci)
{
	u16 cmd;
	u32 id;

	e->pci = pci;
	e->sid = pci_source_id(pci);
	e->bar = pci_bar_address(pci, 0);
	e->vector = 0;
	if (!e->bar)
		return -ENODEV;
	cmd = pci_read16(pci->segment, pci->bus, pci->devfn, PCI_COMMAND);
	pci_write16(pci->segment, pci->bus, pci->devfn, PCI_COMMAND,
		    cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	id = hw_read32(e->bar + EDU_ID);
	if ((id & EDU_ID_MAGIC_MASK) != EDU_ID_MAGIC)
		return -ENODEV;
	/* The liveness register returns the complement of what was written. */
	hw_write32(e->bar + EDU_LIVENESS, 0x5a5aa5a5U);
	return hw_read32(e->bar + EDU_LIVENESS) == ~0x5a5aa5a5U ? 0 : -EIO;
}

int edu_dma(struct edu *e, u64 addr, u32 len, bool to_ram)
{
	u64 buf = EDU_BUF_OFFSET;

	/* edu only logs an out-of-range transfer and then overruns it. */
	if (!len || len > EDU_BUF_SIZE)
		return -EINVAL;
	hw_write64(e->bar + EDU_DMA_SRC, to_ram ? buf : addr);
	hw_write64(e->bar + EDU_DMA_DST, to_ram ? addr : buf);
	hw_write64(e->bar + EDU_DMA_CNT, len);
	hw_write64(e->bar + EDU_DMA_CMD, EDU_CMD_RUN |
		   (to_ram ? EDU_CMD_TO_RAM : 0));
	if (hw_poll_timeout(!(hw_read64(e->bar + EDU_DMA_CMD) & EDU_CMD_RUN),
			    EDU_DMA_TIMEOUT_US))
		return 0;
	ktap_diag("edu %02x:%02x.%u: DMA %s 0x%llx len %u not done after %u us (cmd 0x%llx)",
		  e->sid >> 8, PCI_SLOT(e->sid & 0xff), PCI_FUNC(e->sid & 0xff),
		  to_ram ? "to" : "from", (unsigned long long)addr, len,
		  EDU_DMA_TIMEOUT_US,
		  (unsigned long long)hw_read64(e->bar + EDU_DMA_CMD));
	return -ETIMEDOUT;
}
