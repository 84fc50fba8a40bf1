// SPDX-License-Identifier: GPL-2.0
/*
 * Capability decoding and the sanity rules a unit's CAP and ECAP must obey
 * (VT-d spec rev 5.10, 11.4.2 and 11.4.3).
 */
#include "drivers/iommu/intel/iommu.h"
#include "lib/printf.h"

struct named_bit {
	const char *name;
	u64 mask;
};

static const struct named_bit cap_bits[] = {
	{ "AFL", CAP_AFL }, { "RWBF", CAP_RWBF }, { "PLMR", CAP_PLMR },
	{ "PHMR", CAP_PHMR }, { "CM", CAP_CM }, { "ZLR", CAP_ZLR },
	{ "PSI", CAP_PSI }, { "DWD", CAP_DWD }, { "DRD", CAP_DRD },
	{ "FS1GP", CAP_FS1GP }, { "PI", CAP_PI }, { "FS5LP", CAP_FS5LP },
	{ "ECMDS", CAP_ECMDS }, { "ESIRTPS", CAP_ESIRTPS },
	{ "ESRTPS", CAP_ESRTPS },
};

static const struct named_bit ecap_bits[] = {
	{ "C", ECAP_C }, { "QI", ECAP_QI }, { "DT", ECAP_DT },
	{ "IR", ECAP_IR }, { "EIM", ECAP_EIM }, { "PT", ECAP_PT },
	{ "SC", ECAP_SC }, { "MTS", ECAP_MTS }, { "NEST", ECAP_NEST },
	{ "PRS", ECAP_PRS }, { "ERS", ECAP_ERS }, { "SRS", ECAP_SRS },
	{ "NWFS", ECAP_NWFS }, { "EAFS", ECAP_EAFS }, { "PASID", ECAP_PASID },
	{ "DIT", ECAP_DIT }, { "PDS", ECAP_PDS }, { "SMTS", ECAP_SMTS },
	{ "VCS", ECAP_VCS }, { "SSADS", ECAP_SSADS }, { "SSTS", ECAP_SSTS },
	{ "FSTS", ECAP_FSTS }, { "SMPWC", ECAP_SMPWC }, { "RPS", ECAP_RPS },
	{ "PMS", ECAP_PMS }, { "RPRIVS", ECAP_RPRIVS },
};

static size_t names(u64 v, const struct named_bit *bits, unsigned int n,
		    char *buf, size_t len, size_t pos)
{
	for (unsigned int i = 0; i < n; i++) {
		if (!(v & bits[i].mask) || pos >= len)
			continue;
		pos += ksnprintf(buf + pos, len - pos, "%s%s", pos ? " " : "",
				 bits[i].name);
	}
	return pos;
}

void vtd_cap_names(u64 cap, char *buf, size_t len)
{
	size_t pos;

	pos = ksnprintf(buf, len, "ND=%u SAGAW=0x%x MGAW=%u FRO=0x%x NFR=%u SLLPS=0x%x MAMV=%u",
			(unsigned int)(cap & CAP_ND_MASK), cap_sagaw(cap),
			cap_mgaw(cap), cap_fault_reg_offset(cap),
			cap_nr_fault_regs(cap),
			(unsigned int)((cap & CAP_SLLPS_MASK) >> CAP_SLLPS_SHIFT),
			(unsigned int)((cap & CAP_MAMV_MASK) >> CAP_MAMV_SHIFT));
	names(cap, cap_bits, ARRAY_SIZE(cap_bits), buf, len, MIN(pos, len));
}

void vtd_ecap_names(u64 ecap, char *buf, size_t len)
{
	size_t pos;

	pos = ksnprintf(buf, len, "IRO=0x%x PSS=%u MHMV=%u",
			ecap_iotlb_offset(ecap), ecap_pss(ecap),
			(unsigned int)((ecap & ECAP_MHMV_MASK) >> ECAP_MHMV_SHIFT));
	names(ecap, ecap_bits, ARRAY_SIZE(ecap_bits), buf, len, MIN(pos, len));
}

/* Capability pairs where the first needs the second (11.4.3). */
static const struct {
	u64 feature;
	u64 requires;
	const char *rule;
} ecap_rules[] = {
	{ ECAP_IR, ECAP_QI, "IR requires QI" },
	{ ECAP_DT, ECAP_QI, "DT requires QI" },
	{ ECAP_EIM, ECAP_IR, "EIM requires IR" },
	{ ECAP_NEST, ECAP_FSTS | ECAP_SSTS,
	  "NEST requires both FSTS and SSTS" },
};

