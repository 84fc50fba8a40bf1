/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reference walker: an independent software model of VT-d DMA remapping
 * (Intel VT-d Architecture Specification rev 5.10, D51397-018: chapter 3
 * translation, Table 30 in 7.1.3 fault conditions, chapter 9 formats). Given what the unit was programmed with and one DMA
 * request, it walks root, context, PASID and paging structures the way the
 * hardware does and says where the request lands or which fault reason the
 * hardware must report. It is the oracle every DMA check compares against,
 * so it shares no code or constants with the table builders.
 *
 * The walker is pure: it only reads memory (through hw_phys_to_virt()),
 * never sets Accessed/Dirty bits and never writes anything. It reports what
 * the hardware would decide on a walk that starts from nothing cached.
 *
 * Request semantics (spec 3.4.3, 9.4):
 *  - Legacy mode (RTADDR.TTM = 00b): a request carrying a PASID faults with
 *    reason 31h; @priv and @exec are ignored.
 *  - Scalable mode, request with PASID: a PASID wider than the ECAP.PSS + 1
 *    bits faults SGN.10 (89h) next to any fault its walk meets.
 *  - Scalable mode, request without PASID: it uses PASID RID_PASID (0 when
 *    ECAP.RPS is clear), is a user request unless ECAP.RPRIVS and the
 *    context's RID_PRIV are set, and is never an execute request: @priv and
 *    @exec are ignored.
 *
 * Result conventions:
 *  - @level: the paging level of the stage that faulted: the first-stage
 *    level for first-stage faults and for the second stage refusing a
 *    first-stage table access (74h for a table GPA, 75h-77h); the
 *    second-stage level for faults of a second-stage walk (78h-7Bh, and the
 *    permission faults on its output); an input address beyond a stage's
 *    width (4h, 80h, 84h, 74h for the output GPA) reports that stage's top
 *    level; 0 for faults in root, context or PASID structures (and 83h,
 *    and 89h for a PASID beyond ECAP.PSS). With SSADE=1 the second stage
 *    refusing a first-stage table read for W (85h, 3.8.1) reports the
 *    first-stage level too.
 *  - @page_size: the leaf that mapped the address; nested: the smaller of
 *    the first-stage and second-stage leaves; pass-through: 4 KiB.
 *  - @fpd: a context, PASID-directory or PASID entry on the path has FPD
 *    set, so a qualified fault is not recorded by the hardware (spec 7.1.2).
 *  - @reasons: every reason the spec allows for this request, @reason
 *    first. Table 30 gives no priority between fault conditions, so when
 *    several hold at once (a permission or A/D-update condition met on
 *    the way to a later structure fault, the SFS.1 note's second-stage
 *    reasons for nested table accesses) the unit may report any of them.
 */
#ifndef VTDTEST_INTEL_WALKER_H
#define VTDTEST_INTEL_WALKER_H

#include "lib/types.h"

struct walk_unit {		/* what the walker knows of the unit */
	u64 rtaddr;		/* RTADDR_REG as programmed: root table | TTM 11:10 | SSIRWE 7 */
	u64 cap;		/* CAP_REG */
	u64 ecap;		/* ECAP_REG (PSS 39:35 bounds requests with PASID) */
	unsigned int haw;	/* host address width (DMAR); 0: use CAP.MGAW */
	u32 ver;		/* VER_REG: major 7:4 decides execute requests; 0: rev 5.10 */
};

struct walk_request {
	u16 sid;		/* requester id: bus << 8 | devfn */
	bool pasid_present;	/* request carries a PASID; else scalable mode uses RID_PASID */
	u32 pasid;
	u64 addr;		/* input address */
	bool write;		/* false: read */
	bool exec;		/* execute request (requests with PASID only) */
	bool priv;		/* privileged (supervisor) request (requests with PASID only) */
};

#define WALK_MAX_REASONS	8

/*
 * A nested walk with 5-level first and second stages takes 4 structure
 * reads, 5 x (5 + 1) for the first-stage tables and 5 for the output:
 * 39 steps.
 */
#define WALK_MAX_STEPS	48

struct walk_step {
	/* "root", "context", "pasid-dir", "pasid", "ss-L4", "fs-L4", "fs-L4>ss-L3" */
	char what[24];
	u64 table;		/* physical address of the table read */
	u32 index;
	u64 entry[8];		/* raw words of the entry read */
	unsigned int nr_words;	/* 0: the entry could not be read */
	char decoded[160];	/* decoded fields, e.g. "R=1 W=0 PS=0 addr=0x12345000" */
};

enum walk_mode {
	WALK_LEGACY,
	WALK_LEGACY_PT,
	WALK_FIRST_STAGE,
	WALK_SECOND_STAGE,
	WALK_NESTED,
	WALK_PASS_THROUGH,
};

struct walk_result {
	bool fault;
	u8 reason;		/* VT-d fault reason code (spec 7.1.3) */
	unsigned int nr_reasons;	/* 1..WALK_MAX_REASONS when @fault */
	u8 reasons[WALK_MAX_REASONS];	/* spec-allowed reasons, @reason first */
	unsigned int level;	/* see the conventions above */
	enum walk_mode mode;
	u16 did;		/* domain id from the context or PASID entry, when reached */
	u64 phys;		/* output address when !fault */
	u64 page_size;		/* size of the leaf that mapped it */
	bool fpd;		/* fault processing disabled on the path */
	bool truncated;		/* more steps than WALK_MAX_STEPS (not all recorded) */
	char detail[112];	/* why it faulted: which field, which bits */
	struct walk_request req;	/* the request walked */
	unsigned int nr_steps;
	struct walk_step steps[WALK_MAX_STEPS];
};

void vtd_walk(const struct walk_unit *u, const struct walk_request *req,
	      struct walk_result *res);
/* Whether the spec allows @reason for the fault @res predicts. */
bool vtd_walk_allows(const struct walk_result *res, u8 reason);
/* ktap_diag: one line per step, then the outcome (the "full walk trace"). */
void vtd_walk_print(const struct walk_result *res);
/* Every legacy and scalable-mode reason by name; unknown: "reserved/unknown". */
const char *vtd_fault_reason_name(u8 reason);
const char *vtd_walk_mode_name(enum walk_mode mode);

#endif /* VTDTEST_INTEL_WALKER_H */
