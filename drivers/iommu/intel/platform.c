// SPDX-License-Identifier: GPL-2.0
#include "boot/memmap.h"
#include "drivers/acpi/tables.h"
#include "drivers/iommu/intel/platform.h"
#include "drivers/pci.h"
#include "lib/errno.h"
#include "lib/io.h"
#include "lib/ktap.h"
#include "lib/printf.h"

#define PREENABLE_TIMEOUT_US	100000
/* Any address faults: the root table inject=preenable sets is empty. */
#define IRTA_S_ONE_PAGE		7	/* 2^(S + 1) = 256 16-byte entries */
#define PREENABLE_DESC_SHIFT	4	/* IQA.DW clear: 128-bit descriptors */
#define PREENABLE_WAIT_DATA	0x600d

static struct dmar_table dmar;
static bool dmar_present;
static const char *dmar_problem;
static struct intel_iommu units[IOMMU_MAX_UNITS];
static unsigned int nr_units;

static u32 env_pci_read32(void *ctx, u16 seg, u8 bus, u8 devfn, u16 reg)
{
	return pci_read32(seg, bus, devfn, reg);
}

static bool env_mem_is_reserved(void *ctx, u64 base, u64 end)
{
	return memmap_is_reserved(base, end);
}

static u64 env_reg_read64(void *ctx, u64 phys)
{
	return mmio_read64(phys);
}

static struct dmar_env env = {
	.pci_read32 = env_pci_read32,
	.mem_is_reserved = env_mem_is_reserved,
	.reg_read64 = env_reg_read64,
};

/*
 * A unit whose base is 0, unaligned or that reads all ones is not probed;
 * the dmar suite names it. Reading further registers of such a "unit"
 * could touch anything.
 */
static void add_units(void)
{
	for (unsigned int i = 0; i < dmar.nr_drhd && nr_units < IOMMU_MAX_UNITS;
	     i++) {
		const struct dmar_drhd *d = &dmar.drhd[i];
		struct intel_iommu *iommu = &units[nr_units];

		if (!d->base || !IS_ALIGNED(d->base, 4096) ||
		    mmio_read32(d->base + DMAR_VER_REG) == ~0U)
			continue;
		*iommu = (struct intel_iommu){
			.seq = i,
			.reg_phys = d->base,
			/* 8.3: the register set spans 2^Size 4 KiB pages. */
			.reg_size = 4096ULL << (d->size & DMAR_DRHD_SIZE_MASK),
			.segment = d->segment,
			.include_all = d->flags & DMAR_DRHD_INCLUDE_PCI_ALL,
		};
		intel_iommu_probe(iommu);
		nr_units++;
	}
}

static void match_devices(void)
{
	for (unsigned int i = 0; i < pci_device_count(); i++) {
		struct pci_dev *d = pci_device(i);

		d->iommu = dmar_unit_for_device(&dmar, d->segment, d->bus,
						d->devfn);
	}
}

void iommu_platform_init(void)
{
	const struct acpi_table_header *h = acpi_find("DMAR", 0);

	if (!memmap_available())
		env.mem_is_reserved = NULL;
	if (!h)
		return;
	dmar_present = true;
	if (dmar_parse(h, h->length, &dmar) < 0) {
		dmar_problem = "the DMAR header cannot be trusted";
		return;
	}
	dmar_resolve(&dmar, &env);
	add_units();
	match_devices();
}

const struct dmar_table *iommu_platform_dmar(void)
{
	return dmar_present ? &dmar : NULL;
}

const char *iommu_platform_dmar_problem(void)
{
	return dmar_problem;
}

const struct dmar_env *iommu_platform_env(void)
{
	return &env;
}

unsigned int iommu_platform_units(struct intel_iommu **out)
{
	*out = units;
	return nr_units;
}

/* 11.4.4: a one-shot command (SRTP, SIRTP) and the status that latches it. */
static int one_shot(struct intel_iommu *iommu, u32 cmd, u32 status)
{
	u32 gsts = dmar_readl(iommu, DMAR_GSTS_REG);

	dmar_writel(iommu, DMAR_GCMD_REG, (gsts & ~GCMD_ONE_SHOT) | cmd);
	if (hw_poll_timeout(dmar_readl(iommu, DMAR_GSTS_REG) & status,
			    PREENABLE_TIMEOUT_US))
		return 0;
	ktap_diag("inject=preenable: unit %u: GCMD 0x%08x not latched after %u us (GSTS 0x%08x)",
		  iommu->seq, cmd, PREENABLE_TIMEOUT_US,
		  dmar_readl(iommu, DMAR_GSTS_REG));
	return -ETIMEDOUT;
}

