// SPDX-License-Identifier: GPL-2.0
/*
 * ECAM enumeration: every function on every bus MCFG describes, in bus
 * order, so device scopes that reach behind bridges can be matched against
 * what really exists.
 */
#include "drivers/acpi/tables.h"
#include "drivers/pci.h"
#include "lib/io.h"

#define ECAM_BUS_SHIFT		20
#define ECAM_DEVFN_SHIFT	12
#define PCI_CAP_LIST_MAX	48	/* bound on a looping capability list */
#define PCI_EXT_CAP_START	0x100
#define PCI_EXT_CAP_MAX		((0x1000 - 0x100) / 4)
#define PCI_EXT_CAP_ID_MASK	0xffffU
#define PCI_EXT_CAP_NEXT_SHIFT	20
#define PCI_BAR_MEM_TYPE_64	0x4
#define PCI_BAR_IO		0x1

static struct pci_dev devices[PCI_MAX_DEVICES];
static unsigned int nr_devices;

static u64 ecam_address(u16 seg, u8 bus, u8 devfn, u16 off)
{
	const struct acpi_mcfg_alloc *a;
	unsigned int n = acpi_mcfg(&a);

	if (off > 0xffc)
		return 0;
	for (unsigned int i = 0; i < n; i++) {
		/* The MCFG base address corresponds to bus 0. */
		if (a[i].segment == seg && bus >= a[i].start_bus &&
		    bus <= a[i].end_bus)
			return a[i].base + ((u64)bus << ECAM_BUS_SHIFT) +
			       ((u64)devfn << ECAM_DEVFN_SHIFT) + off;
	}
	return 0;
}

u32 pci_read32(u16 seg, u8 bus, u8 devfn, u16 off)
{
	u64 a = ecam_address(seg, bus, devfn, off & ~3);

	return a ? mmio_read32(a) : ~0U;
}

u16 pci_read16(u16 seg, u8 bus, u8 devfn, u16 off)
{
	return pci_read32(seg, bus, devfn, off) >> ((off & 2) * 8);
}

u8 pci_read8(u16 seg, u8 bus, u8 devfn, u16 off)
{
	return pci_read32(seg, bus, devfn, off) >> ((off & 3) * 8);
}

void pci_write32(u16 seg, u8 bus, u8 devfn, u16 off, u32 v)
{
	u64 a = ecam_address(seg, bus, devfn, off & ~3);

	if (a)
		mmio_write32(a, v);
}

void pci_write16(u16 seg, u8 bus, u8 devfn, u16 off, u16 v)
{
	u64 a = ecam_address(seg, bus, devfn, off & ~1);

	if (a)
		mmio_write16(a, v);
}

static void add_device(u16 seg, u8 bus, u8 devfn, u32 id)
{
	struct pci_dev *d;

	if (nr_devices == PCI_MAX_DEVICES)
		return;
	d = &devices[nr_devices++];
	*d = (struct pci_dev){
		.segment = seg, .bus = bus, .devfn = devfn,
		.vendor = id & 0xffff, .device = id >> 16,
		.class_rev = pci_read32(seg, bus, devfn, PCI_CLASS_REVISION),
		.header_type = pci_read8(seg, bus, devfn, PCI_HEADER_TYPE),
		.iommu = -1,
	};
}

static void scan_bus(u16 seg, u8 bus)
{
	for (u8 dev = 0; dev < 32; dev++) {
		u32 id = pci_read32(seg, bus, PCI_DEVFN(dev, 0), PCI_VENDOR_ID);
		unsigned int nr_fn;

		if ((id & 0xffff) == 0xffff)
			continue;
		add_device(seg, bus, PCI_DEVFN(dev, 0), id);
		nr_fn = pci_read8(seg, bus, PCI_DEVFN(dev, 0), PCI_HEADER_TYPE) &
			PCI_HEADER_MULTIFUNC ? 8 : 1;
		for (u8 fn = 1; fn < nr_fn; fn++) {
			id = pci_read32(seg, bus, PCI_DEVFN(dev, fn),
					PCI_VENDOR_ID);
			if ((id & 0xffff) != 0xffff)
				add_device(seg, bus, PCI_DEVFN(dev, fn), id);
		}
	}
}

