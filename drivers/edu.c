// SPDX-License-Identifier: GPL-2.0
#include "boot/cpu.h"
#include "drivers/edu.h"
#include "drivers/lapic.h"
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
#define EDU_CMD_IRQ		BIT(2)	/* raise an interrupt when done */
#define EDU_BUF_OFFSET		0x40000ULL

/* qemu/patches 0005: the PASID the next DMAs carry. */
#define EDU_PASID		0xa0
#define EDU_PASID_MASK		GENMASK_ULL(19, 0)
#define EDU_PASID_NOT_ISSUED	BIT(30)
#define EDU_PASID_ENABLE	BIT(31)

/* PCI 3.0 6.8.1: MSI capability, 64-bit message address. */
#define PCI_CAP_ID_MSI		0x05
#define PCI_MSI_FLAGS		0x02
#define PCI_MSI_FLAGS_ENABLE	BIT(0)
#define PCI_MSI_FLAGS_64BIT	BIT(7)
#define PCI_MSI_ADDR_LO		0x04
#define PCI_MSI_ADDR_HI		0x08
#define PCI_MSI_DATA_32		0x08
#define PCI_MSI_DATA_64		0x0c
/* Intel SDM Vol. 3A 11.11.1: fixed, physical destination. */
#define MSI_ADDR_BASE		0xfee00000U
#define MSI_ADDR_DEST_SHIFT	12

/* PCIe 6.0 7.8.8: PASID control register, PASID Enable. */
#define PCI_PASID_CTRL		0x06
#define PCI_PASID_CTRL_ENABLE	BIT(0)

static void completed(unsigned int vector, void *data)
{
	struct edu *e = data;

	hw_write32(e->bar + EDU_IRQ_ACK, hw_read32(e->bar + EDU_IRQ_STATUS));
	e->irqs++;
}

/* An MSI to this CPU: the DMA wait can then halt instead of spinning. */
static void setup_msi(struct edu *e)
{
	struct pci_dev *d = e->pci;
	u8 cap = pci_find_capability(d, PCI_CAP_ID_MSI);
	u16 flags;

	if (!cap || !(e->vector = irq_alloc_vector(completed, e)))
		return;
	flags = pci_read16(d->segment, d->bus, d->devfn, cap + PCI_MSI_FLAGS);
	pci_write32(d->segment, d->bus, d->devfn, cap + PCI_MSI_ADDR_LO,
		    MSI_ADDR_BASE | (lapic_id() & 0xff) << MSI_ADDR_DEST_SHIFT);
	if (flags & PCI_MSI_FLAGS_64BIT) {
		pci_write32(d->segment, d->bus, d->devfn, cap + PCI_MSI_ADDR_HI, 0);
		pci_write16(d->segment, d->bus, d->devfn, cap + PCI_MSI_DATA_64,
			    e->vector);
	} else {
		pci_write16(d->segment, d->bus, d->devfn, cap + PCI_MSI_DATA_32,
			    e->vector);
	}
	pci_write16(d->segment, d->bus, d->devfn, cap + PCI_MSI_FLAGS,
		    flags | PCI_MSI_FLAGS_ENABLE);
}

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
	if (hw_read32(e->bar + EDU_LIVENESS) != ~0x5a5aa5a5U)
		return -EIO;
	/* Once per device: the vector and MSI stay for the whole run. */
	if (!e->vector)
		setup_msi(e);
	return 0;
}

struct dma_wait {
	struct edu *e;
	unsigned int irqs;
};

static bool dma_done(void *arg)
{
	struct dma_wait *w = arg;

	return w->e->irqs != w->irqs ||
	       !(hw_read64(w->e->bar + EDU_DMA_CMD) & EDU_CMD_RUN);
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
	if (e->dead)
		return -EIO;
	hw_write64(e->bar + EDU_DMA_SRC, to_ram ? buf : addr);
	hw_write64(e->bar + EDU_DMA_DST, to_ram ? addr : buf);
	hw_write64(e->bar + EDU_DMA_CNT, len);
	if (e->vector) {
		struct dma_wait w = { .e = e, .irqs = e->irqs };

		hw_write64(e->bar + EDU_DMA_CMD, EDU_CMD_RUN | EDU_CMD_IRQ |
			   (to_ram ? EDU_CMD_TO_RAM : 0));
		if (lapic_halt_until(dma_done, &w, EDU_DMA_TIMEOUT_US) &&
		    !(hw_read64(e->bar + EDU_DMA_CMD) & EDU_CMD_RUN))
			return 0;
	} else {
		hw_write64(e->bar + EDU_DMA_CMD, EDU_CMD_RUN |
			   (to_ram ? EDU_CMD_TO_RAM : 0));
		if (hw_poll_timeout(!(hw_read64(e->bar + EDU_DMA_CMD) & EDU_CMD_RUN),
				    EDU_DMA_TIMEOUT_US))
			return 0;
	}
	e->dead = true;
	ktap_diag("edu %02x:%02x.%u: DMA %s 0x%llx len %u not done after %u us (cmd 0x%llx); device retired",
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
