// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU's edu device (1234:11e8, docs/specs/edu.rst) as a DMA engine: a
 * 4 KiB buffer at device offset 0x40000 moved to or from a bus address in
 * one request, with nothing else on the bus. The project's patched edu
 * (qemu/patches) can tag its requests with a PASID.
 */
#include "boot/cpu.h"
#include "drivers/engine/engine.h"
#include "drivers/lapic.h"
#include "lib/errno.h"
#include "lib/hw.h"
#include "lib/ktap.h"
#include "lib/string.h"

#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8
#define EDU_BUF_SIZE		4096
#define EDU_DMA_TIMEOUT_US	2000000	/* 20x the device's 100 ms */

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
#define EDU_PATTERN_TAG		0xed000000U

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

struct edu {
	u64 bar;
	u16 pasid_cap;		/* PASID capability offset, 0: none */
	bool buf_known;		/* buf holds what the device buffer holds */
	u32 seq;		/* tells one pattern from the next */
	u32 buf[EDU_BUF_SIZE / 4];
	u32 expect[EDU_BUF_SIZE / 4];	/* what the next read must find */
};

static struct edu edus[ENGINE_MAX];
static unsigned int nr_edus;

static struct edu *edu_of(const struct engine *e)
{
	return e->priv;
}

static void completed(unsigned int vector, void *data)
{
	struct edu *d = data;

	hw_write32(d->bar + EDU_IRQ_ACK, hw_read32(d->bar + EDU_IRQ_STATUS));
}

/* An MSI to this CPU: the DMA wait can then halt instead of spinning. */
static void setup_msi(struct engine *e)
{
	struct pci_dev *p = e->pci;
	struct edu *d = edu_of(e);
	u8 cap = pci_find_capability(p, PCI_CAP_ID_MSI);
	u16 flags;

	if (!cap || !(e->vector = irq_alloc_vector(completed, d)))
		return;
	flags = pci_read16(p->segment, p->bus, p->devfn, cap + PCI_MSI_FLAGS);
	pci_write32(p->segment, p->bus, p->devfn, cap + PCI_MSI_ADDR_LO,
		    MSI_ADDR_BASE | (lapic_id() & 0xff) << MSI_ADDR_DEST_SHIFT);
	if (flags & PCI_MSI_FLAGS_64BIT) {
		pci_write32(p->segment, p->bus, p->devfn, cap + PCI_MSI_ADDR_HI, 0);
		pci_write16(p->segment, p->bus, p->devfn, cap + PCI_MSI_DATA_64,
			    e->vector);
	} else {
		pci_write16(p->segment, p->bus, p->devfn, cap + PCI_MSI_DATA_32,
			    e->vector);
	}
	pci_write16(p->segment, p->bus, p->devfn, cap + PCI_MSI_FLAGS,
		    flags | PCI_MSI_FLAGS_ENABLE);
}

static bool edu_match(const struct pci_dev *pd)
{
	return pd->vendor == EDU_VENDOR && pd->device == EDU_DEVICE;
}

static u64 edu_probe(struct engine *e)
{
	struct edu *d = &edus[nr_edus++];

	e->priv = d;
	d->bar = pci_bar_address(e->pci, 0);
	d->pasid_cap = pci_find_ext_capability(e->pci, PCI_EXT_CAP_ID_PASID);
	/* Only the patched edu has the capability, and it tags requests. */
	e->flags = d->pasid_cap ? ENGINE_PASID : 0;
	e->min_len = 4;
	e->max_len = EDU_BUF_SIZE;
	e->align = 4;
	e->len_unit = 4;
	return 0;
}

