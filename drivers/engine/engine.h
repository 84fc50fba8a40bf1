/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DMA engines: the devices the suites issue DMA with. An engine writes
 * bytes it announced beforehand at an IOVA, or reads bytes at an IOVA and
 * says whether they were the ones it asked for; where the bytes went is
 * judged by the suites, against the reference walker. Each engine is one
 * file behind struct engine_ops, in the manner of Linux's VFIO selftest
 * drivers (tools/testing/selftests/vfio/lib/drivers). No engine knows a
 * test, and the VT-d driver knows no engine.
 *
 * Memory. Besides the IOVA a request names, a device may DMA its own
 * structures: queues, rings, PRP lists, scratchpads. These live in the
 * engine's own region (e->own, e->own_pages pages, allocated by the layer
 * before ->start), and the suites map that region 1:1 (IOVA = physical
 * address) in every domain the device is attached to. A request also
 * carries a scratch region: pages the suites map 1:1 too, where the walker
 * vouches for the translation, for an engine to learn its data through.
 *
 * Waiting. Every wait is bounded. A request whose translation the walker
 * says is blocked (r->blocked) may end in a device error or in nothing at
 * all: the engine then waits only ENGINE_BLOCKED_TIMEOUT_US, and the layer
 * calls ->recover so the device is usable again.
 */
#ifndef VTDTEST_DRIVERS_ENGINE_ENGINE_H
#define VTDTEST_DRIVERS_ENGINE_ENGINE_H

#include "drivers/pci.h"
#include "lib/types.h"

#define ENGINE_MAX		8	/* engines a run uses */
#define ENGINE_NAME_LEN		16
#define ENGINE_WHY_LEN		120
#define ENGINE_DATA_MAX		8192	/* largest request of any engine */
#define ENGINE_BLOCKED_TIMEOUT_US	100000

enum engine_flags {
	/* Can tag its requests with a PASID. */
	ENGINE_PASID		= BIT(0),
	/*
	 * Fetches and writes its own structures by DMA through the same
	 * translation as the request: a device with no translation at all
	 * cannot issue a lone request at an IOVA.
	 */
	ENGINE_OWN_DMA		= BIT(1),
	/*
	 * Can issue privileged (supervisor) requests with a PASID: the
	 * PASID TLP prefix's Privileged Mode Requested (PCIe 6.0 6.20.2).
	 */
	ENGINE_PRIV		= BIT(2),
};

/* One DMA at an IOVA. */
struct engine_req {
	u64 iova;
	u32 len;
	bool pasid_present;
	u32 pasid;
	/* Privileged (supervisor) request; with a PASID and ENGINE_PRIV only. */
	bool priv;
	/* The walker says part of it is blocked: expect an error or nothing. */
	bool blocked;
	/* Physical pages, mapped 1:1 and vouched for, >= len + 1 page. */
	u64 scratch;
};

struct engine;

struct engine_ops {
	const char *kind;	/* "edu", "nvme", "xhci", "dsa": engines= names */
	/* Whether @pd is this kind of device; touches nothing but @pd. */
	bool (*match)(const struct pci_dev *pd);
	/*
	 * Sets e->flags and the request limits, and returns the pages of own
	 * memory the device needs (0 for none). Must not change the device's
	 * state; ->start may refine the limits once it knows the device.
	 */
	u64 (*probe)(struct engine *e);
	/*
	 * Resets the device and sets it up in e->own. Its DMA is then either
	 * untranslated or goes through a domain that maps e->own 1:1. 0, or
	 * -errno with a diagnostic naming the device and the registers.
	 */
	int (*start)(struct engine *e);
	/*
	 * The @len bytes the next ->write of @len will put in memory, into
	 * @data; the engine may learn them by DMA into r->scratch.
	 */
	int (*write_data)(struct engine *e, const struct engine_req *r, void *data);
	/* DMA-writes at r->iova the bytes ->write_data announced. */
	int (*write)(struct engine *e, const struct engine_req *r);
	/*
	 * The @len bytes a ->read must find at r->iova to match, into @data;
	 * learned through r->scratch if need be.
	 */
	int (*read_data)(struct engine *e, const struct engine_req *r, void *data);
	/*
	 * DMA-reads r->len bytes at r->iova; on 0, *match says whether they
	 * were those ->read_data gave.
	 */
	int (*read)(struct engine *e, const struct engine_req *r, bool *match);
	/* After a blocked request: the device usable again, or -errno. */
	int (*recover)(struct engine *e);
	/* At exit: the device idle and as an OS expects to find it. */
	void (*quiesce)(struct engine *e);
};

struct engine {
	const struct engine_ops *ops;
	struct pci_dev *pci;
	u16 sid;
	char name[ENGINE_NAME_LEN];	/* kind and instance: "nvme0" */
	u32 flags;			/* enum engine_flags */
	u32 max_len;			/* largest request, bytes */
	u32 min_len;			/* smallest request, bytes */
	u32 align;			/* the request address's alignment */
	u32 len_unit;			/* the request length's unit */
	unsigned int vector;		/* completion interrupt, 0: polled */
	u8 *own;			/* own DMA memory, mapped 1:1 */
	u64 own_pages;
	bool started;
	/*
	 * Retired: a request never finished and may still land, so nothing
	 * it could reach is reused; @why says what happened.
	 */
	bool dead;
	char why[ENGINE_WHY_LEN];
	void *priv;			/* the engine file's own state */
};

extern const struct engine_ops edu_engine_ops;
extern const struct engine_ops nvme_engine_ops;
extern const struct engine_ops xhci_engine_ops;
extern const struct engine_ops dsa_engine_ops;

/*
 * Finds every device an engine drives, anywhere in the PCI hierarchy, in
 * enumeration order, and probes it. Returns how many.
 */
unsigned int engine_probe_all(void);
unsigned int engine_count(void);
struct engine *engine_get(unsigned int i);

/* Starts @e once per run; later calls return what the first one did. */
int engine_start(struct engine *e);
/*
 * A request through ->write or ->read, with the rules every engine shares:
 * a retired engine refuses (-EIO); a blocked request is followed by
 * ->recover; an unblocked request that never finished retires the engine.
 */
int engine_write_data(struct engine *e, const struct engine_req *r, void *data);
int engine_write(struct engine *e, const struct engine_req *r);
int engine_read_data(struct engine *e, const struct engine_req *r, void *data);
int engine_read(struct engine *e, const struct engine_req *r, bool *match);
/* Every started engine idle and left as an OS expects. */
void engine_quiesce_all(void);
/* Marks @e retired with a reason (printf format) and prints it. */
void engine_retire(struct engine *e, const char *fmt, ...) __printf(2, 3);

/* "# nvme0 01:00.0: ..." */
#define engine_diag(e, fmt, ...)					\
	ktap_diag("%s %02x:%02x.%u: " fmt, (e)->name, (e)->pci->bus,	\
		  PCI_SLOT((e)->pci->devfn), PCI_FUNC((e)->pci->devfn),	\
		  ##__VA_ARGS__)

#endif /* VTDTEST_DRIVERS_ENGINE_ENGINE_H */
