// SPDX-License-Identifier: GPL-2.0
/*
 * Queued invalidation (VT-d spec rev 5.10, 6.5.2). Every submission is
 * synchronous: the descriptors, then a wait descriptor whose status write
 * tells us the unit got past them. Errors the unit reports in FSTS are
 * recovered so the queue keeps working for the tests that follow.
 */
#include "drivers/iommu/intel/iommu.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define QI_DESC_SHIFT_128	4
#define QI_DESC_SHIFT_256	5

static u32 gsts_persistent(const struct intel_iommu *iommu)
{
	return dmar_readl(iommu, DMAR_GSTS_REG) & ~GCMD_ONE_SHOT;
}

/*
 * 11.4.4: GCMD is written whole, so it starts from GSTS with the one-shot
 * bits masked off, and the change is awaited in GSTS.
 */
int iommu_gcmd_update(struct intel_iommu *iommu, u32 bit, bool set)
{
	u32 cmd = gsts_persistent(iommu);

	cmd = set ? cmd | bit : cmd & ~bit;
	dmar_writel(iommu, DMAR_GCMD_REG, cmd);
	if (hw_poll_timeout(!!(dmar_readl(iommu, DMAR_GSTS_REG) & bit) == set,
			    QI_TIMEOUT_US))
		return 0;
	ktap_diag("unit %u: GCMD 0x%08x: GSTS bit 0x%08x still %s after %u us (GSTS 0x%08x)",
		  iommu->seq, cmd, bit, set ? "clear" : "set", QI_TIMEOUT_US,
		  dmar_readl(iommu, DMAR_GSTS_REG));
	return -ETIMEDOUT;
}

int qi_enable(struct intel_iommu *iommu)
{
	struct intel_qi *qi = &iommu->qi;
	bool wide = iommu->ecap & ECAP_SMTS;
	u64 iqa;
	int ret;

	if (!(iommu->ecap & ECAP_QI))
		return -EOPNOTSUPP;
	if (!qi->desc) {
		/* 256 descriptors: one page of 128-bit, two of 256-bit ones. */
		qi->pages = wide ? 2 : 1;
		qi->desc = hw_alloc_pages(qi->pages, qi->pages);
		qi->status = hw_alloc_pages(1, 1);
		if (!qi->desc || !qi->status)
			return -ENOMEM;
	}
	qi->shift = wide ? QI_DESC_SHIFT_256 : QI_DESC_SHIFT_128;
	qi->tail = 0;
	iqa = hw_virt_to_phys(qi->desc) | (wide ? IQA_DW | 1 : 0);
	dmar_writel(iommu, DMAR_IQT_REG, 0);
	dmar_writeq(iommu, DMAR_IQA_REG, iqa);
	ret = iommu_gcmd_update(iommu, GCMD_QIE, true);
	iommu->qi_enabled = !ret;
	return ret;
}

int qi_disable(struct intel_iommu *iommu)
{
	int ret;

	if (!(dmar_readl(iommu, DMAR_GSTS_REG) & GSTS_QIES))
		return 0;
	/* Let the unit finish what is queued; bounded like every wait. */
	if (!hw_poll_timeout(dmar_readl(iommu, DMAR_IQT_REG) ==
			     dmar_readl(iommu, DMAR_IQH_REG), QI_TIMEOUT_US))
		ktap_diag("unit %u: queue not drained: IQH %u IQT %u FSTS 0x%08x",
			  iommu->seq,
			  dmar_readl(iommu, DMAR_IQH_REG) >> iommu->qi.shift,
			  dmar_readl(iommu, DMAR_IQT_REG) >> iommu->qi.shift,
			  dmar_readl(iommu, DMAR_FSTS_REG));
	ret = iommu_gcmd_update(iommu, GCMD_QIE, false);
	if (!ret)
		iommu->qi_enabled = false;
	return ret;
}

static struct qi_desc *slot(struct intel_qi *qi, unsigned int i)
{
	return (struct qi_desc *)((u8 *)qi->desc + ((i % QI_LENGTH) << qi->shift));
}

