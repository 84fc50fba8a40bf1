// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI DMAR table parsing and sanity checks (Intel VT-d specification,
 * chapter 8 "BIOS Considerations").
 *
 * The parser trusts nothing in the table: every field is read through a
 * bounds-checked accessor, a structure is only decoded when it lies wholly
 * inside min(buffer length, header length), and the walk always advances,
 * so a malformed table cannot crash it, loop it or make it read past the
 * end. Problems found while walking are recorded in the dmar_table; the
 * checks report them with the offsets of the offending bytes.
 */
#include "drivers/acpi/acpi.h"
#include "drivers/iommu/intel/dmar.h"
#include "lib/printf.h"

#define PCI_VENDOR_ID		0x00	/* dword: vendor, device */
#define PCI_HEADER_DWORD	0x0c	/* byte 0x0e: header type */
#define PCI_HEADER_TYPE_SHIFT	16
#define PCI_HEADER_TYPE_MASK	0x7f	/* bit 7 is multi-function */
#define PCI_HEADER_TYPE_NORMAL	0
#define PCI_HEADER_TYPE_BRIDGE	1
#define PCI_BUS_DWORD		0x18	/* primary, secondary, subordinate */
#define PCI_SECONDARY_SHIFT	8	/* config 0x19 */
#define PCI_SUBORDINATE_SHIFT	16	/* config 0x1a */
#define PCI_DEVFN(d, f)		((u8)((((d) & 0x1f) << 3) | ((f) & 0x07)))
#define PCI_SLOT(devfn)		(((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)		((devfn) & 0x07)

#define PAGE_4K			0x1000ULL
#define NO_INDEX		0xffff

/* VT-d 11.4.2 CAP and 11.4.3 ECAP fields compared between units. */
#define CAP_SAGAW		GENMASK_ULL(12, 8)
#define CAP_MGAW		GENMASK_ULL(21, 16)
#define CAP_CM			BIT_ULL(7)
#define ECAP_QI			BIT_ULL(1)
#define ECAP_IR			BIT_ULL(3)
#define ECAP_EIM		BIT_ULL(4)
#define ECAP_NEST		BIT_ULL(26)
#define ECAP_PASID		BIT_ULL(40)
#define ECAP_SMTS		BIT_ULL(43)
#define ECAP_SLTS		BIT_ULL(46)
#define ECAP_FLTS		BIT_ULL(47)

/* ---------------------------------------------------------------------
 * Little helpers: bounded little-endian reads, names.
 */

static u8 get8(const u8 *b, u32 off)
{
	return b[off];
}

static u16 get16(const u8 *b, u32 off)
{
	return (u16)(b[off] | (b[off + 1] << 8));
}

static u32 get32(const u8 *b, u32 off)
{
	return (u32)get16(b, off) | ((u32)get16(b, off + 2) << 16);
}

static u64 get64(const u8 *b, u32 off)
{
	return (u64)get32(b, off) | ((u64)get32(b, off + 4) << 32);
}

/* Copies @n bytes as a NUL-terminated string, non-printables as '?'. */
static void copy_str(char *dst, const u8 *src, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	dst[n] = '\0';
}

static const char *const type_names[DMAR_NR_TYPES] = {
	[DMAR_TYPE_DRHD] = "DRHD",
	[DMAR_TYPE_RMRR] = "RMRR",
	[DMAR_TYPE_ATSR] = "ATSR",
	[DMAR_TYPE_RHSA] = "RHSA",
	[DMAR_TYPE_ANDD] = "ANDD",
	[DMAR_TYPE_SATC] = "SATC",
	[DMAR_TYPE_SIDP] = "SIDP",
};

const char *dmar_type_name(unsigned int type)
{
	return type < DMAR_NR_TYPES ? type_names[type] : "reserved";
}

const char *dmar_scope_type_name(unsigned int type)
{
	switch (type) {
	case DMAR_SCOPE_ENDPOINT:
		return "endpoint";
	case DMAR_SCOPE_BRIDGE:
		return "bridge";
	case DMAR_SCOPE_IOAPIC:
		return "IOAPIC";
	case DMAR_SCOPE_HPET:
		return "HPET";
	case DMAR_SCOPE_NAMESPACE:
		return "ACPI";
	default:
		return "reserved";
	}
}

/* Minimum length of each known structure type (fixed part). */
static u16 min_struct_len(unsigned int type)
{
	static const u16 min_len[DMAR_NR_TYPES] = {
		[DMAR_TYPE_DRHD] = DMAR_DRHD_LEN,
		[DMAR_TYPE_RMRR] = DMAR_RMRR_LEN,
		[DMAR_TYPE_ATSR] = DMAR_ATSR_LEN,
		[DMAR_TYPE_RHSA] = DMAR_RHSA_LEN,
		[DMAR_TYPE_ANDD] = DMAR_ANDD_LEN,
		[DMAR_TYPE_SATC] = DMAR_SATC_LEN,
		[DMAR_TYPE_SIDP] = DMAR_SIDP_LEN,
	};

	return type < DMAR_NR_TYPES ? min_len[type] : DMAR_STRUCT_HDR_LEN;
}

/* ---------------------------------------------------------------------
 * Parsing (8.1 .. 8.9)
 */

static void __printf(4, 5) problem(struct dmar_table *t, u8 kind, u32 offset,
				   const char *fmt, ...)
{
	struct dmar_problem *p;
	va_list ap;

	if (t->nr_problems >= DMAR_MAX_PROBLEMS) {
		t->dropped[DMAR_LIMIT_PROBLEM]++;
		return;
	}
	p = &t->problems[t->nr_problems++];
	p->kind = kind;
	p->offset = offset;
	va_start(ap, fmt);
	kvsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
}

/* Stores the scope entry of @len bytes at @off; returns false when full. */
static bool add_scope(struct dmar_table *t, const u8 *b, u32 off, u8 len,
		      u8 owner_type, u16 owner, u16 segment)
{
	struct dmar_scope *s;
	unsigned int i, kept;

	if (t->nr_scopes >= DMAR_MAX_SCOPES) {
		t->dropped[DMAR_LIMIT_SCOPE]++;
		return false;
	}
	s = &t->scopes[t->nr_scopes++];
	s->offset = off;
	s->type = get8(b, off);
	s->length = len;
	s->flags = get8(b, off + 2);
	s->enum_id = get8(b, off + 4);
	s->start_bus = get8(b, off + 5);
	s->owner_type = owner_type;
	s->owner = owner;
	s->segment = segment;
	s->path_len = (u8)((len - DMAR_SCOPE_HDR_LEN) / 2);
	kept = MIN(s->path_len, DMAR_MAX_PATH);
	if (s->path_len > DMAR_MAX_PATH)
		t->dropped[DMAR_LIMIT_PATH]++;
	for (i = 0; i < kept; i++) {
		s->path[i][0] = get8(b, off + DMAR_SCOPE_HDR_LEN + 2 * i);
		s->path[i][1] = get8(b, off + DMAR_SCOPE_HDR_LEN + 2 * i + 1);
	}
	/* A one-element path needs no bridge to find its bus (8.3.1). */
	if (s->path_len == 1 && s->path[0][0] < 32 && s->path[0][1] < 8) {
		s->located = true;
		s->bus = s->start_bus;
		s->devfn = PCI_DEVFN(s->path[0][0], s->path[0][1]);
		s->elem_bus[0] = s->start_bus;
	}
	return true;
}

/*
 * 8.3.1: device scope entries fill [start, end) of the structure at
 * @soff. Each is Type, Length, Flags, Reserved, Enumeration ID, Start Bus,
 * then Length - 6 bytes of (device, function) pairs; Length = 6 + 2N, N >= 1.
 * Returns the number stored; *first is the index of the first.
 */
