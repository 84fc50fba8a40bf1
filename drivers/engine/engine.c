// SPDX-License-Identifier: GPL-2.0
/*
 * The engine layer: finds the devices an engine drives, starts each once,
 * and applies the rules every engine shares to its requests.
 */
#include "drivers/engine/engine.h"
#include "lib/errno.h"
#include "lib/ktap.h"
#include "lib/palloc.h"
#include "lib/printf.h"

static const struct engine_ops *const engine_kinds[] = {
	&edu_engine_ops,
	&nvme_engine_ops,
	&xhci_engine_ops,
	&dsa_engine_ops,
};

static struct engine engines[ENGINE_MAX];
static unsigned int nr_engines;
static int start_result[ENGINE_MAX];

static unsigned int instances_of(const struct engine_ops *ops)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < nr_engines; i++)
		n += engines[i].ops == ops;
	return n;
}

static void probe_one(struct pci_dev *pd, const struct engine_ops *ops)
{
	struct engine *e = &engines[nr_engines];

	*e = (struct engine){ .ops = ops, .pci = pd,
			      .sid = pci_source_id(pd) };
	ksnprintf(e->name, sizeof(e->name), "%s%u", ops->kind,
		  instances_of(ops));
	e->own_pages = ops->probe(e);
	nr_engines++;
}

unsigned int engine_probe_all(void)
{
	nr_engines = 0;
	for (unsigned int i = 0; i < pci_device_count(); i++) {
		struct pci_dev *pd = pci_device(i);

		for (unsigned int k = 0; k < ARRAY_SIZE(engine_kinds); k++) {
			if (nr_engines == ENGINE_MAX)
				return nr_engines;
			if (engine_kinds[k]->match(pd)) {
				probe_one(pd, engine_kinds[k]);
				break;
			}
		}
	}
	return nr_engines;
}

unsigned int engine_count(void)
{
	return nr_engines;
}

struct engine *engine_get(unsigned int i)
{
	return i < nr_engines ? &engines[i] : NULL;
}

void engine_retire(struct engine *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
	e->dead = true;
	engine_diag(e, "retired: %s", e->why);
}

int engine_start(struct engine *e)
{
	int *ret = &start_result[e - engines];

	if (e->started)
		return *ret;
	e->started = true;
	if (e->own_pages) {
		/* Never freed: the device may reach it until the end. */
		e->own = pages_alloc_aligned(e->own_pages, 16);
		if (!e->own) {
			engine_retire(e, "no %llu pages for its queues",
				      (unsigned long long)e->own_pages);
			return *ret = -ENOMEM;
		}
	}
	*ret = e->ops->start(e);
	if (*ret)
		engine_retire(e, "bring-up failed (%d)", *ret);
	return *ret;
}

/* What follows a request: recovery after a blocked one, retirement. */
static int finish(struct engine *e, const struct engine_req *r, int ret,
		  const char *what)
{
	int rec;

	if (r->blocked) {
		rec = e->ops->recover(e);
		if (rec)
			engine_retire(e, "no recovery after a blocked %s at 0x%llx (%d)",
				      what, (unsigned long long)r->iova, rec);
		return ret;
	}
	if (ret == -ETIMEDOUT)
		engine_retire(e, "%s of %u bytes at 0x%llx never finished",
			      what, r->len, (unsigned long long)r->iova);
	return ret;
}

static int usable(const struct engine *e, const struct engine_req *r)
{
	if (e->dead || !e->started)
		return -EIO;
	if (r->len < e->min_len || r->len > e->max_len ||
	    r->len > ENGINE_DATA_MAX || !IS_ALIGNED(r->iova, e->align) ||
	    r->len % e->len_unit)
		return -EINVAL;
	if (r->pasid_present && !(e->flags & ENGINE_PASID))
		return -EOPNOTSUPP;
	/* Only a PASID prefix carries the privilege. */
	if (r->priv && !r->pasid_present)
		return -EINVAL;
	if (r->priv && !(e->flags & ENGINE_PRIV))
		return -EOPNOTSUPP;
	return 0;
}

int engine_write_data(struct engine *e, const struct engine_req *r, void *data)
{
	int ret = usable(e, r);

	if (!ret)
		ret = e->ops->write_data(e, r, data);
	if (ret == -ETIMEDOUT)
		engine_retire(e, "learning its data never finished");
	return ret;
}

int engine_write(struct engine *e, const struct engine_req *r)
{
	int ret = usable(e, r);

	return ret ? ret : finish(e, r, e->ops->write(e, r), "write");
}

int engine_read_data(struct engine *e, const struct engine_req *r, void *data)
{
	int ret = usable(e, r);

	if (!ret)
		ret = e->ops->read_data(e, r, data);
	if (ret == -ETIMEDOUT)
		engine_retire(e, "learning its data never finished");
	return ret;
}

int engine_read(struct engine *e, const struct engine_req *r, bool *match)
{
	int ret = usable(e, r);

	*match = false;
	return ret ? ret : finish(e, r, e->ops->read(e, r, match), "read");
}

void engine_quiesce_all(void)
{
	for (unsigned int i = 0; i < nr_engines; i++)
		if (engines[i].started)
			engines[i].ops->quiesce(&engines[i]);
}