static void print_desc(const struct intel_iommu *iommu, const struct qi_desc *d)
{
	if (!vtd_verbose)
		return;
	if (iommu->qi.shift == QI_DESC_SHIFT_128)
		ktap_diag("qi unit=%u: 0x%016llx 0x%016llx", iommu->seq,
			  (unsigned long long)d->qw0, (unsigned long long)d->qw1);
	else
		ktap_diag("qi unit=%u: 0x%016llx 0x%016llx 0x%016llx 0x%016llx",
			  iommu->seq, (unsigned long long)d->qw0,
			  (unsigned long long)d->qw1, (unsigned long long)d->qw2,
			  (unsigned long long)d->qw3);
}

static void put_desc(struct intel_qi *qi, unsigned int i, const struct qi_desc *d)
{
	memcpy(slot(qi, i), d, 1U << qi->shift);
}

/*
 * 6.5.2.10: on IQE the head stays on the bad descriptor and the queue
 * stops. Like Linux, replace it with a harmless wait descriptor and clear
 * IQE. IQT is written again (same value) because QEMU only fetches on an
 * IQT write; hardware that resumes on its own sees no change.
 */
static void recover_iqe(struct intel_iommu *iommu, unsigned int first,
			unsigned int n, struct qi_error *err)
{
	struct intel_qi *qi = &iommu->qi;
	unsigned int head = dmar_readl(iommu, DMAR_IQH_REG) >> qi->shift;
	struct qi_desc nop = qi_desc_wait(0, hw_virt_to_phys((void *)&qi->status[1]));

	err->head = head;
	if ((head - first + QI_LENGTH) % QI_LENGTH < n) {
		memcpy(&err->desc, slot(qi, head), 1U << qi->shift);
		err->have_desc = true;
		put_desc(qi, head, &nop);
	}
	hw_wmb();
	dmar_writel(iommu, DMAR_FSTS_REG, FSTS_IQE);
	dmar_writel(iommu, DMAR_IQT_REG, qi->tail << qi->shift);
}

/*
 * Reads FSTS once. IQE is recovered and the wait goes on (-EINVAL); ITE
 * (pending waits aborted) and ICE end it. Returns the error or 0.
 */
static int check_errors(struct intel_iommu *iommu, unsigned int first,
			unsigned int n, struct qi_error *err)
{
	u32 fsts = dmar_readl(iommu, DMAR_FSTS_REG) &
		   (FSTS_IQE | FSTS_ITE | FSTS_ICE);

	if (!fsts)
		return 0;
	err->fsts |= fsts;
	err->iqer = dmar_readq(iommu, DMAR_IQER_REG);
	if (fsts & FSTS_IQE) {
		recover_iqe(iommu, first, n, err);
		return -EINVAL;
	}
	dmar_writel(iommu, DMAR_FSTS_REG, fsts);
	return fsts & FSTS_ITE ? -ETIMEDOUT : -EIO;
}

struct submission {
	struct intel_iommu *iommu;
	unsigned int first;
	unsigned int n;
	u32 seq;
	int ret;
	struct qi_error *err;
};

/* True once the wait descriptor wrote its status, or an error ended it. */
static bool settled(struct submission *s)
{
	if (s->iommu->qi.status[0] == s->seq)
		return true;
	if (!s->ret)
		s->ret = check_errors(s->iommu, s->first, s->n, s->err);
	return s->ret && s->ret != -EINVAL;
}

static int submit(struct intel_iommu *iommu, const struct qi_desc *descs,
		  unsigned int n, struct qi_error *err)
{
	struct intel_qi *qi = &iommu->qi;
	struct submission s = {
		.iommu = iommu, .first = qi->tail, .n = n, .seq = ++qi->seq,
		.err = err,
	};
	struct qi_desc wait = qi_desc_wait(s.seq, hw_virt_to_phys((void *)qi->status));

	for (unsigned int i = 0; i < n; i++) {
		print_desc(iommu, &descs[i]);
		put_desc(qi, s.first + i, &descs[i]);
	}
	print_desc(iommu, &wait);
	put_desc(qi, s.first + n, &wait);
	qi->tail = (s.first + n + 1) % QI_LENGTH;
	hw_wmb();
	dmar_writel(iommu, DMAR_IQT_REG, qi->tail << qi->shift);
	if (!hw_poll_timeout(settled(&s), QI_TIMEOUT_US))
		return -ETIMEDOUT;
	return s.ret;
}