static u16 parse_scopes(struct dmar_table *t, const u8 *b, u32 soff,
			u32 start, u32 end, u8 owner_type, u16 owner,
			u16 segment, u16 *first)
{
	u32 p = start;
	u16 n = 0;
	u8 len;

	*first = (u16)t->nr_scopes;
	while (p < end) {
		if (end - p < 2) {
			problem(t, DMAR_PROB_LENGTH, p,
				"%s at 0x%x: 1 stray byte at 0x%x where a device scope should start",
				dmar_type_name(owner_type), soff, p);
			break;
		}
		len = get8(b, p + 1);
		if (len == 0) {
			problem(t, DMAR_PROB_LENGTH, p,
				"%s at 0x%x: zero-length device scope at 0x%x (type %u); rest of the structure skipped",
				dmar_type_name(owner_type), soff, p,
				get8(b, p));
			break;
		}
		if (len > end - p) {
			problem(t, DMAR_PROB_LENGTH, p,
				"%s at 0x%x: device scope at 0x%x length %u runs past the structure end 0x%x",
				dmar_type_name(owner_type), soff, p, len, end);
			break;
		}
		if (len < DMAR_SCOPE_MIN_LEN ||
		    (len - DMAR_SCOPE_HDR_LEN) % 2) {
			problem(t, DMAR_PROB_LENGTH, p,
				"%s at 0x%x: device scope at 0x%x length %u is not 6 + 2*N with N >= 1",
				dmar_type_name(owner_type), soff, p, len);
		} else if (add_scope(t, b, p, len, owner_type, owner,
				     segment)) {
			n++;
		}
		p += len;
	}
	return n;
}

/*
 * Takes the next slot of a type's array for @st; false, with the
 * structure counted as dropped, when the array is full.
 */
static bool claim(struct dmar_table *t, unsigned int *nr, unsigned int max,
		  enum dmar_type type, struct dmar_struct *st)
{
	if (*nr >= max) {
		t->dropped[type]++;
		return false;
	}
	st->index = (u16)(*nr)++;
	return true;
}

static void parse_drhd(struct dmar_table *t, const u8 *b, u32 off, u16 len,
		       struct dmar_struct *st)
{
	struct dmar_drhd *d;

	if (!claim(t, &t->nr_drhd, DMAR_MAX_DRHD, DMAR_TYPE_DRHD, st))
		return;
	d = &t->drhd[st->index];
	d->offset = off;
	d->length = len;
	d->flags = get8(b, off + 4);
	d->size = get8(b, off + 5);
	d->segment = get16(b, off + 6);
	d->base = get64(b, off + 8);
	d->nr_scopes = parse_scopes(t, b, off, off + DMAR_DRHD_LEN, off + len,
				    DMAR_TYPE_DRHD, st->index, d->segment,
				    &d->scope_first);
}

static void parse_rmrr(struct dmar_table *t, const u8 *b, u32 off, u16 len,
		       struct dmar_struct *st)
{
	struct dmar_rmrr *r;

	if (!claim(t, &t->nr_rmrr, DMAR_MAX_RMRR, DMAR_TYPE_RMRR, st))
		return;
	r = &t->rmrr[st->index];
	r->offset = off;
	r->length = len;
	r->segment = get16(b, off + 6);
	r->base = get64(b, off + 8);
	r->end = get64(b, off + 16);
	r->nr_scopes = parse_scopes(t, b, off, off + DMAR_RMRR_LEN, off + len,
				    DMAR_TYPE_RMRR, st->index, r->segment,
				    &r->scope_first);
}

static void parse_atsr(struct dmar_table *t, const u8 *b, u32 off, u16 len,
		       struct dmar_struct *st)
{
	struct dmar_atsr *a;

	if (!claim(t, &t->nr_atsr, DMAR_MAX_ATSR, DMAR_TYPE_ATSR, st))
		return;
	a = &t->atsr[st->index];
	a->offset = off;
	a->length = len;
	a->flags = get8(b, off + 4);
	a->segment = get16(b, off + 6);
	a->nr_scopes = parse_scopes(t, b, off, off + DMAR_ATSR_LEN, off + len,
				    DMAR_TYPE_ATSR, st->index, a->segment,
				    &a->scope_first);
}

static void parse_rhsa(struct dmar_table *t, const u8 *b, u32 off, u16 len,
		       struct dmar_struct *st)
{
	struct dmar_rhsa *r;

	if (!claim(t, &t->nr_rhsa, DMAR_MAX_RHSA, DMAR_TYPE_RHSA, st))
		return;
	r = &t->rhsa[st->index];
	r->offset = off;
	r->length = len;
	r->base = get64(b, off + 8);
	r->proximity = get32(b, off + 16);
}

static void parse_andd(struct dmar_table *t, const u8 *b, u32 off, u16 len,
		       struct dmar_struct *st)
{
	struct dmar_andd *a;
	unsigned int i, n;

