// SPDX-License-Identifier: GPL-2.0
#include "lib/printf.h"
#include "tests/subject.h"

#define UNTESTED_LEN	96

static struct subject subjects[SUBJECT_MAX];
static unsigned int nr_subjects;
static int current = -1;
static char untested[CFG_MAX_UNITS][UNTESTED_LEN];
static char none_reason[UNTESTED_LEN];

static bool same_kind(const struct engine *a, const struct engine *b)
{
	return a->ops == b->ops;
}

/* Whether an earlier engine of @e's kind sits behind the same unit. */
static bool kind_seen(struct engine *engines, unsigned int i)
{
	for (unsigned int j = 0; j < i; j++)
		if (same_kind(&engines[j], &engines[i]) &&
		    engines[j].pci->iommu == engines[i].pci->iommu)
			return true;
	return false;
}

/* The first other engine cfg allows behind the unit: its own kind first. */
static struct engine *second_device(const struct cfg *cfg,
				    struct engine *engines, unsigned int n,
				    const struct engine *first)
{
	struct engine *other = NULL;

	for (unsigned int j = 0; j < n; j++) {
		struct engine *e = &engines[j];

		if (e == first || e->pci->iommu != first->pci->iommu ||
		    !cfg_engine_allowed(cfg, e->ops->kind))
			continue;
		if (same_kind(e, first))
			return e;
		if (!other)
			other = e;
	}
	return other;
}

static void add_subject(const struct cfg *cfg, struct intel_iommu *u,
			struct engine *engines, unsigned int n, struct engine *e)
{
	struct subject *s = &subjects[nr_subjects++];

	s->iommu = u;
	s->eng[0] = e;
	s->eng[1] = second_device(cfg, engines, n, e);
	s->nr_eng = s->eng[1] ? 2 : 1;
	ksnprintf(s->name, sizeof(s->name), "unit %u, %s %02x:%02x.%u", u->seq,
		  e->name, e->pci->bus, e->pci->devfn >> 3, e->pci->devfn & 7);
}

static bool behind(const struct engine *e, const struct intel_iommu *u)
{
	return e->pci->iommu == (int)u->seq;
}

static unsigned int engines_behind(struct engine *engines, unsigned int n,
				   const struct intel_iommu *u)
{
	unsigned int count = 0;

	for (unsigned int i = 0; i < n; i++)
		count += behind(&engines[i], u);
	return count;
}

/* pci.c records a device's unit as its DRHD order, the unit's seq. */
static void unit_subjects(const struct cfg *cfg, struct intel_iommu *u,
			  struct engine *engines, unsigned int n)
{
	char *why = u->seq < CFG_MAX_UNITS ? untested[u->seq] : NULL;
	unsigned int before = nr_subjects;

	if (!why)
		return;
	if (!cfg_unit_allowed(cfg, u->seq)) {
		ksnprintf(why, UNTESTED_LEN, "excluded by units= in vtdtest.cfg");
		return;
	}
	for (unsigned int i = 0; i < n && nr_subjects < SUBJECT_MAX; i++) {
		if (!behind(&engines[i], u) || kind_seen(engines, i) ||
		    !cfg_engine_allowed(cfg, engines[i].ops->kind))
			continue;
		add_subject(cfg, u, engines, n, &engines[i]);
	}
	if (nr_subjects > before)
		return;
	if (engines_behind(engines, n, u))
		ksnprintf(why, UNTESTED_LEN,
			  "no engine behind it that engines= in vtdtest.cfg allows");
	else
		ksnprintf(why, UNTESTED_LEN, "no DMA engine behind it");
}

unsigned int subjects_init(const struct cfg *cfg, struct intel_iommu *units,
			   unsigned int nr_units, struct engine *engines,
			   unsigned int nr_engines)
{
	nr_subjects = 0;
	current = -1;
	for (unsigned int i = 0; i < CFG_MAX_UNITS; i++)
		untested[i][0] = '\0';
	for (unsigned int i = 0; i < nr_units; i++)
		unit_subjects(cfg, &units[i], engines, nr_engines);
	if (!nr_units)
		ksnprintf(none_reason, sizeof(none_reason),
			  "no remapping unit to test");
	else if (nr_units == 1 && subject_untested(&units[0]))
		ksnprintf(none_reason, sizeof(none_reason), "unit %u: %s",
			  units[0].seq, subject_untested(&units[0]));
	else
		ksnprintf(none_reason, sizeof(none_reason),
			  "no unit has a DMA engine the run may use behind it (see the summary)");
	return nr_subjects;
}

unsigned int subject_count(void)
{
	return nr_subjects;
}

const struct subject *subject_get(unsigned int i)
{
	return i < nr_subjects ? &subjects[i] : NULL;
}

const struct subject *subject_current(void)
{
	return subject_get(current);
}

void subject_select(int i)
{
	current = i;
}

const char *subject_untested(const struct intel_iommu *u)
{
	for (unsigned int i = 0; i < nr_subjects; i++)
		if (subjects[i].iommu == u)
			return NULL;
	return u->seq < CFG_MAX_UNITS && untested[u->seq][0] ?
	       untested[u->seq] : NULL;
}

const char *subject_none_reason(void)
{
	return none_reason;
}