static int enable_pmrs(struct intel_iommu *iommu)
{
	if (!(iommu->cap & (CAP_PLMR | CAP_PHMR))) {
		ktap_diag("inject=preenable: unit %u: CAP.PLMR and CAP.PHMR clear: no protected memory regions to enable",
			  iommu->seq);
		return 0;
	}
	dmar_writel(iommu, DMAR_PMEN_REG, PMEN_EPM);
	if (hw_poll_timeout(dmar_readl(iommu, DMAR_PMEN_REG) & PMEN_PRS,
			    PREENABLE_TIMEOUT_US))
		return 0;
	ktap_diag("inject=preenable: unit %u: PMEN.PRS not set after %u us (PMEN 0x%08x)",
		  iommu->seq, PREENABLE_TIMEOUT_US,
		  dmar_readl(iommu, DMAR_PMEN_REG));
	return -ETIMEDOUT;
}

/* The caller's DMA from a device behind the unit, which the table faults. */
static void leave_fault(struct intel_iommu *iommu,
			bool (*fault_dma)(struct intel_iommu *iommu))
{
	u32 fsts;

	if (!fault_dma(iommu))
		return;
	hw_poll_timeout(dmar_readl(iommu, DMAR_FSTS_REG) & FSTS_PPF,
			PREENABLE_TIMEOUT_US);
	fsts = dmar_readl(iommu, DMAR_FSTS_REG);
	ktap_diag("inject=preenable: unit %u: FSTS 0x%08x, %s", iommu->seq,
		  fsts, fsts & FSTS_PPF ? "fault pending" : "no fault recorded");
}

/*
 * What a firmware does once its root table is set: global context-cache
 * and IOTLB invalidations, and a wait for them, which also leaves a wait
 * as the last descriptor (QEMU refuses to disable QI otherwise).
 */
static int flush_queued(struct intel_iommu *iommu, void *queue,
			volatile u32 *status)
{
	const struct qi_desc descs[] = {
		qi_desc_cc(QI_CC_GLOBAL, 0, 0, 0),
		qi_desc_iotlb(QI_IOTLB_GLOBAL, 0, 0, 0, false, 0),
		qi_desc_wait(PREENABLE_WAIT_DATA,
			     hw_virt_to_phys((const void *)status)),
	};
	u64 *q = queue;

	dmar_writel(iommu, DMAR_IQT_REG, 0);
	dmar_writeq(iommu, DMAR_IQA_REG, hw_virt_to_phys(queue));
	if (iommu_gcmd_update(iommu, GCMD_QIE, true))
		return -ETIMEDOUT;
	for (unsigned int i = 0; i < ARRAY_SIZE(descs); i++) {
		q[2 * i] = descs[i].qw0;
		q[2 * i + 1] = descs[i].qw1;
	}
	iommu_flush_line(iommu, q, ARRAY_SIZE(descs) << PREENABLE_DESC_SHIFT);
	dmar_writel(iommu, DMAR_IQT_REG, ARRAY_SIZE(descs) << PREENABLE_DESC_SHIFT);
	if (hw_poll_timeout(*status == PREENABLE_WAIT_DATA, PREENABLE_TIMEOUT_US))
		return 0;
	ktap_diag("inject=preenable: unit %u: invalidation wait not done after %u us (FSTS 0x%08x)",
		  iommu->seq, PREENABLE_TIMEOUT_US,
		  dmar_readl(iommu, DMAR_FSTS_REG));
	return -ETIMEDOUT;
}

/*
 * Plays a platform firmware that hands the unit over enabled: an empty
 * root table, QI, translation, PMRs where offered, a fault pending, and
 * interrupt remapping. The pages stay the "firmware's": never freed.
 */
static int preenable_unit(struct intel_iommu *iommu,
			  bool (*fault_dma)(struct intel_iommu *iommu))
{
	void *root = hw_alloc_pages(1, 1);
	void *queue = hw_alloc_pages(1, 1);
	u32 *status = hw_alloc_pages(1, 1);
	void *irt = hw_alloc_pages(1, 1);
	int ret;

	if (!root || !queue || !status || !irt)
		return -ENOMEM;
	iommu_flush_line(iommu, root, HW_PAGE_SIZE);
	iommu_flush_line(iommu, irt, HW_PAGE_SIZE);
	dmar_writeq(iommu, DMAR_RTADDR_REG, hw_virt_to_phys(root));
	ret = one_shot(iommu, GCMD_SRTP, GSTS_RTPS);
	if (!ret && (iommu->ecap & ECAP_QI))
		ret = flush_queued(iommu, queue, status);
	if (!ret)
		ret = iommu_gcmd_update(iommu, GCMD_TE, true);
	if (!ret)
		ret = enable_pmrs(iommu);
	if (ret)
		return ret;
	leave_fault(iommu, fault_dma);
	/* Last: a completion MSI would meet an empty table. */
	if (iommu->ecap & ECAP_IR) {
		dmar_writeq(iommu, DMAR_IRTA_REG,
			    hw_virt_to_phys(irt) | IRTA_S_ONE_PAGE);
		ret = one_shot(iommu, GCMD_SIRTP, GSTS_IRTPS);
		if (!ret)
			ret = iommu_gcmd_update(iommu, GCMD_IRE, true);
	}
	return ret;
}

