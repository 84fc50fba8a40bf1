// SPDX-License-Identifier: GPL-2.0
#include "drivers/edu.h"
#include "lib/errno.h"
#include "lib/hw.h"
#include "lib/ktap.h"

/* QEMU docs/specs/edu.rst: registers in BAR0. */
#define EDU_ID			0x00
#define EDU_LIVENESS		0x04
#define EDU_DMA_SRC		0x80
#define EDU_DMA_DST		0x88
#define EDU_DMA_CNT		0x90
#define EDU_DMA_CMD		0x98
#define EDU_ID_MAGIC_MASK	0xffU
#define EDU_ID_MAGIC		0xedU
#define EDU_CMD_RUN		BIT(0)
#define EDU_CMD_TO_RAM		BIT(1)	/* buffer to bus address */
#define EDU_BUF_OFFSET		0x40000ULL

/* qemu/patches 0005: the PASID the next DMAs carry. */
#define EDU_PASID		0xa0
#define EDU_PASID_MASK		GENMASK_ULL(19, 0)
#define EDU_PASID_NOT_ISSUED	BIT(30)
#define EDU_PASID_ENABLE	BIT(31)

/* PCIe 6.0 7.8.8: PASID control register, PASID Enable. */
#define PCI_PASID_CTRL		0x06
#define PCI_PASID_CTRL_ENABLE	BIT(0)

int edu_init(struct edu *e, struct pci_dev *pci)
{
	u16 cmd;
	u32 id;

	e->pci = pci;
	e->sid = pci_source_id(pci);
	e->bar = pci_bar_address(pci, 0);
	e->pasid_cap = pci_find_ext_capability(pci, PCI_EXT_CAP_ID_PASID);
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

int edu_enable_pasid(struct edu *e)
{
	struct pci_dev *d = e->pci;
	u16 ctrl;

	if (!e->pasid_cap)
		return -ENODEV;
	ctrl = pci_read16(d->segment, d->bus, d->devfn,
			  e->pasid_cap + PCI_PASID_CTRL);
	pci_write16(d->segment, d->bus, d->devfn, e->pasid_cap + PCI_PASID_CTRL,
		    ctrl | PCI_PASID_CTRL_ENABLE);
	return 0;
}

static int dma(struct edu *e, u64 addr, u32 len, bool to_ram)
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

int edu_dma(struct edu *e, u64 addr, u32 len, bool to_ram)
{
	if (e->pasid_cap)
		hw_write32(e->bar + EDU_PASID, 0);
	return dma(e, addr, len, to_ram);
}

int edu_dma_pasid(struct edu *e, u64 addr, u32 len, bool to_ram, u32 pasid)
{
	int ret;

	if (!e->pasid_cap)
		return -ENODEV;
	hw_write32(e->bar + EDU_PASID, EDU_PASID_ENABLE | (pasid & EDU_PASID_MASK));
	ret = dma(e, addr, len, to_ram);
	if (!ret && (hw_read32(e->bar + EDU_PASID) & EDU_PASID_NOT_ISSUED)) {
		ktap_diag("edu %02x:%02x.%u: DMA with PASID 0x%x was not issued",
			  e->sid >> 8, PCI_SLOT(e->sid & 0xff),
			  PCI_FUNC(e->sid & 0xff), pasid);
		ret = -EIO;
	}
	return ret;
}
