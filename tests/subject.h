/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the DMA suites test: a subject is one remapping unit and one kind
 * of DMA engine behind it. Each unit the run may program is tested once
 * per engine kind found behind it; the first engine of that kind issues
 * the DMA, and the other engines behind the unit are second devices for
 * the cases that need two. A unit with no engine behind it is left
 * untested, and the summary says why. An engine of a kind engines= leaves
 * out is not used at all.
 */
#ifndef VTDTEST_TESTS_SUBJECT_H
#define VTDTEST_TESTS_SUBJECT_H

#include "drivers/engine/engine.h"
#include "drivers/iommu/intel/iommu.h"
#include "lib/cfg.h"

#define SUBJECT_MAX		8
#define SUBJECT_DEVICES		2	/* the engine, and one more */
#define SUBJECT_NAME_LEN	64

struct subject {
	struct intel_iommu *iommu;
	unsigned int nr_eng;
	/* eng[0] issues the DMA; eng[1], if any, is the second device. */
	struct engine *eng[SUBJECT_DEVICES];
	char name[SUBJECT_NAME_LEN];	/* "unit 0, nvme0 00:04.0" */
};

/*
 * Finds the subjects among @units and @engines (each engine's pci->iommu
 * is the index of its unit): every unit cfg allows, every engine kind cfg
 * allows. Returns how many.
 */
unsigned int subjects_init(const struct cfg *cfg, struct intel_iommu *units,
			   unsigned int nr_units, struct engine *engines,
			   unsigned int nr_engines);
unsigned int subject_count(void);
const struct subject *subject_get(unsigned int i);
/* The subject the DMA suites now test; NULL when there is none. */
const struct subject *subject_current(void);
void subject_select(int i);
/*
 * Why unit @u is not tested, or NULL when some subject tests it; for the
 * suites' skip reason and the summary.
 */
const char *subject_untested(const struct intel_iommu *u);
/* Why no subject exists at all, for the DMA suites' skip reason. */
const char *subject_none_reason(void);

#endif /* VTDTEST_TESTS_SUBJECT_H */
