// SPDX-License-Identifier: GPL-2.0
#include "tests/unit/fake_hw.h"
#include "tests/unit/fake_vtd.h"
#include "tests/unit/unit.h"

/* GSTS bits that follow GCMD as states (11.4.4, 11.4.5). */
#define GSTS_STATES	(GSTS_TES | GSTS_IRES | GSTS_QIES | GSTS_CFIS)
#define QI_TYPE_BITS	0xfULL	/* qw0 bits 3:0 */
#define WAIT_TYPE	5ULL
#define WAIT_SW		(1ULL << 5)

static u32 reg32(const struct fake_vtd *v, u32 off)
{
	u32 x;

	memcpy(&x, v->regs + off, 4);
	return x;
}

static u64 reg64(const struct fake_vtd *v, u32 off)
{
	u64 x;

	memcpy(&x, v->regs + off, 8);
	return x;
}

static void set_reg32(struct fake_vtd *v, u32 off, u32 x)
{
	memcpy(v->regs + off, &x, 4);
}

static void set_reg64(struct fake_vtd *v, u32 off, u64 x)
{
	memcpy(v->regs + off, &x, 8);
}

static void gcmd_written(struct fake_vtd *v, u32 cmd)
{
	u32 gsts = (reg32(v, DMAR_GSTS_REG) & GSTS_RTPS) | (cmd & GSTS_STATES);

	if (cmd & GCMD_SRTP)
		gsts |= GSTS_RTPS;
	/* Enabling QI resets the head (11.4.9.1). */
	if ((cmd & GCMD_QIE) && !(reg32(v, DMAR_GSTS_REG) & GSTS_QIES))
		set_reg64(v, DMAR_IQH_REG, 0);
	set_reg32(v, DMAR_GSTS_REG, gsts);
}

/* 6.5.2.8: a wait descriptor with SW writes its status data. */
static void run_wait(const struct qi_desc *d)
{
	u32 data = d->qw0 >> 32;
	void *status = hw_phys_to_virt(d->qw1 & ~3ULL);

	if (!(d->qw0 & WAIT_SW))
		return;
	if (!status) {
		unit_failed(__FILE__, __LINE__,
			    "wait status address 0x%llx outside the arena",
			    (unsigned long long)d->qw1);
		return;
	}
	memcpy(status, &data, 4);
}

static void iqt_written(struct fake_vtd *v, u64 iqt)
{
	u64 iqa = reg64(v, DMAR_IQA_REG);
	unsigned int shift = iqa & IQA_DW ? 5 : 4;
	unsigned int slots = (HW_PAGE_SIZE << (iqa & IQA_QS_MASK)) >> shift;
	unsigned int head = reg64(v, DMAR_IQH_REG) >> shift;
	unsigned int tail = iqt >> shift;
	u8 *ring = hw_phys_to_virt(iqa & ~0xfffULL);

	if (!(reg32(v, DMAR_GSTS_REG) & GSTS_QIES) || !ring)
		return;
	for (; head != tail; head = (head + 1) % slots) {
		struct qi_desc d = { 0 };

		memcpy(&d, ring + ((u64)head << shift), 1U << shift);
		if (v->nr_descs == FAKE_VTD_MAX_DESCS) {
			unit_failed(__FILE__, __LINE__, "more than %u descriptors",
				    FAKE_VTD_MAX_DESCS);
			break;
		}
		v->descs[v->nr_descs++] = d;
		if (v->fetched)
			v->fetched(v, &d);
		if ((d.qw0 & QI_TYPE_BITS) == WAIT_TYPE)
			run_wait(&d);
	}
	set_reg64(v, DMAR_IQH_REG, (u64)tail << shift);
}

static void on_write(void *ctx, u32 off, u64 val, unsigned int size)
{
	struct fake_vtd *v = ctx;

	if (off == DMAR_GCMD_REG)
		gcmd_written(v, val);
	else if (off == DMAR_IQT_REG)
		iqt_written(v, val);
}

void fake_vtd_init(struct fake_vtd *v, unsigned int seq, u64 cap, u64 ecap,
		   bool scalable)
{
	u64 base = FAKE_VTD_BASE + seq * FAKE_VTD_REG_SIZE;

	memset(v, 0, sizeof(*v));
	v->regs = fake_hw_mmio(base, FAKE_VTD_REG_SIZE, on_write, v);
	set_reg32(v, DMAR_VER_REG, 0x10);
	set_reg64(v, DMAR_CAP_REG, cap);
	set_reg64(v, DMAR_ECAP_REG, ecap);
	v->iommu.seq = seq;
	v->iommu.reg_phys = base;
	v->iommu.reg_size = FAKE_VTD_REG_SIZE;
	intel_iommu_probe(&v->iommu);
	if (intel_iommu_setup(&v->iommu, scalable))
		unit_failed(__FILE__, __LINE__, "intel_iommu_setup failed");
	fake_vtd_clear(v);
}

void fake_vtd_clear(struct fake_vtd *v)
{
	v->nr_descs = 0;
}

unsigned int fake_vtd_descs(const struct fake_vtd *v, struct qi_desc *out,
			    unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < v->nr_descs && n < max; i++)
		if ((v->descs[i].qw0 & QI_TYPE_BITS) != WAIT_TYPE)
			out[n++] = v->descs[i];
	return n;
}

unsigned int fake_vtd_submissions(const struct fake_vtd *v)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < v->nr_descs; i++)
		n += (v->descs[i].qw0 & QI_TYPE_BITS) == WAIT_TYPE;
	return n;
}