	if (!claim(t, &t->nr_andd, DMAR_MAX_ANDD, DMAR_TYPE_ANDD, st))
		return;
	a = &t->andd[st->index];
	a->offset = off;
	a->length = len;
	a->number = get8(b, off + 7);
	a->name_bytes = len - DMAR_ANDD_LEN;
	for (n = 0; n < a->name_bytes; n++)
		if (get8(b, off + DMAR_ANDD_LEN + n) == 0)
			break;
	a->nul_terminated = n < a->name_bytes;
	n = MIN(n, DMAR_ANDD_NAME_MAX - 1);
	for (i = 0; i < n; i++) {
		u8 c = get8(b, off + DMAR_ANDD_LEN + i);

		a->name[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	a->name[n] = '\0';
}

static void parse_satc(struct dmar_table *t, const u8 *b, u32 off, u16 len,
		       struct dmar_struct *st)
{
	struct dmar_satc *s;

	if (!claim(t, &t->nr_satc, DMAR_MAX_SATC, DMAR_TYPE_SATC, st))
		return;
	s = &t->satc[st->index];
	s->offset = off;
	s->length = len;
	s->flags = get8(b, off + 4);
	s->segment = get16(b, off + 6);
	s->nr_scopes = parse_scopes(t, b, off, off + DMAR_SATC_LEN, off + len,
				    DMAR_TYPE_SATC, st->index, s->segment,
				    &s->scope_first);
}

static void parse_sidp(struct dmar_table *t, const u8 *b, u32 off, u16 len,
		       struct dmar_struct *st)
{
	struct dmar_sidp *s;

	if (!claim(t, &t->nr_sidp, DMAR_MAX_SIDP, DMAR_TYPE_SIDP, st))
		return;
	s = &t->sidp[st->index];
	s->offset = off;
	s->length = len;
	s->reserved = get16(b, off + 4);
	s->segment = get16(b, off + 6);
	s->nr_scopes = parse_scopes(t, b, off, off + DMAR_SIDP_LEN, off + len,
				    DMAR_TYPE_SIDP, st->index, s->segment,
				    &s->scope_first);
}

typedef void (*parse_fn)(struct dmar_table *t, const u8 *b, u32 off,
			 u16 len, struct dmar_struct *st);

static const parse_fn parsers[DMAR_NR_TYPES] = {
	[DMAR_TYPE_DRHD] = parse_drhd,
	[DMAR_TYPE_RMRR] = parse_rmrr,
	[DMAR_TYPE_ATSR] = parse_atsr,
	[DMAR_TYPE_RHSA] = parse_rhsa,
	[DMAR_TYPE_ANDD] = parse_andd,
	[DMAR_TYPE_SATC] = parse_satc,
	[DMAR_TYPE_SIDP] = parse_sidp,
};

/*
 * Checks the structure header at @off against the end of the table;
 * returns its length, or 0 when the walk must stop (zero length, past the
 * end). A length too short for its type is reported and the structure is
 * not decoded (*skip), but the walk still advances by that length.
 */
static u16 check_struct(struct dmar_table *t, const u8 *b, u32 off, u32 end,
			bool *skip)
{
	u16 type, len;

	*skip = false;
	if (end - off < DMAR_STRUCT_HDR_LEN) {
		problem(t, DMAR_PROB_LENGTH, off,
			"%u trailing bytes at 0x%x are too short for a structure header",
			end - off, off);
		return 0;
	}
	type = get16(b, off);
	len = get16(b, off + 2);
	if (len == 0) {
		problem(t, DMAR_PROB_LENGTH, off,
			"zero-length structure (type %u %s) at 0x%x; the rest of the table (0x%x bytes) is not parsed",
			type, dmar_type_name(type), off, end - off);
		return 0;
	}
	if (len > end - off) {
		problem(t, DMAR_PROB_LENGTH, off,
			"structure type %u %s at 0x%x length %u (0x%x) runs past the table end 0x%x",
			type, dmar_type_name(type), off, len, len, end);
		return 0;
	}
	if (len < min_struct_len(type)) {
		problem(t, DMAR_PROB_LENGTH, off,
			"structure type %u %s at 0x%x length %u is below the minimum %u for its type; skipped",
			type, dmar_type_name(type), off, len,
			min_struct_len(type));
		*skip = true;
	}
	return len;
}

static void record_struct(struct dmar_table *t, const u8 *b, u32 off,
			  u16 len, bool skip)
{
	struct dmar_struct dummy, *st = &dummy;
	u16 type = get16(b, off);

	if (t->nr_structs < DMAR_MAX_STRUCTS)
		st = &t->structs[t->nr_structs++];
	else
		t->dropped[DMAR_LIMIT_STRUCT]++;
	st->offset = off;
	st->type = type;
	st->length = len;
	st->index = NO_INDEX;
	if (type >= DMAR_NR_TYPES)
		t->nr_unknown++;
	else if (!skip)
		parsers[type](t, b, off, len, st);
}

static void parse_header(struct dmar_table *t, const u8 *b)
{
	copy_str(t->signature, b, 4);
	t->length = get32(b, 4);
	t->revision = get8(b, 8);
	t->checksum = get8(b, 9);
	copy_str(t->oem_id, b + 10, 6);
	copy_str(t->oem_table_id, b + 16, 8);
	t->oem_revision = get32(b, 24);
}

/* 8.1: Host Address Width, Flags, Reserved; needs DMAR_HEADER_LEN bytes. */
static void parse_dmar_fields(struct dmar_table *t, const u8 *b)
{
	unsigned int i;

	t->width_field = get8(b, DMAR_OFF_WIDTH);
	t->haw = t->width_field + 1U;
	t->flags = get8(b, DMAR_OFF_FLAGS);
	for (i = 0; i < DMAR_RESERVED_LEN; i++)
		if (get8(b, DMAR_OFF_RESERVED + i))
			t->reserved_nonzero = true;
}

int dmar_parse(const void *buf, size_t len, struct dmar_table *t)
{
	const u8 *b = buf;
	u32 off, end, i;
	u16 slen;
	bool skip;

	__builtin_memset(t, 0, sizeof(*t));
	t->avail = len;
	if (!buf || len < ACPI_HEADER_LEN) {
		problem(t, DMAR_PROB_HEADER, 0,
			"only %zu bytes: less than the 36-byte ACPI table header",
			buf ? len : (size_t)0);
		return -1;
	}
	parse_header(t, b);
	end = t->length;
	if (len < end) {
		problem(t, DMAR_PROB_HEADER, 4,
			"header length %u (0x%x) at 0x4 exceeds the %zu bytes available; only those are parsed",
			t->length, t->length, len);
		end = (u32)len;
	}
	t->parsed_len = end;
	for (i = 0; i < end; i++)
		t->sum += get8(b, i);
	if (end < DMAR_HEADER_LEN) {
		problem(t, DMAR_PROB_HEADER, 4,
			"%u bytes to parse (header length %u): less than the 48-byte DMAR header (8.1)",
			end, t->length);
		return -1;
	}
	parse_dmar_fields(t, b);
	t->header_ok = true;

	/* 8.2: remapping structures follow the header back to back. */
	for (off = DMAR_HEADER_LEN; off < end; off += slen) {
		slen = check_struct(t, b, off, end, &skip);
		if (!slen)
			break;
		record_struct(t, b, off, slen, skip);
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Device scope resolution (8.3.1)
 */

static u32 cfg_read(const struct dmar_env *env, u16 seg, u8 bus, u8 devfn,
		    u16 reg)
{
	return env->pci_read32(env->ctx, seg, bus, devfn, reg);
}

static u8 header_type(const struct dmar_env *env, u16 seg, u8 bus, u8 devfn)
{
	u32 v = cfg_read(env, seg, bus, devfn, PCI_HEADER_DWORD);

	return (v >> PCI_HEADER_TYPE_SHIFT) & PCI_HEADER_TYPE_MASK;
}

static bool is_pci_scope(u8 type)
{
	return type == DMAR_SCOPE_ENDPOINT || type == DMAR_SCOPE_BRIDGE;
}

/* Reads what the final function of a PCI scope is. */
static void probe_final(struct dmar_scope *s, const struct dmar_env *env)
{
	u32 v;

	if (cfg_read(env, s->segment, s->bus, s->devfn, PCI_VENDOR_ID) ==
	    0xffffffffU) {
		s->status = DMAR_SCOPE_ABSENT;
		return;
	}
	s->status = DMAR_SCOPE_OK;
	s->hdr_type = header_type(env, s->segment, s->bus, s->devfn);
	if (s->type != DMAR_SCOPE_BRIDGE ||
	    s->hdr_type != PCI_HEADER_TYPE_BRIDGE)
		return;
	v = cfg_read(env, s->segment, s->bus, s->devfn, PCI_BUS_DWORD);
	s->sec_bus = (u8)(v >> PCI_SECONDARY_SHIFT);
	s->sub_bus = (u8)(v >> PCI_SUBORDINATE_SHIFT);
	s->range_valid = true;
}

/*
 * 8.3.1: start at Start Bus Number; every path element but the last is a
 * bridge whose secondary bus number (config 0x19) is the bus of the next
 * element. The walk reads only bounded, kept path elements.
 */
static void resolve_scope(struct dmar_scope *s, const struct dmar_env *env)
{
	u8 bus = s->start_bus, devfn = 0;
	unsigned int i;

	s->located = false;
	s->range_valid = false;
	s->hdr_type = 0;
	if (s->path_len == 0 || s->path_len > DMAR_MAX_PATH) {
		s->status = DMAR_SCOPE_BAD_PATH;
		s->fail_elem = 0;
		return;
	}
	for (i = 0; i < s->path_len; i++) {
		s->elem_bus[i] = bus;
		s->fail_elem = (u8)i;
		if (s->path[i][0] > 31 || s->path[i][1] > 7) {
			s->status = DMAR_SCOPE_BAD_PATH;
			return;
		}
		devfn = PCI_DEVFN(s->path[i][0], s->path[i][1]);
		if (i + 1 == s->path_len)
			break;
		if (cfg_read(env, s->segment, bus, devfn, PCI_VENDOR_ID) ==
		    0xffffffffU) {
			s->status = DMAR_SCOPE_BRIDGE_ABSENT;
			return;
		}
		if (header_type(env, s->segment, bus, devfn) !=
		    PCI_HEADER_TYPE_BRIDGE) {
			s->status = DMAR_SCOPE_NOT_BRIDGE;
			return;
		}
		bus = (u8)(cfg_read(env, s->segment, bus, devfn,
				    PCI_BUS_DWORD) >> PCI_SECONDARY_SHIFT);
	}
	s->located = true;
	s->bus = bus;
	s->devfn = devfn;
	if (is_pci_scope(s->type))
		probe_final(s, env);
	else
		s->status = DMAR_SCOPE_OK;	/* IOAPIC, HPET, ACPI: source-id */
}

void dmar_resolve(struct dmar_table *t, const struct dmar_env *env)
{
	unsigned int i;

	if (!t || !env || !env->pci_read32)
		return;
	for (i = 0; i < t->nr_scopes; i++)
		resolve_scope(&t->scopes[i], env);
}

/* ---------------------------------------------------------------------
 * Unit lookup (8.3: explicit scopes first, then INCLUDE_PCI_ALL)
 */

static bool scope_covers(const struct dmar_scope *s, u8 bus, u8 devfn)
{
	if (!is_pci_scope(s->type) || !s->located)
		return false;
	if (s->bus == bus && s->devfn == devfn)
		return true;
	return s->type == DMAR_SCOPE_BRIDGE && s->range_valid &&
	       bus >= s->sec_bus && bus <= s->sub_bus;
}

int dmar_unit_for_device(const struct dmar_table *t, u16 seg, u8 bus,
			 u8 devfn)
{
	unsigned int i, j;
	const struct dmar_drhd *d;

	for (i = 0; i < t->nr_drhd; i++) {
		d = &t->drhd[i];
		if (d->segment != seg)
			continue;
		for (j = 0; j < d->nr_scopes; j++)
			if (scope_covers(&t->scopes[d->scope_first + j], bus,
					 devfn))
				return (int)i;
	}
	for (i = 0; i < t->nr_drhd; i++) {
		d = &t->drhd[i];
		if (d->segment == seg && (d->flags & DMAR_DRHD_INCLUDE_PCI_ALL))
			return (int)i;
	}
	return -1;
}

/* ---------------------------------------------------------------------
 * Formatting helpers for messages
 */

struct fmtbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void __printf(2, 3) fb_add(struct fmtbuf *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (f->len + 1 >= f->size)
		return;
	va_start(ap, fmt);
	n = kvsnprintf(f->buf + f->len, f->size - f->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		f->len = MIN(f->len + (size_t)n, f->size - 1);
}

static u32 owner_offset(const struct dmar_table *t, const struct dmar_scope *s)
{
	switch (s->owner_type) {
	case DMAR_TYPE_DRHD:
		return t->drhd[s->owner].offset;
	case DMAR_TYPE_RMRR:
		return t->rmrr[s->owner].offset;
	case DMAR_TYPE_ATSR:
		return t->atsr[s->owner].offset;
	case DMAR_TYPE_SATC:
		return t->satc[s->owner].offset;
	case DMAR_TYPE_SIDP:
		return t->sidp[s->owner].offset;
	default:
		return 0;
	}
}

/* "path 1c.0/00.0 from bus 00" and, once walked, "= 00:1c.0 -> 01:00.0" */
static void fb_path(struct fmtbuf *f, const struct dmar_scope *s)
{
	unsigned int i, kept = MIN(s->path_len, DMAR_MAX_PATH);
	unsigned int walked;

	fb_add(f, "path ");
	for (i = 0; i < kept; i++)
		fb_add(f, "%s%02x.%x", i ? "/" : "", s->path[i][0],
		       s->path[i][1]);
	if (s->path_len > kept)
		fb_add(f, "/... (%u elements)", s->path_len);
	fb_add(f, " from bus %02x", s->start_bus);
	if (s->status == DMAR_SCOPE_UNRESOLVED || s->path_len > kept)
		return;
	walked = s->located ? kept : (unsigned int)s->fail_elem + 1;
	fb_add(f, " =");
	for (i = 0; i < walked && i < kept; i++)
		fb_add(f, "%s %04x:%02x:%02x.%x", i ? " ->" : "", s->segment,
		       s->elem_bus[i], s->path[i][0], s->path[i][1]);
}

static const char *scope_str(const struct dmar_table *t,
			     const struct dmar_scope *s, char *buf,
			     size_t size)
{
	struct fmtbuf f = { buf, size, 0 };

	buf[0] = '\0';
	fb_add(&f, "%s scope at 0x%x (%s at 0x%x, id %u): ",
	       dmar_scope_type_name(s->type), s->offset,
	       dmar_type_name(s->owner_type), owner_offset(t, s), s->enum_id);
	fb_path(&f, s);
	return buf;
}

/* ---------------------------------------------------------------------
 * Summary
 */

static void print_scopes(const struct dmar_table *t, u16 first, u16 n)
{
	char buf[200];
	unsigned int i;

	for (i = first; i < (unsigned int)first + n && i < t->nr_scopes; i++)
		ktap_diag("  0x%03x   %s", t->scopes[i].offset,
			  scope_str(t, &t->scopes[i], buf, sizeof(buf)));
}

static void print_drhd(const struct dmar_table *t, const struct dmar_drhd *d)
{
	ktap_diag("  0x%03x DRHD seg %u base 0x%llx flags 0x%x%s size %u KiB, %u scope(s)",
		  d->offset, d->segment, (unsigned long long)d->base, d->flags,
		  d->flags & DMAR_DRHD_INCLUDE_PCI_ALL ? " INCLUDE_PCI_ALL" : "",
		  4U << (d->size & DMAR_DRHD_SIZE_MASK), d->nr_scopes);
	print_scopes(t, d->scope_first, d->nr_scopes);
}

static void print_rmrr(const struct dmar_table *t, const struct dmar_rmrr *r)
{
	ktap_diag("  0x%03x RMRR seg %u [0x%llx, 0x%llx], %u scope(s)",
		  r->offset, r->segment, (unsigned long long)r->base,
		  (unsigned long long)r->end, r->nr_scopes);
	print_scopes(t, r->scope_first, r->nr_scopes);
}

static void print_atsr(const struct dmar_table *t, const struct dmar_atsr *a)
{
	ktap_diag("  0x%03x ATSR seg %u flags 0x%x%s, %u scope(s)", a->offset,
		  a->segment, a->flags,
		  a->flags & DMAR_ATSR_ALL_PORTS ? " ALL_PORTS" : "",
		  a->nr_scopes);
	print_scopes(t, a->scope_first, a->nr_scopes);
}

static void print_satc(const struct dmar_table *t, const struct dmar_satc *s)
{
	ktap_diag("  0x%03x SATC seg %u flags 0x%x%s, %u scope(s)", s->offset,
		  s->segment, s->flags,
		  s->flags & DMAR_SATC_ATC_REQUIRED ? " ATC_REQUIRED" : "",
		  s->nr_scopes);
	print_scopes(t, s->scope_first, s->nr_scopes);
}

static void print_sidp(const struct dmar_table *t, const struct dmar_sidp *s)
{
	ktap_diag("  0x%03x SIDP seg %u, %u scope(s)", s->offset, s->segment,
		  s->nr_scopes);
	print_scopes(t, s->scope_first, s->nr_scopes);
}

static void print_struct(const struct dmar_table *t,
			 const struct dmar_struct *st)
{
	const struct dmar_rhsa *rh;
	const struct dmar_andd *an;

	if (st->type >= DMAR_NR_TYPES || st->index == NO_INDEX) {
		ktap_diag("  0x%03x %s type %u length %u (not decoded)",
			  st->offset, dmar_type_name(st->type), st->type,
			  st->length);
		return;
	}
	switch (st->type) {
	case DMAR_TYPE_DRHD:
		print_drhd(t, &t->drhd[st->index]);
		break;
	case DMAR_TYPE_RMRR:
		print_rmrr(t, &t->rmrr[st->index]);
		break;
	case DMAR_TYPE_ATSR:
		print_atsr(t, &t->atsr[st->index]);
		break;
	case DMAR_TYPE_RHSA:
		rh = &t->rhsa[st->index];
		ktap_diag("  0x%03x RHSA base 0x%llx proximity domain %u",
			  rh->offset, (unsigned long long)rh->base,
			  rh->proximity);
		break;
	case DMAR_TYPE_ANDD:
		an = &t->andd[st->index];
		ktap_diag("  0x%03x ANDD device %u \"%s\"%s", an->offset,
			  an->number, an->name,
			  an->nul_terminated ? "" : " (no NUL)");
		break;
	case DMAR_TYPE_SATC:
		print_satc(t, &t->satc[st->index]);
		break;
	case DMAR_TYPE_SIDP:
		print_sidp(t, &t->sidp[st->index]);
		break;
	}
}

void dmar_print(const struct dmar_table *t)
{
	unsigned int i;

	ktap_diag("DMAR: signature \"%s\" length 0x%x revision %u OEM \"%s\" \"%s\" rev 0x%x",
		  t->signature, t->length, t->revision, t->oem_id,
		  t->oem_table_id, t->oem_revision);
	if (!t->header_ok)
		return;
	ktap_diag("DMAR: host address width %u flags 0x%x%s%s%s, %u structures",
		  t->haw, t->flags,
		  t->flags & DMAR_FLAGS_INTR_REMAP ? " INTR_REMAP" : "",
		  t->flags & DMAR_FLAGS_X2APIC_OPT_OUT ? " X2APIC_OPT_OUT" : "",
		  t->flags & DMAR_FLAGS_DMA_CTRL_OPT_IN ?
			" DMA_CTRL_PLATFORM_OPT_IN" : "",
		  t->nr_structs);
	for (i = 0; i < t->nr_structs; i++)
		print_struct(t, &t->structs[i]);
}

/* ---------------------------------------------------------------------
 * Checks. Each reports one KTAP case of the "dmar" suite.
 */

static bool need_header(struct ktap_case *c, const struct dmar_table *t)
{
	if (t->header_ok)
		return true;
	ktap_skip(c, "DMAR header unusable (see table_header)");
	return false;
}

static void report_problems(struct ktap_case *c, const struct dmar_table *t,
			    u8 kind)
{
	unsigned int i;

	for (i = 0; i < t->nr_problems; i++)
		if (t->problems[i].kind == kind)
			ktap_fail(c, "%s", t->problems[i].msg);
}

/* ACPI 6.5 5.2.6 header and 8.1 DMAR fields */
static void check_table_header(struct ktap_case *c, const struct dmar_table *t,
			       const struct dmar_env *env)
{
	static const char sig[] = "DMAR";
	unsigned int i;

	(void)env;
	report_problems(c, t, DMAR_PROB_HEADER);
	if (t->avail < ACPI_HEADER_LEN)
		return;
	for (i = 0; i < 4; i++)
		if (t->signature[i] != sig[i])
			break;
	if (i < 4)
		ktap_fail(c, "signature at 0x0 is \"%s\", expected \"DMAR\"",
			  t->signature);
	if (t->revision == 0)
		ktap_fail(c, "revision at 0x8 is 0 (8.1 defines revision 1)");
	if (!t->header_ok)
		return;
	if (t->flags & DMAR_FLAGS_RESERVED)
		ktap_diag("flags 0x%x at 0x25: reserved bits 7:3 set",
			  t->flags);
	if ((t->flags & DMAR_FLAGS_X2APIC_OPT_OUT) &&
	    !(t->flags & DMAR_FLAGS_INTR_REMAP))
		ktap_diag("X2APIC_OPT_OUT set without INTR_REMAP (only valid with it, 8.1)");
	if (t->reserved_nonzero)
		ktap_diag("reserved bytes 0x26..0x2f are not zero");
}

static void check_checksum(struct ktap_case *c, const struct dmar_table *t,
			   const struct dmar_env *env)
{
	(void)env;
	if (!need_header(c, t))
		return;
	if (t->length > t->avail) {
		ktap_skip(c, "table truncated: %zu of %u bytes available",
			  t->avail, t->length);
		return;
	}
	if (t->sum)
		ktap_fail(c, "bytes 0x0..0x%x sum to 0x%02x, not 0: checksum byte at 0x9 is 0x%02x, should be 0x%02x",
			  t->length - 1, t->sum, t->checksum,
			  (u8)(t->checksum - t->sum));
}

/* 8.1: HAW = N + 1; Linux rejects N < PAGE_SHIFT - 1 (width below 12). */
static void check_haw(struct ktap_case *c, const struct dmar_table *t,
		      const struct dmar_env *env)
{
	(void)env;
	if (!need_header(c, t))
		return;
	if (t->haw < 12)
		ktap_fail(c, "host address width field at 0x24 is %u: width %u bits is below 12 (4 KiB pages); Linux rejects the table",
			  t->width_field, t->haw);
	else if (t->haw > 64)
		ktap_fail(c, "host address width field at 0x24 is %u: width %u bits exceeds 64",
			  t->width_field, t->haw);
	else
		ktap_diag("host address width %u bits", t->haw);
}

static void check_struct_lengths(struct ktap_case *c,
				 const struct dmar_table *t,
				 const struct dmar_env *env)
{
	unsigned int i;
	const struct dmar_struct *st;

	(void)env;
	if (!need_header(c, t))
		return;
	report_problems(c, t, DMAR_PROB_LENGTH);
	for (i = 0; i < t->nr_structs; i++) {
		st = &t->structs[i];
		if (st->type >= DMAR_NR_TYPES)
			ktap_diag("structure at 0x%x has reserved type %u (length %u): skipped (8.2)",
				  st->offset, st->type, st->length);
	}
}

/* 8.1: structures are reported in numerical order of their types. */
static void check_struct_order(struct ktap_case *c, const struct dmar_table *t,
			       const struct dmar_env *env)
{
	const struct dmar_struct *st, *prev = NULL;
	unsigned int i;

	(void)env;
	if (!need_header(c, t))
		return;
	if (t->nr_structs < 2) {
		ktap_skip(c, "fewer than two structures");
		return;
	}
	for (i = 0; i < t->nr_structs; i++) {
		st = &t->structs[i];
		if (st->type >= DMAR_NR_TYPES)
			continue;
		if (prev && st->type < prev->type) {
			ktap_fail(c, "%s at 0x%x follows %s at 0x%x: 8.1 requires structures in numerical order of type",
				  dmar_type_name(st->type), st->offset,
				  dmar_type_name(prev->type), prev->offset);
			continue;
		}
		prev = st;
	}
}

static void check_limits(struct ktap_case *c, const struct dmar_table *t,
			 const struct dmar_env *env)
{
	static const unsigned int max[DMAR_NR_LIMITS] = {
		DMAR_MAX_DRHD, DMAR_MAX_RMRR, DMAR_MAX_ATSR, DMAR_MAX_RHSA,
		DMAR_MAX_ANDD, DMAR_MAX_SATC, DMAR_MAX_SIDP, DMAR_MAX_SCOPES,
		DMAR_MAX_STRUCTS, DMAR_MAX_PATH, DMAR_MAX_PROBLEMS,
	};
	static const char *const what[DMAR_NR_LIMITS] = {
		"DRHDs", "RMRRs", "ATSRs", "RHSAs", "ANDDs", "SATCs",
		"SIDPs", "device scopes", "structures",
		"device scopes with more path elements than",
		"problems (not listed)",
	};
	unsigned int i;

	(void)env;
	if (!need_header(c, t))
		return;
	for (i = 0; i < DMAR_NR_LIMITS; i++)
		if (t->dropped[i])
			ktap_fail(c, "%u %s beyond vtdtest's maximum of %u: not decoded or checked",
				  t->dropped[i], what[i], max[i]);
}

static bool segment_has_drhd(const struct dmar_table *t, u16 seg)
{
	unsigned int i;

	for (i = 0; i < t->nr_drhd; i++)
		if (t->drhd[i].segment == seg)
			return true;
	return false;
}

static void need_drhd(struct ktap_case *c, const struct dmar_table *t,
		      u8 type, u32 offset, u16 seg)
{
	if (!segment_has_drhd(t, seg))
		ktap_fail(c, "%s at 0x%x is for segment %u, which has no DRHD (8.3: one per segment)",
			  dmar_type_name(type), offset, seg);
}

/* 8.3: at least one DRHD, and one for every segment the table names. */
static void check_drhd_present(struct ktap_case *c, const struct dmar_table *t,
			       const struct dmar_env *env)
{
	unsigned int i;

	(void)env;
	if (!need_header(c, t))
		return;
	if (!t->nr_drhd && !t->dropped[DMAR_TYPE_DRHD]) {
		ktap_fail(c, "no DRHD structure in %u structures: 8.3 requires at least one per PCI segment",
			  t->nr_structs);
		return;
	}
	for (i = 0; i < t->nr_rmrr; i++)
		need_drhd(c, t, DMAR_TYPE_RMRR, t->rmrr[i].offset,
			  t->rmrr[i].segment);
	for (i = 0; i < t->nr_atsr; i++)
		need_drhd(c, t, DMAR_TYPE_ATSR, t->atsr[i].offset,
			  t->atsr[i].segment);
	for (i = 0; i < t->nr_satc; i++)
		need_drhd(c, t, DMAR_TYPE_SATC, t->satc[i].offset,
			  t->satc[i].segment);
	for (i = 0; i < t->nr_sidp; i++)
		need_drhd(c, t, DMAR_TYPE_SIDP, t->sidp[i].offset,
			  t->sidp[i].segment);
}

static bool drhd_base_usable(const struct dmar_drhd *d)
{
	return d->base && IS_ALIGNED(d->base, PAGE_4K);
}

/* 8.3: Register Base Address of a 4 KiB-aligned register set. */
static void check_drhd_base(struct ktap_case *c, const struct dmar_table *t,
			    const struct dmar_env *env)
{
	const struct dmar_drhd *d, *e;
	unsigned int i, j;

	(void)env;
	if (!need_header(c, t))
		return;
	if (!t->nr_drhd) {
		ktap_skip(c, "no DRHD structures");
		return;
	}
	for (i = 0; i < t->nr_drhd; i++) {
		d = &t->drhd[i];
		if (!d->base)
			ktap_fail(c, "DRHD at 0x%x: register base address (at 0x%x) is 0",
				  d->offset, d->offset + 8);
		else if (!IS_ALIGNED(d->base, PAGE_4K))
			ktap_fail(c, "DRHD at 0x%x: register base address 0x%llx (at 0x%x) is not 4 KiB aligned",
				  d->offset, (unsigned long long)d->base,
				  d->offset + 8);
		if (d->size & ~DMAR_DRHD_SIZE_MASK)
			ktap_diag("DRHD at 0x%x: size byte 0x%x has reserved bits 7:4 set",
				  d->offset, d->size);
		for (j = i + 1; j < t->nr_drhd; j++) {
			e = &t->drhd[j];
			if (d->base && e->base == d->base)
				ktap_fail(c, "DRHD at 0x%x and DRHD at 0x%x both have register base 0x%llx",
					  d->offset, e->offset,
					  (unsigned long long)d->base);
		}
	}
}

static bool regs_absent(u64 ver, u64 cap)
{
	return (u32)ver == 0xffffffffU || (u32)ver == 0 || cap == ~0ULL;
}

/* The unit answers at its base: VER (0x0) and CAP (0x8), VT-d 11.4.1-2. */
static void check_drhd_registers(struct ktap_case *c,
				 const struct dmar_table *t,
				 const struct dmar_env *env)
{
	const struct dmar_drhd *d;
	unsigned int i, n = 0;
	u64 ver, cap;

	if (!need_header(c, t))
		return;
	if (!t->nr_drhd) {
		ktap_skip(c, "no DRHD structures");
		return;
	}
	if (!env || !env->reg_read64) {
		ktap_skip(c, "no register access");
		return;
	}
	for (i = 0; i < t->nr_drhd; i++) {
		d = &t->drhd[i];
		if (!drhd_base_usable(d))
			continue;
		n++;
		ver = env->reg_read64(env->ctx, d->base + DMAR_REG_VER);
		cap = env->reg_read64(env->ctx, d->base + DMAR_REG_CAP);
		if (regs_absent(ver, cap))
			ktap_fail(c, "DRHD at 0x%x base 0x%llx: VER reads 0x%x, CAP 0x%llx: no remapping unit answers there",
				  d->offset, (unsigned long long)d->base,
				  (u32)ver, (unsigned long long)cap);
		else
			ktap_diag("DRHD at 0x%x base 0x%llx: VER %u.%u CAP 0x%llx",
				  d->offset, (unsigned long long)d->base,
				  ((u32)ver >> 4) & 0xf, (u32)ver & 0xf,
				  (unsigned long long)cap);
	}
	if (!n)
		ktap_skip(c, "no DRHD has a usable register base");
}

struct cap_field {
	const char *name;
	u16 reg;
	u64 mask;
};

static const struct cap_field cap_fields[] = {
	{ "CAP.SAGAW", DMAR_REG_CAP, CAP_SAGAW },
	{ "CAP.MGAW", DMAR_REG_CAP, CAP_MGAW },
	{ "CAP.CM", DMAR_REG_CAP, CAP_CM },
	{ "ECAP.QI", DMAR_REG_ECAP, ECAP_QI },
	{ "ECAP.IR", DMAR_REG_ECAP, ECAP_IR },
	{ "ECAP.EIM", DMAR_REG_ECAP, ECAP_EIM },
	{ "ECAP.NEST", DMAR_REG_ECAP, ECAP_NEST },
	{ "ECAP.PASID", DMAR_REG_ECAP, ECAP_PASID },
	{ "ECAP.SMTS", DMAR_REG_ECAP, ECAP_SMTS },
	{ "ECAP.SLTS", DMAR_REG_ECAP, ECAP_SLTS },
	{ "ECAP.FLTS", DMAR_REG_ECAP, ECAP_FLTS },
};

static bool unit_readable(const struct dmar_drhd *d,
			  const struct dmar_env *env)
{
	return drhd_base_usable(d) &&
	       !regs_absent(env->reg_read64(env->ctx, d->base + DMAR_REG_VER),
			    env->reg_read64(env->ctx, d->base + DMAR_REG_CAP));
}

static u64 unit_field(const struct dmar_drhd *d, const struct dmar_env *env,
		      const struct cap_field *f)
{
	return env->reg_read64(env->ctx, d->base + f->reg) & f->mask;
}

/*
 * Interrupt remapping (8.1 INTR_REMAP) needs every unit to support it
 * (ECAP.IR), with queued invalidation (ECAP.QI, the only way to invalidate
 * the interrupt entry cache), and x2APIC needs ECAP.EIM on all or none.
 * Other differences between units are legal and reported as diagnostics.
 */
static void check_unit_ir(struct ktap_case *c, const struct dmar_table *t,
			  const struct dmar_drhd *d, const struct dmar_env *env)
{
	u64 ecap = env->reg_read64(env->ctx, d->base + DMAR_REG_ECAP);

	if (!(t->flags & DMAR_FLAGS_INTR_REMAP))
		return;
	if (!(ecap & ECAP_IR))
		ktap_fail(c, "DRHD at 0x%x base 0x%llx: the table sets INTR_REMAP but ECAP 0x%llx has IR (bit 3) clear",
			  d->offset, (unsigned long long)d->base,
			  (unsigned long long)ecap);
	else if (!(ecap & ECAP_QI))
		ktap_fail(c, "DRHD at 0x%x base 0x%llx: ECAP 0x%llx has IR but not QI (bit 1)",
			  d->offset, (unsigned long long)d->base,
			  (unsigned long long)ecap);
}

static void check_drhd_caps(struct ktap_case *c, const struct dmar_table *t,
			    const struct dmar_env *env)
{
	const struct dmar_drhd *ref = NULL, *d;
	const struct cap_field *f;
	unsigned int i, k, n = 0;
	u64 a, b;

	if (!need_header(c, t))
		return;
	if (!env || !env->reg_read64) {
		ktap_skip(c, "no register access");
		return;
	}
	for (i = 0; i < t->nr_drhd; i++) {
		d = &t->drhd[i];
		if (!unit_readable(d, env))
			continue;
		n++;
		check_unit_ir(c, t, d, env);
		if (!ref) {
			ref = d;
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(cap_fields); k++) {
			f = &cap_fields[k];
			a = unit_field(ref, env, f);
			b = unit_field(d, env, f);
			if (a == b)
				continue;
			if (f->mask == ECAP_EIM && (t->flags & DMAR_FLAGS_INTR_REMAP))
				ktap_fail(c, "%s differs: DRHD at 0x%x has 0x%llx, DRHD at 0x%x has 0x%llx (x2APIC needs it on all units)",
					  f->name, ref->offset,
					  (unsigned long long)a, d->offset,
					  (unsigned long long)b);
			else
				ktap_diag("%s differs: DRHD at 0x%x has 0x%llx, DRHD at 0x%x has 0x%llx",
					  f->name, ref->offset,
					  (unsigned long long)a, d->offset,
					  (unsigned long long)b);
		}
	}
	if (!n)
		ktap_skip(c, "no readable remapping unit");
}

/*
 * 8.3: an INCLUDE_PCI_ALL DRHD covers every device of its segment not
 * named by another DRHD; it is at most one per segment and must be
 * enumerated after all other DRHDs of that segment.
 */
static void check_include_all(struct ktap_case *c, const struct dmar_table *t,
			      const struct dmar_env *env)
{
	const struct dmar_drhd *d, *all;
	unsigned int i, j;

	(void)env;
	if (!need_header(c, t))
		return;
	if (!t->nr_drhd) {
		ktap_skip(c, "no DRHD structures");
		return;
	}
	for (j = 0; j < t->nr_drhd; j++) {
		d = &t->drhd[j];
		for (i = 0, all = NULL; i < j && !all; i++)
			if (t->drhd[i].segment == d->segment &&
			    (t->drhd[i].flags & DMAR_DRHD_INCLUDE_PCI_ALL))
				all = &t->drhd[i];
		if (!all)
			continue;
		if (d->flags & DMAR_DRHD_INCLUDE_PCI_ALL)
			ktap_fail(c, "DRHD at 0x%x is a second INCLUDE_PCI_ALL unit for segment %u (first at 0x%x): at most one per segment",
				  d->offset, d->segment, all->offset);
		else
			ktap_fail(c, "DRHD at 0x%x (segment %u) follows the INCLUDE_PCI_ALL DRHD at 0x%x: that must be the last DRHD of its segment",
				  d->offset, d->segment, all->offset);
	}
	for (i = 0; i < t->nr_drhd; i++) {
		d = &t->drhd[i];
		if (!(d->flags & DMAR_DRHD_INCLUDE_PCI_ALL))
			continue;
		for (j = 0; j < d->nr_scopes; j++)
			if (is_pci_scope(t->scopes[d->scope_first + j].type))
				ktap_diag("INCLUDE_PCI_ALL DRHD at 0x%x lists a PCI %s scope at 0x%x",
					  d->offset,
					  dmar_scope_type_name(t->scopes[d->scope_first + j].type),
					  t->scopes[d->scope_first + j].offset);
	}
}

static bool need_rmrr(struct ktap_case *c, const struct dmar_table *t)
{
	if (!need_header(c, t))
		return false;
	if (t->nr_rmrr)
		return true;
	ktap_skip(c, "no RMRR structures");
	return false;
}

static bool rmrr_sane(const struct dmar_rmrr *r)
{
	return r->end >= r->base;
}

/* 8.4: base 4 KiB aligned, limit >= base, size a multiple of 4 KiB. */
static void check_rmrr_alignment(struct ktap_case *c,
				 const struct dmar_table *t,
				 const struct dmar_env *env)
{
	const struct dmar_rmrr *r;
	unsigned int i;

	(void)env;
	if (!need_rmrr(c, t))
		return;
	for (i = 0; i < t->nr_rmrr; i++) {
		r = &t->rmrr[i];
		if (!IS_ALIGNED(r->base, PAGE_4K))
			ktap_fail(c, "RMRR at 0x%x: base 0x%llx (at 0x%x) is not 4 KiB aligned",
				  r->offset, (unsigned long long)r->base,
				  r->offset + 8);
		if (!rmrr_sane(r))
			ktap_fail(c, "RMRR at 0x%x: end 0x%llx (at 0x%x) is below base 0x%llx",
				  r->offset, (unsigned long long)r->end,
				  r->offset + 16, (unsigned long long)r->base);
		else if (!IS_ALIGNED(r->end + 1, PAGE_4K))
			ktap_fail(c, "RMRR at 0x%x: end 0x%llx (at 0x%x) + 1 is not 4 KiB aligned",
				  r->offset, (unsigned long long)r->end,
				  r->offset + 16);
	}
}

static void check_rmrr_overlap(struct ktap_case *c, const struct dmar_table *t,
			       const struct dmar_env *env)
{
	const struct dmar_rmrr *a, *b;
	unsigned int i, j;

	(void)env;
	if (!need_rmrr(c, t))
		return;
	if (t->nr_rmrr < 2) {
		ktap_skip(c, "only one RMRR");
		return;
	}
	for (i = 0; i < t->nr_rmrr; i++) {
		a = &t->rmrr[i];
		for (j = i + 1; j < t->nr_rmrr && rmrr_sane(a); j++) {
			b = &t->rmrr[j];
			if (!rmrr_sane(b) || a->base > b->end || b->base > a->end)
				continue;
			ktap_fail(c, "RMRR at 0x%x [0x%llx, 0x%llx] overlaps RMRR at 0x%x [0x%llx, 0x%llx]",
				  a->offset, (unsigned long long)a->base,
				  (unsigned long long)a->end, b->offset,
				  (unsigned long long)b->base,
				  (unsigned long long)b->end);
		}
	}
}

/* 8.4: the region must be reserved in the memory map the OS receives. */
static void check_rmrr_reserved(struct ktap_case *c,
				const struct dmar_table *t,
				const struct dmar_env *env)
{
	const struct dmar_rmrr *r;
	unsigned int i;

	if (!need_rmrr(c, t))
		return;
	if (!env || !env->mem_is_reserved) {
		ktap_skip(c, "no memory map available");
		return;
	}
	for (i = 0; i < t->nr_rmrr; i++) {
		r = &t->rmrr[i];
		if (!rmrr_sane(r)) {
			ktap_diag("RMRR at 0x%x: end below base, not looked up",
				  r->offset);
			continue;
		}
		if (!env->mem_is_reserved(env->ctx, r->base, r->end))
			ktap_fail(c, "RMRR at 0x%x [0x%llx, 0x%llx] is not wholly inside memory the UEFI memory map marks reserved",
				  r->offset, (unsigned long long)r->base,
				  (unsigned long long)r->end);
	}
}

static bool need_scopes(struct ktap_case *c, const struct dmar_table *t)
{
	if (!need_header(c, t))
		return false;
	if (t->nr_scopes)
		return true;
	ktap_skip(c, "no device scopes");
	return false;
}

/* Scope types each structure may hold (8.3.1, 8.4, 8.5, 8.8, 8.9). */
static u8 allowed_scopes(u8 owner_type)
{
	switch (owner_type) {
	case DMAR_TYPE_DRHD:
		return BIT(DMAR_SCOPE_ENDPOINT) | BIT(DMAR_SCOPE_BRIDGE) |
		       BIT(DMAR_SCOPE_IOAPIC) | BIT(DMAR_SCOPE_HPET) |
		       BIT(DMAR_SCOPE_NAMESPACE);
	case DMAR_TYPE_RMRR:
		return BIT(DMAR_SCOPE_ENDPOINT) | BIT(DMAR_SCOPE_BRIDGE);
	case DMAR_TYPE_ATSR:
		return BIT(DMAR_SCOPE_BRIDGE);
	default:	/* SATC, SIDP */
		return BIT(DMAR_SCOPE_ENDPOINT) | BIT(DMAR_SCOPE_BRIDGE) |
		       BIT(DMAR_SCOPE_NAMESPACE);
	}
}

static void check_scope_types(struct ktap_case *c, const struct dmar_table *t,
			      const struct dmar_env *env)
{
	const struct dmar_scope *s;
	unsigned int i;
	char buf[200];

	(void)env;
	if (!need_scopes(c, t))
		return;
	for (i = 0; i < t->nr_scopes; i++) {
		s = &t->scopes[i];
		if (s->type == 0 || s->type > DMAR_SCOPE_NAMESPACE)
			ktap_fail(c, "%s: type %u is reserved (8.3.1)",
				  scope_str(t, s, buf, sizeof(buf)), s->type);
		else if (!(allowed_scopes(s->owner_type) & BIT(s->type)))
			ktap_fail(c, "%s: a %s may not hold %s scopes",
				  scope_str(t, s, buf, sizeof(buf)),
				  dmar_type_name(s->owner_type),
				  dmar_scope_type_name(s->type));
	}
}

static void report_scope(struct ktap_case *c, const struct dmar_table *t,
			 const struct dmar_scope *s)
{
	unsigned int e = s->fail_elem;
	char buf[200];

	scope_str(t, s, buf, sizeof(buf));
	switch (s->status) {
	case DMAR_SCOPE_BAD_PATH:
		if (!s->path_len || s->path_len > DMAR_MAX_PATH)
			ktap_fail(c, "%s: path of %u elements not resolved",
				  buf, s->path_len);
		else
			ktap_fail(c, "%s: element %u (%02x.%x) is not a device (0-31) and function (0-7)",
				  buf, e, s->path[e][0], s->path[e][1]);
		break;
	case DMAR_SCOPE_BRIDGE_ABSENT:
		ktap_fail(c, "%s: no device at element %u (%04x:%02x:%02x.%x), the path cannot be followed",
			  buf, e, s->segment, s->elem_bus[e], s->path[e][0],
			  s->path[e][1]);
		break;
	case DMAR_SCOPE_NOT_BRIDGE:
		ktap_fail(c, "%s: element %u (%04x:%02x:%02x.%x) is not a PCI-to-PCI bridge (header type not 1)",
			  buf, e, s->segment, s->elem_bus[e], s->path[e][0],
			  s->path[e][1]);
		break;
	case DMAR_SCOPE_ABSENT:
		ktap_fail(c, "%s: no device at %04x:%02x:%02x.%x (config space reads all ones)",
			  buf, s->segment, s->bus, PCI_SLOT(s->devfn),
			  PCI_FUNC(s->devfn));
		break;
	case DMAR_SCOPE_OK:
		if (s->type == DMAR_SCOPE_ENDPOINT &&
		    s->hdr_type != PCI_HEADER_TYPE_NORMAL)
			ktap_fail(c, "%s: endpoint scope names a device with header type %u, not 0",
				  buf, s->hdr_type);
		else if (s->type == DMAR_SCOPE_BRIDGE &&
			 s->hdr_type != PCI_HEADER_TYPE_BRIDGE)
			ktap_fail(c, "%s: bridge scope names a device with header type %u, not 1",
				  buf, s->hdr_type);
		break;
	}
}

/* 8.3.1: every scope names a device that exists, of the right kind. */
static void check_device_scopes(struct ktap_case *c,
				const struct dmar_table *t,
				const struct dmar_env *env)
{
	unsigned int i;

	if (!need_scopes(c, t))
		return;
	if (!env || !env->pci_read32) {
		ktap_skip(c, "no PCI config access");
		return;
	}
	for (i = 0; i < t->nr_scopes; i++)
		if (t->scopes[i].status != DMAR_SCOPE_UNRESOLVED)
			break;
	if (i == t->nr_scopes) {
		ktap_skip(c, "device scopes not resolved (dmar_resolve not run)");
		return;
	}
	for (i = 0; i < t->nr_scopes; i++)
		report_scope(c, t, &t->scopes[i]);
}

static const struct dmar_drhd *drhd_by_base(const struct dmar_table *t,
					    u64 base)
{
	unsigned int i;

	for (i = 0; i < t->nr_drhd; i++)
		if (t->drhd[i].base == base)
			return &t->drhd[i];
	return NULL;
}

/*
 * 8.6: each RHSA names the register base of a DRHD; when RHSAs are used,
 * every DRHD has one.
 */
static void check_rhsa(struct ktap_case *c, const struct dmar_table *t,
		       const struct dmar_env *env)
{
	const struct dmar_rhsa *r;
	unsigned int i, j;

	(void)env;
	if (!need_header(c, t))
		return;
	if (!t->nr_rhsa) {
		ktap_skip(c, "no RHSA structures");
		return;
	}
	for (i = 0; i < t->nr_rhsa; i++) {
		r = &t->rhsa[i];
		if (!drhd_by_base(t, r->base))
			ktap_fail(c, "RHSA at 0x%x names register base 0x%llx (at 0x%x): no DRHD has that base",
				  r->offset, (unsigned long long)r->base,
				  r->offset + 8);
		for (j = i + 1; j < t->nr_rhsa; j++)
			if (t->rhsa[j].base == r->base)
				ktap_fail(c, "RHSA at 0x%x and RHSA at 0x%x both name register base 0x%llx",
					  r->offset, t->rhsa[j].offset,
					  (unsigned long long)r->base);
	}
	for (i = 0; i < t->nr_drhd; i++) {
		for (j = 0; j < t->nr_rhsa; j++)
			if (t->rhsa[j].base == t->drhd[i].base)
				break;
		if (j == t->nr_rhsa)
			ktap_fail(c, "DRHD at 0x%x (base 0x%llx) has no RHSA; 8.6 wants one per DRHD when RHSAs are used",
				  t->drhd[i].offset,
				  (unsigned long long)t->drhd[i].base);
	}
}

static const struct dmar_andd *andd_by_number(const struct dmar_table *t,
					      u8 number)
{
	unsigned int i;

	for (i = 0; i < t->nr_andd; i++)
		if (t->andd[i].number == number)
			return &t->andd[i];
	return NULL;
}

/*
 * 8.7: each ANDD has a unique ACPI device number and a NUL-terminated
 * name; an ACPI namespace scope (8.3.1) names one by its Enumeration ID.
 */
static void check_andd(struct ktap_case *c, const struct dmar_table *t,
		       const struct dmar_env *env)
{
	const struct dmar_andd *a;
	const struct dmar_scope *s;
	unsigned int i, j, n = 0;
	char buf[200];

	(void)env;
	if (!need_header(c, t))
		return;
	for (i = 0; i < t->nr_scopes; i++) {
		s = &t->scopes[i];
		if (s->type != DMAR_SCOPE_NAMESPACE)
			continue;
		n++;
		if (!andd_by_number(t, s->enum_id))
			ktap_fail(c, "%s: no ANDD declares ACPI device %u",
				  scope_str(t, s, buf, sizeof(buf)),
				  s->enum_id);
	}
	if (!t->nr_andd && !n) {
		ktap_skip(c, "no ANDD structures or ACPI namespace scopes");
		return;
	}
	for (i = 0; i < t->nr_andd; i++) {
		a = &t->andd[i];
		if (!a->nul_terminated)
			ktap_fail(c, "ANDD at 0x%x (device %u): the %u-byte name at 0x%x (\"%s\") is not NUL terminated",
				  a->offset, a->number, a->name_bytes,
				  a->offset + DMAR_ANDD_LEN, a->name);
		else if (!a->name[0])
			ktap_fail(c, "ANDD at 0x%x (device %u): empty name",
				  a->offset, a->number);
		for (j = i + 1; j < t->nr_andd; j++)
			if (t->andd[j].number == a->number)
				ktap_fail(c, "ANDD at 0x%x and ANDD at 0x%x both declare ACPI device %u",
					  a->offset, t->andd[j].offset,
					  a->number);
	}
}

/*
 * 8.5: ALL_PORTS clear means the scopes list the root ports that support
 * ATS, so there must be at least one; one ATSR per segment.
 */
static void check_atsr(struct ktap_case *c, const struct dmar_table *t,
		       const struct dmar_env *env)
{
	const struct dmar_atsr *a;
	unsigned int i, j;

	(void)env;
	if (!need_header(c, t))
		return;
	if (!t->nr_atsr) {
		ktap_skip(c, "no ATSR structures");
		return;
	}
	for (i = 0; i < t->nr_atsr; i++) {
		a = &t->atsr[i];
		if (!(a->flags & DMAR_ATSR_ALL_PORTS) && !a->nr_scopes)
			ktap_fail(c, "ATSR at 0x%x (segment %u): ALL_PORTS is clear and no device scope names a root port",
				  a->offset, a->segment);
		if ((a->flags & DMAR_ATSR_ALL_PORTS) && a->nr_scopes)
			ktap_diag("ATSR at 0x%x: ALL_PORTS set, its %u device scope(s) are redundant",
				  a->offset, a->nr_scopes);
		if (a->flags & ~DMAR_ATSR_ALL_PORTS)
			ktap_diag("ATSR at 0x%x: flags 0x%x has reserved bits set",
				  a->offset, a->flags);
		for (j = i + 1; j < t->nr_atsr; j++)
			if (t->atsr[j].segment == a->segment)
				ktap_fail(c, "ATSR at 0x%x and ATSR at 0x%x both describe segment %u",
					  a->offset, t->atsr[j].offset,
					  a->segment);
	}
}

/* 8.8: a SATC lists the SoC devices with an address translation cache. */
static void check_satc(struct ktap_case *c, const struct dmar_table *t,
		       const struct dmar_env *env)
{
	const struct dmar_satc *s;
	unsigned int i;

	(void)env;
	if (!need_header(c, t))
		return;
	if (!t->nr_satc) {
		ktap_skip(c, "no SATC structures");
		return;
	}
	for (i = 0; i < t->nr_satc; i++) {
		s = &t->satc[i];
		if (!s->nr_scopes)
			ktap_fail(c, "SATC at 0x%x (segment %u) has no device scope: it reports no device",
				  s->offset, s->segment);
		if (s->flags & ~DMAR_SATC_ATC_REQUIRED)
			ktap_diag("SATC at 0x%x: flags 0x%x has reserved bits set",
				  s->offset, s->flags);
	}
}

/* 8.9: a SIDP lists SoC integrated devices with special properties. */
static void check_sidp(struct ktap_case *c, const struct dmar_table *t,
		       const struct dmar_env *env)
{
	const struct dmar_sidp *s;
	unsigned int i;

	(void)env;
	if (!need_header(c, t))
		return;
	if (!t->nr_sidp) {
		ktap_skip(c, "no SIDP structures");
		return;
	}
	for (i = 0; i < t->nr_sidp; i++) {
		s = &t->sidp[i];
		if (!s->nr_scopes)
			ktap_fail(c, "SIDP at 0x%x (segment %u) has no device scope: it reports no device",
				  s->offset, s->segment);
		if (s->reserved)
			ktap_diag("SIDP at 0x%x: reserved field 0x%x is not zero",
				  s->offset, s->reserved);
	}
}

const struct dmar_check dmar_checks[] = {
	{ "table_header", check_table_header },
	{ "checksum", check_checksum },
	{ "host_address_width", check_haw },
	{ "structure_lengths", check_struct_lengths },
	{ "structure_order", check_struct_order },
	{ "parser_limits", check_limits },
	{ "drhd_present", check_drhd_present },
	{ "drhd_base", check_drhd_base },
	{ "drhd_registers", check_drhd_registers },
	{ "drhd_caps", check_drhd_caps },
	{ "drhd_include_all", check_include_all },
	{ "rmrr_alignment", check_rmrr_alignment },
	{ "rmrr_overlap", check_rmrr_overlap },
	{ "rmrr_reserved", check_rmrr_reserved },
	{ "scope_types", check_scope_types },
	{ "device_scopes", check_device_scopes },
	{ "rhsa_units", check_rhsa },
	{ "andd", check_andd },
	{ "atsr", check_atsr },
	{ "satc", check_satc },
	{ "sidp", check_sidp },
};

const unsigned int dmar_nr_checks = ARRAY_SIZE(dmar_checks);
