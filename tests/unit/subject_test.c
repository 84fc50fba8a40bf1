// SPDX-License-Identifier: GPL-2.0
/*
 * tests/subject.c: which unit is tested with which engines, over a fake
 * platform of three units with engines behind two of them.
 */
#include "tests/subject.h"
#include "tests/unit/unit.h"

static const struct engine_ops fake_nvme = { .kind = "nvme" };
static const struct engine_ops fake_xhci = { .kind = "xhci" };

static struct intel_iommu units[3];
static struct pci_dev pci[4];
static struct engine engines[4];

/* unit 0: nothing; unit 1: nvme0 and xhci0; unit 2: nvme1 and nvme2. */
static void platform(void)
{
	static const struct {
		const struct engine_ops *ops;
		const char *name;
		u8 bus, devfn;
		int unit;
	} e[] = {
		{ &fake_xhci, "xhci0", 0x00, PCI_DEVFN(0x14, 0), 1 },
		{ &fake_nvme, "nvme0", 0x01, PCI_DEVFN(0, 0), 1 },
		{ &fake_nvme, "nvme1", 0x02, PCI_DEVFN(0, 0), 2 },
		{ &fake_nvme, "nvme2", 0x03, PCI_DEVFN(0, 0), 2 },
	};

	for (unsigned int i = 0; i < 3; i++)
		units[i] = (struct intel_iommu){ .seq = i };
	for (unsigned int i = 0; i < 4; i++) {
		pci[i] = (struct pci_dev){ .bus = e[i].bus,
					   .devfn = e[i].devfn,
					   .iommu = e[i].unit };
		engines[i] = (struct engine){ .ops = e[i].ops, .pci = &pci[i] };
		strcpy(engines[i].name, e[i].name);
	}
}

static void expect_subject(unsigned int i, const char *name, struct engine *first,
			   struct engine *second)
{
	const struct subject *s = subject_get(i);

	EXPECT(s != NULL);
	if (!s)
		return;
	EXPECT_STR(s->name, name);
	EXPECT(s->eng[0] == first);
	EXPECT(s->eng[1] == second);
	EXPECT_U64(s->nr_eng, second ? 2 : 1);
}

UNIT_TEST(subject_every_kind_behind_every_unit)
{
	struct cfg c;

	platform();
	cfg_parse(&c, NULL);
	EXPECT_U64(subjects_init(&c, units, 3, engines, 4), 3);
	expect_subject(0, "unit 1, xhci0 00:14.0", &engines[0], &engines[1]);
	expect_subject(1, "unit 1, nvme0 01:00.0", &engines[1], &engines[0]);
	/* A second engine of the same kind is preferred as the second device. */
	expect_subject(2, "unit 2, nvme1 02:00.0", &engines[2], &engines[3]);
	EXPECT(subject_get(3) == NULL);
	EXPECT_STR(subject_untested(&units[0]), "no DMA engine behind it");
	EXPECT(subject_untested(&units[1]) == NULL);
	EXPECT(subject_untested(&units[2]) == NULL);
	EXPECT(subject_current() == NULL);
	subject_select(2);
	EXPECT(subject_current() == subject_get(2));
}

UNIT_TEST(subject_engines_key)
{
	struct cfg c;

	platform();
	cfg_parse(&c, "engines=xhci\n");
	EXPECT_U64(subjects_init(&c, units, 3, engines, 4), 1);
	/* Left out, nvme0 is not even the second device. */
	expect_subject(0, "unit 1, xhci0 00:14.0", &engines[0], NULL);
	EXPECT_STR(subject_untested(&units[2]),
		   "no engine behind it that engines= in vtdtest.cfg allows");
	EXPECT_STR(subject_untested(&units[0]), "no DMA engine behind it");
}

UNIT_TEST(subject_units_key)
{
	struct cfg c;

	platform();
	cfg_parse(&c, "units=0,2\n");
	EXPECT_U64(subjects_init(&c, units, 3, engines, 4), 1);
	expect_subject(0, "unit 2, nvme1 02:00.0", &engines[2], &engines[3]);
	EXPECT_STR(subject_untested(&units[1]), "excluded by units= in vtdtest.cfg");
	EXPECT_STR(subject_untested(&units[0]), "no DMA engine behind it");
}

UNIT_TEST(subject_none)
{
	struct cfg c;

	platform();
	cfg_parse(&c, NULL);
	EXPECT_U64(subjects_init(&c, units, 0, engines, 0), 0);
	EXPECT_STR(subject_none_reason(), "no remapping unit to test");
	EXPECT_U64(subjects_init(&c, units, 1, engines, 4), 0);
	EXPECT_STR(subject_none_reason(), "unit 0: no DMA engine behind it");
	EXPECT_U64(subjects_init(&c, units, 3, engines, 0), 0);
	EXPECT_STR(subject_none_reason(),
		   "no unit has a DMA engine the run may use behind it (see the summary)");
}