static int edu_start(struct engine *e)
{
	struct pci_dev *p = e->pci;
	struct edu *d = edu_of(e);
	u16 cmd;
	u32 id;

	if (!d->bar) {
		engine_diag(e, "BAR0 is not a memory BAR");
		return -ENODEV;
	}
	cmd = pci_command(p);
	pci_set_command(p, cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	id = hw_read32(d->bar + EDU_ID);
	if ((id & EDU_ID_MAGIC_MASK) != EDU_ID_MAGIC) {
		engine_diag(e, "ID register 0x%08x lacks the edu magic", id);
		return -ENODEV;
	}
	/* The liveness register returns the complement of what was written. */
	hw_write32(d->bar + EDU_LIVENESS, 0x5a5aa5a5U);
	if (hw_read32(d->bar + EDU_LIVENESS) != ~0x5a5aa5a5U) {
		engine_diag(e, "the liveness register does not answer");
		return -EIO;
	}
	/* Linux enables PASID where the device has it; the IOMMU decides. */
	if (d->pasid_cap)
		pci_enable_pasid(e->pci, d->pasid_cap, 0);
	setup_msi(e);
	return 0;
}

static bool running(const struct edu *d)
{
	return hw_read64(d->bar + EDU_DMA_CMD) & EDU_CMD_RUN;
}

/*
 * Done only when the device says so. The MSI only ends the halt: it may be
 * the late one of the DMA before, whose end was read with interrupts off.
 */
static bool dma_done(void *arg)
{
	return !running(arg);
}

/* Moves @len bytes between the buffer and @addr, tagged as @r says. */
static int dma(struct engine *e, const struct engine_req *r, u64 addr, u32 len,
	       bool to_ram)
{
	struct edu *d = edu_of(e);
	u64 buf = EDU_BUF_OFFSET;
	u64 cmd = EDU_CMD_RUN | (to_ram ? EDU_CMD_TO_RAM : 0);
	bool done;

	if (d->pasid_cap)
		hw_write32(d->bar + EDU_PASID, r->pasid_present ?
			   EDU_PASID_ENABLE | (r->pasid & EDU_PASID_MASK) : 0);
	hw_write64(d->bar + EDU_DMA_SRC, to_ram ? buf : addr);
	hw_write64(d->bar + EDU_DMA_DST, to_ram ? addr : buf);
	hw_write64(d->bar + EDU_DMA_CNT, len);
	if (e->vector) {
		hw_write64(d->bar + EDU_DMA_CMD, cmd | EDU_CMD_IRQ);
		done = lapic_halt_until(dma_done, d, EDU_DMA_TIMEOUT_US);
	} else {
		hw_write64(d->bar + EDU_DMA_CMD, cmd);
		done = hw_poll_timeout(!running(d), EDU_DMA_TIMEOUT_US);
	}
	if (!done) {
		engine_diag(e, "DMA %s 0x%llx len %u not done after %u us (cmd 0x%llx)",
			    to_ram ? "to" : "from", (unsigned long long)addr,
			    len, EDU_DMA_TIMEOUT_US,
			    (unsigned long long)hw_read64(d->bar + EDU_DMA_CMD));
		return -ETIMEDOUT;
	}
	if (r->pasid_present &&
	    (hw_read32(d->bar + EDU_PASID) & EDU_PASID_NOT_ISSUED)) {
		engine_diag(e, "DMA with PASID 0x%x was not issued", r->pasid);
		return -EIO;
	}
	return 0;
}

static void fill_pattern(struct edu *d, u32 *w, u32 words)
{
	d->seq++;
	for (u32 i = 0; i < words; i++)
		w[i] = EDU_PATTERN_TAG | (d->seq & 0xff) << 16 | (i & 0xffff);
}

/* A fresh pattern, loaded into the buffer from the scratch page. */
static int edu_write_data(struct engine *e, const struct engine_req *r,
			  void *data)
{
	struct edu *d = edu_of(e);
	int ret;

	if (!d->buf_known) {
		u32 *scratch = phys_to_virt(r->scratch);

		fill_pattern(d, scratch, EDU_BUF_SIZE / 4);
		ret = dma(e, r, r->scratch, EDU_BUF_SIZE, false);
		if (ret)
			return ret;
		memcpy(d->buf, scratch, sizeof(d->buf));
		d->buf_known = true;
	}
	memcpy(data, d->buf, r->len);
	return 0;
}

static int edu_write(struct engine *e, const struct engine_req *r)
{
	return dma(e, r, r->iova, r->len, true);
}

static int edu_read_data(struct engine *e, const struct engine_req *r,
			 void *data)
{
	struct edu *d = edu_of(e);

	fill_pattern(d, d->expect, r->len / 4);
	memcpy(data, d->expect, r->len);
	return 0;
}

/* Reads into the buffer, then writes it to the scratch page to see it. */
static int edu_read(struct engine *e, const struct engine_req *r, bool *match)
{
	struct edu *d = edu_of(e);
	u32 *scratch = phys_to_virt(r->scratch);
	int ret;

	d->buf_known = false;
	ret = dma(e, r, r->iova, r->len, false);
	if (ret)
		return ret;
	memset(scratch, 0, r->len);
	ret = dma(e, r, r->scratch, r->len, true);
	if (ret)
		return ret;
	*match = !memcmp(scratch, d->expect, r->len);
	if (!*match)
		engine_diag(e, "read delivered 0x%08x..., expected 0x%08x...",
			    scratch[0], d->expect[0]);
	return 0;
}

/* A faulting request still completes: a read brings zeros. */
static int edu_recover(struct engine *e)
{
	return running(edu_of(e)) ? -EBUSY : 0;
}

/* edu has no state worth resetting: nothing runs once a DMA is done. */
static void edu_quiesce(struct engine *e)
{
}

const struct engine_ops edu_engine_ops = {
	.kind = "edu",
	.match = edu_match,
	.probe = edu_probe,
	.start = edu_start,
	.write_data = edu_write_data,
	.write = edu_write,
	.read_data = edu_read_data,
	.read = edu_read,
	.recover = edu_recover,
	.quiesce = edu_quiesce,
};
