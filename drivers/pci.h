/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI Express configuration space through ECAM (PCI Firmware 3.3, MCFG).
 */
#ifndef VTDTEST_DRIVERS_PCI_H
#define VTDTEST_DRIVERS_PCI_H

#include "lib/types.h"

#define PCI_MAX_DEVICES		256

#define PCI_VENDOR_ID		0x00
#define PCI_COMMAND		0x04
#define PCI_CLASS_REVISION	0x08
#define PCI_HEADER_TYPE		0x0e
#define PCI_BAR0		0x10
#define PCI_SECONDARY_BUS	0x19
#define PCI_SUBORDINATE_BUS	0x1a
#define PCI_CAPABILITY_LIST	0x34

#define PCI_COMMAND_MEMORY	BIT(1)
#define PCI_COMMAND_MASTER	BIT(2)
#define PCI_COMMAND_INTX_DISABLE BIT(10)
#define PCI_HEADER_TYPE_MASK	0x7f
#define PCI_HEADER_MULTIFUNC	0x80
#define PCI_HEADER_BRIDGE	1

#define PCI_DEVFN(dev, fn)	((u8)(((dev) << 3) | (fn)))
#define PCI_SLOT(devfn)		((devfn) >> 3)
#define PCI_FUNC(devfn)		((devfn) & 7)

struct pci_dev {
	u16 segment;
	u8 bus;
	u8 devfn;
	u16 vendor;
	u16 device;
	u32 class_rev;
	u8 header_type;
	int iommu;		/* remapping unit index, -1: none */
};

/* Maps ECAM from MCFG and enumerates every bus it covers. */
unsigned int pci_init(void);
unsigned int pci_device_count(void);
struct pci_dev *pci_device(unsigned int i);
struct pci_dev *pci_find(u16 vendor, u16 device, unsigned int instance);

/* All ones when the function or its segment and bus have no ECAM. */
u32 pci_read32(u16 seg, u8 bus, u8 devfn, u16 off);
u16 pci_read16(u16 seg, u8 bus, u8 devfn, u16 off);
u8 pci_read8(u16 seg, u8 bus, u8 devfn, u16 off);
void pci_write32(u16 seg, u8 bus, u8 devfn, u16 off, u32 v);
void pci_write16(u16 seg, u8 bus, u8 devfn, u16 off, u16 v);

/* The Command register (PCI 3.0 6.2.2). */
static inline u16 pci_command(const struct pci_dev *d)
{
	return pci_read16(d->segment, d->bus, d->devfn, PCI_COMMAND);
}

static inline void pci_set_command(const struct pci_dev *d, u16 v)
{
	pci_write16(d->segment, d->bus, d->devfn, PCI_COMMAND, v);
}

/* The memory BAR @bar (64-bit aware), 0 when it is not a memory BAR. */
u64 pci_bar_address(const struct pci_dev *d, unsigned int bar);
/* The offset of capability @id in the standard list, 0 when absent. */
u8 pci_find_capability(const struct pci_dev *d, u8 id);
/* PCIe 6.0 7.6: extended capability @id from 0x100, 0 when absent. */
u16 pci_find_ext_capability(const struct pci_dev *d, u16 id);

#define PCI_EXT_CAP_ID_PASID	0x1b

/* PCIe 6.0 7.8.8: Execute and Privileged Mode Supported, and Enable. */
#define PCI_PASID_CAP_EXEC	BIT(1)
#define PCI_PASID_CAP_PRIV	BIT(2)
#define PCI_PASID_FEATURES	(PCI_PASID_CAP_EXEC | PCI_PASID_CAP_PRIV)

/* The PASID features (PCI_PASID_CAP_*) of @d's capability at @cap. */
u16 pci_pasid_features(const struct pci_dev *d, u16 cap);
/* PASID Enable with @features; returns the control word it found. */
u16 pci_enable_pasid(const struct pci_dev *d, u16 cap, u16 features);
/* The control word pci_enable_pasid() found, back at exit. */
void pci_restore_pasid(const struct pci_dev *d, u16 cap, u16 ctrl);

static inline u16 pci_source_id(const struct pci_dev *d)
{
	return (u16)d->bus << 8 | d->devfn;
}

#endif /* VTDTEST_DRIVERS_PCI_H */
