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

	/* 6.5.2: nothing is fetched while IQE or ITE is pending. */
	if (!(reg32(v, DMAR_GSTS_REG) & GSTS_QIES) || !ring ||
	    (v->fsts & (FSTS_IQE | FSTS_ITE)))
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
		if (v->reject_count &&
		    (d.qw0 & QI_TYPE_BITS) == v->reject_type) {
			v->reject_count--;
			v->fsts |= FSTS_IQE;
			set_reg32(v, DMAR_FSTS_REG, v->fsts);
			break;		/* the head stays on it */
		}
		if (v->fetched)
			v->fetched(v, &d);
		if ((d.qw0 & QI_TYPE_BITS) == WAIT_TYPE)
			run_wait(&d);
	}
	set_reg64(v, DMAR_IQH_REG, (u64)head << shift);
}

/* 11.4.6: the command is recorded and done at once (ICC or IVT clear). */
static void reg_inval(struct fake_vtd *v, u32 off, u64 cmd, u64 busy)
{
	u32 iro = ecap_iotlb_offset(reg64(v, DMAR_ECAP_REG));

	if (!(cmd & busy))
		return;
	if (v->nr_reg == FAKE_VTD_MAX_REG)
		unit_failed(__FILE__, __LINE__, "more than %u register invalidations",
			    FAKE_VTD_MAX_REG);
	else
		v->reg[v->nr_reg++] = (struct fake_reg_inval){
			.reg = off, .cmd = cmd,
			.iva = off == iro + 8 ? reg64(v, iro) : 0,
		};
	set_reg64(v, off, cmd & ~busy);
}

static void on_write(void *ctx, u32 off, u64 val, unsigned int size)
{
	struct fake_vtd *v = ctx;
	u32 iro = ecap_iotlb_offset(reg64(v, DMAR_ECAP_REG));

	if (off == DMAR_GCMD_REG)
		gcmd_written(v, val);
	else if (off == DMAR_IQT_REG)
		iqt_written(v, val);
	else if (off == DMAR_CCMD_REG)
		reg_inval(v, off, val, BIT_ULL(63));	/* ICC */
	else if (off == iro + 8)
		reg_inval(v, off, val, BIT_ULL(63));	/* IVT */
	else if (off == DMAR_FSTS_REG) {
		v->fsts &= ~(u32)val;			/* RW1CS */
		set_reg32(v, DMAR_FSTS_REG, v->fsts);
	}
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
	v->nr_reg = 0;
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

void fake_vtd_expect(const struct fake_vtd *v, const u64 (*want)[2],
		     unsigned int n)
{
	struct qi_desc got[FAKE_VTD_MAX_DESCS];
	unsigned int nr = fake_vtd_descs(v, got, FAKE_VTD_MAX_DESCS);

	EXPECT_U64(nr, n);
	for (unsigned int i = 0; i < n && i < nr; i++) {
		EXPECT_U64(got[i].qw0, want[i][0]);
		EXPECT_U64(got[i].qw1, want[i][1]);
		EXPECT_U64(got[i].qw2, 0);
		EXPECT_U64(got[i].qw3, 0);
	}
}

unsigned int fake_vtd_submissions(const struct fake_vtd *v)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < v->nr_descs; i++)
		n += (v->descs[i].qw0 & QI_TYPE_BITS) == WAIT_TYPE;
	return n;
}