void iommu_platform_preenable(bool (*fault_dma)(struct intel_iommu *iommu))
{
	for (unsigned int i = 0; i < nr_units; i++) {
		struct intel_iommu *iommu = &units[i];
		int ret;

		if (iommu->unusable[0])
			continue;
		ret = preenable_unit(iommu, fault_dma);
		ktap_diag("inject=preenable: unit %u: %s: GSTS 0x%08x PMEN 0x%08x FSTS 0x%08x",
			  iommu->seq, ret ? "left half enabled" : "left enabled",
			  dmar_readl(iommu, DMAR_GSTS_REG),
			  dmar_readl(iommu, DMAR_PMEN_REG),
			  dmar_readl(iommu, DMAR_FSTS_REG));
		/* The state at entry is now what this "firmware" left. */
		iommu->entry = (struct iommu_entry_state){ 0 };
		intel_iommu_probe(iommu);
	}
}

static unsigned int pending_faults(const struct intel_iommu *iommu)
{
	u32 base = cap_fault_reg_offset(iommu->cap);
	unsigned int n = 0;

	for (u32 i = 0; i < cap_nr_fault_regs(iommu->cap); i++)
		n += !!(dmar_readq(iommu, base + i * FRCD_LEN + 8) & FRCD_HI_F);
	return n;
}

static int quiesce_unit(struct intel_iommu *iommu)
{
	u32 gsts = dmar_readl(iommu, DMAR_GSTS_REG);
	u32 pmen = dmar_readl(iommu, DMAR_PMEN_REG);
	u32 fsts = dmar_readl(iommu, DMAR_FSTS_REG);
	u32 fectl = dmar_readl(iommu, DMAR_FECTL_REG);
	unsigned int faults = pending_faults(iommu);
	char on[16];
	bool quiet;

	ksnprintf(on, sizeof(on), "%s%s%s%s", gsts & GSTS_TES ? " TE" : "",
		  gsts & GSTS_QIES ? " QI" : "", gsts & GSTS_IRES ? " IR" : "",
		  pmen & PMEN_EPM ? " PMR" : "");
	/*
	 * The takeover's sequence is the way out too: fault event masked,
	 * faults cleared, interrupt remapping, QI, translation and PMRs off.
	 */
	intel_iommu_takeover(iommu);
	ktap_diag("unit %u: at exit: found %s on, %u fault record(s), FSTS 0x%08x, fault event %s",
		  iommu->seq, on[0] ? on + 1 : "nothing", faults, fsts,
		  fectl & FECTL_IM ? "masked" : "unmasked");
	gsts = dmar_readl(iommu, DMAR_GSTS_REG);
	pmen = dmar_readl(iommu, DMAR_PMEN_REG);
	fsts = dmar_readl(iommu, DMAR_FSTS_REG);
	fectl = dmar_readl(iommu, DMAR_FECTL_REG);
	faults = pending_faults(iommu);
	quiet = !(gsts & (GSTS_TES | GSTS_QIES | GSTS_IRES)) &&
		!(pmen & (PMEN_EPM | PMEN_PRS)) && !faults &&
		!(fsts & (FSTS_PFO | FSTS_PPF | FSTS_IQE | FSTS_ICE | FSTS_ITE)) &&
		(fectl & FECTL_IM);
	ktap_diag("unit %u: at exit: %s: GSTS 0x%08x PMEN 0x%08x FSTS 0x%08x FECTL 0x%08x, %u fault record(s)",
		  iommu->seq, quiet ? "left disabled and quiet" : "NOT QUIET",
		  gsts, pmen, fsts, fectl, faults);
	return quiet ? 0 : -EIO;
}

int iommu_platform_quiesce(void)
{
	int ret = 0;

	for (unsigned int i = 0; i < nr_units; i++) {
		if (units[i].unusable[0]) {
			ktap_diag("unit %u: at exit: not touched: %s",
				  units[i].seq, units[i].unusable);
			continue;
		}
		if (quiesce_unit(&units[i]))
			ret = -EIO;
	}
	return ret;
}