void intel_iommu_check_caps(struct ktap_case *c,
			    const struct intel_iommu *iommu)
{
	u64 cap = iommu->cap, ecap = iommu->ecap;
	u64 fault_end = cap_fault_reg_offset(cap) +
			(u64)cap_nr_fault_regs(cap) * FRCD_LEN;
	u64 iotlb_end = ecap_iotlb_offset(ecap) + 16;

	if ((cap & CAP_ND_MASK) > 6)
		ktap_fail(c, "unit %u: CAP.ND=%u is reserved", iommu->seq,
			  (unsigned int)(cap & CAP_ND_MASK));
	if (!cap_sagaw(cap) && !(ecap & ECAP_SMTS))
		ktap_fail(c, "unit %u: SAGAW is 0: no second-stage table depth",
			  iommu->seq);
	if (cap_mgaw(cap) < 12 || cap_mgaw(cap) > 64)
		ktap_fail(c, "unit %u: MGAW %u is outside 12..64", iommu->seq,
			  cap_mgaw(cap));
	if (fault_end > iommu->reg_size)
		ktap_fail(c, "unit %u: fault recording registers end at 0x%llx, beyond the 0x%llx-byte register set",
			  iommu->seq, (unsigned long long)fault_end,
			  (unsigned long long)iommu->reg_size);
	if (iotlb_end > iommu->reg_size)
		ktap_fail(c, "unit %u: IOTLB registers end at 0x%llx, beyond the 0x%llx-byte register set",
			  iommu->seq, (unsigned long long)iotlb_end,
			  (unsigned long long)iommu->reg_size);
	for (unsigned int i = 0; i < ARRAY_SIZE(ecap_rules); i++) {
		if ((ecap & ecap_rules[i].feature) &&
		    (ecap & ecap_rules[i].requires) != ecap_rules[i].requires)
			ktap_fail(c, "unit %u: %s (ECAP 0x%016llx)", iommu->seq,
				  ecap_rules[i].rule, (unsigned long long)ecap);
	}
}

/*
 * Features every unit must share, because Linux makes one decision for the
 * whole system: scalable mode, PASID, nesting, the translation stages, and
 * the page-table depths and widths a domain may span units with.
 */
static const struct named_bit must_agree_ecap[] = {
	{ "SMTS", ECAP_SMTS }, { "PASID", ECAP_PASID }, { "NEST", ECAP_NEST },
	{ "FSTS", ECAP_FSTS }, { "SSTS", ECAP_SSTS }, { "PT", ECAP_PT },
	{ "QI", ECAP_QI }, { "IR", ECAP_IR }, { "EIM", ECAP_EIM },
};

static const struct named_bit must_agree_cap[] = {
	{ "SAGAW", CAP_SAGAW_MASK }, { "MGAW", CAP_MGAW_MASK },
	{ "FS1GP", CAP_FS1GP }, { "FS5LP", CAP_FS5LP },
	{ "SLLPS", CAP_SLLPS_MASK },
};

void intel_iommu_check_agree(struct ktap_case *c,
			     const struct intel_iommu *units,
			     unsigned int nr)
{
	if (nr < 2) {
		ktap_skip(c, "only one remapping unit");
		return;
	}
	for (unsigned int u = 1; u < nr; u++) {
		for (unsigned int i = 0; i < ARRAY_SIZE(must_agree_ecap); i++) {
			u64 m = must_agree_ecap[i].mask;

			if ((units[0].ecap & m) != (units[u].ecap & m))
				ktap_fail(c, "ECAP.%s differs: unit 0 0x%llx, unit %u 0x%llx",
					  must_agree_ecap[i].name,
					  (unsigned long long)(units[0].ecap & m), u,
					  (unsigned long long)(units[u].ecap & m));
		}
		for (unsigned int i = 0; i < ARRAY_SIZE(must_agree_cap); i++) {
			u64 m = must_agree_cap[i].mask;

			if ((units[0].cap & m) != (units[u].cap & m))
				ktap_fail(c, "CAP.%s differs: unit 0 0x%llx, unit %u 0x%llx",
					  must_agree_cap[i].name,
					  (unsigned long long)(units[0].cap & m), u,
					  (unsigned long long)(units[u].cap & m));
		}
	}
}