int qi_submit_sync(struct intel_iommu *iommu, const struct qi_desc *descs,
		   unsigned int n, struct qi_error *err)
{
	struct qi_error scratch;
	int ret;

	if (!err)
		err = &scratch;
	memset(err, 0, sizeof(*err));
	if (!iommu->qi_enabled || n + 2 > QI_LENGTH)
		return -EINVAL;
	ret = submit(iommu, descs, n, err);
	if (ret == -ETIMEDOUT && !err->fsts) {
		err->head = dmar_readl(iommu, DMAR_IQH_REG) >> iommu->qi.shift;
		ktap_diag("unit %u: invalidation wait not done after %u us: IQH %u IQT %u FSTS 0x%08x",
			  iommu->seq, QI_TIMEOUT_US, err->head,
			  dmar_readl(iommu, DMAR_IQT_REG) >> iommu->qi.shift,
			  dmar_readl(iommu, DMAR_FSTS_REG));
	}
	return ret;
}

static const char *const type_names[] = {
	[QI_TYPE_CC] = "context-cache", [QI_TYPE_IOTLB] = "IOTLB",
	[QI_TYPE_DIOTLB] = "device-TLB", [QI_TYPE_IEC] = "interrupt-entry-cache",
	[QI_TYPE_WAIT] = "wait", [QI_TYPE_PIOTLB] = "PASID-IOTLB",
	[QI_TYPE_PC] = "PASID-cache", [QI_TYPE_PDIOTLB] = "PASID-device-TLB",
};

void qi_desc_describe(const struct qi_desc *d, char *buf, size_t len)
{
	u64 type = d->qw0 & QI_TYPE_MASK;
	const char *name = type < ARRAY_SIZE(type_names) && type_names[type] ?
			   type_names[type] : "unknown";

	ksnprintf(buf, len, "%s gran=%llu did=%llu pasid=%llu qw0=0x%016llx qw1=0x%016llx qw2=0x%016llx qw3=0x%016llx",
		  name, (unsigned long long)((d->qw0 & QI_GRAN_MASK) >> QI_GRAN_SHIFT),
		  (unsigned long long)((d->qw0 & QI_DID_MASK) >> QI_DID_SHIFT),
		  (unsigned long long)((d->qw0 & QI_PASID_MASK) >> QI_PASID_SHIFT),
		  (unsigned long long)d->qw0, (unsigned long long)d->qw1,
		  (unsigned long long)d->qw2, (unsigned long long)d->qw3);
}

void qi_print_error(const struct intel_iommu *iommu, const struct qi_error *err)
{
	char buf[192];

	ktap_diag("unit %u: queued invalidation error FSTS%s%s%s IQER 0x%016llx (IQEI %llu ITESID 0x%04llx ICESID 0x%04llx) at descriptor %u",
		  iommu->seq, err->fsts & FSTS_IQE ? " IQE" : "",
		  err->fsts & FSTS_ITE ? " ITE" : "",
		  err->fsts & FSTS_ICE ? " ICE" : "",
		  (unsigned long long)err->iqer,
		  (unsigned long long)(err->iqer & IQER_IQEI_MASK),
		  (unsigned long long)(err->iqer >> IQER_ITESID_SHIFT & 0xffff),
		  (unsigned long long)(err->iqer >> IQER_ICESID_SHIFT & 0xffff),
		  err->head);
	if (err->have_desc) {
		qi_desc_describe(&err->desc, buf, sizeof(buf));
		ktap_diag("unit %u: offending descriptor: %s", iommu->seq, buf);
	}
}