unsigned int pci_init(void)
{
	const struct acpi_mcfg_alloc *a;
	unsigned int n = acpi_mcfg(&a);

	nr_devices = 0;
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int bus = a[i].start_bus; bus <= a[i].end_bus;
		     bus++)
			scan_bus(a[i].segment, bus);
	return nr_devices;
}

unsigned int pci_device_count(void)
{
	return nr_devices;
}

struct pci_dev *pci_device(unsigned int i)
{
	return i < nr_devices ? &devices[i] : NULL;
}

struct pci_dev *pci_find(u16 vendor, u16 device, unsigned int instance)
{
	for (unsigned int i = 0; i < nr_devices; i++)
		if (devices[i].vendor == vendor &&
		    devices[i].device == device && !instance--)
			return &devices[i];
	return NULL;
}

u64 pci_bar_address(const struct pci_dev *d, unsigned int bar)
{
	u16 off = PCI_BAR0 + 4 * bar;
	u32 lo = pci_read32(d->segment, d->bus, d->devfn, off);
	u64 addr = lo & ~0xfULL;

	if (bar > 5 || (lo & PCI_BAR_IO))
		return 0;
	if ((lo & 0x6) == PCI_BAR_MEM_TYPE_64 && bar < 5)
		addr |= (u64)pci_read32(d->segment, d->bus, d->devfn,
					off + 4) << 32;
	return addr;
}

u8 pci_find_capability(const struct pci_dev *d, u8 id)
{
	u8 pos = pci_read8(d->segment, d->bus, d->devfn, PCI_CAPABILITY_LIST);

	for (unsigned int i = 0; i < PCI_CAP_LIST_MAX && pos >= 0x40; i++) {
		pos &= ~3;
		if (pci_read8(d->segment, d->bus, d->devfn, pos) == id)
			return pos;
		pos = pci_read8(d->segment, d->bus, d->devfn, pos + 1);
	}
	return 0;
}

u16 pci_find_ext_capability(const struct pci_dev *d, u16 id)
{
	u16 pos = PCI_EXT_CAP_START;

	for (unsigned int i = 0; i < PCI_EXT_CAP_MAX && pos >= PCI_EXT_CAP_START;
	     i++) {
		u32 hdr = pci_read32(d->segment, d->bus, d->devfn, pos);

		if (hdr == 0 || hdr == ~0U)
			return 0;
		if ((hdr & PCI_EXT_CAP_ID_MASK) == id)
			return pos;
		pos = (hdr >> PCI_EXT_CAP_NEXT_SHIFT) & ~3U;
	}
	return 0;
}

/* PCIe 6.0 7.8.8: the PASID capability and control registers. */
#define PCI_PASID_CAP		0x04
#define PCI_PASID_CTRL		0x06
#define PCI_PASID_CTRL_ENABLE	BIT(0)

u16 pci_pasid_features(const struct pci_dev *d, u16 cap)
{
	return pci_read16(d->segment, d->bus, d->devfn, cap + PCI_PASID_CAP) &
	       PCI_PASID_FEATURES;
}

/*
 * As Linux's pci_enable_pasid(): the enables of @features sit at the bits
 * of the capability register's supported flags.
 */
u16 pci_enable_pasid(const struct pci_dev *d, u16 cap, u16 features)
{
	u16 ctrl = pci_read16(d->segment, d->bus, d->devfn, cap + PCI_PASID_CTRL);

	pci_write16(d->segment, d->bus, d->devfn, cap + PCI_PASID_CTRL,
		    ctrl | PCI_PASID_CTRL_ENABLE | (features & PCI_PASID_FEATURES));
	return ctrl;
}

void pci_restore_pasid(const struct pci_dev *d, u16 cap, u16 ctrl)
{
	pci_write16(d->segment, d->bus, d->devfn, cap + PCI_PASID_CTRL, ctrl);
}
