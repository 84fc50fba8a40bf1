// SPDX-License-Identifier: GPL-2.0
/*
 * UEFI entry: read vtdtest.cfg from our own volume, find the ACPI 2.0 RSDP
 * and the GOP framebuffer, reserve the page pool, take the memory map and
 * leave boot services.
 * Nothing here may fail silently: a problem is written into boot_info and
 * becomes a failing test once the kernel reports over serial.
 */
#include <efi.h>

#include "boot/boot.h"
#include "lib/cfg.h"
#include "lib/printf.h"

#define KERNEL_STACK_SIZE	(64 * 1024)
#define EBS_MAX_ATTEMPTS	8
#define MMAP_SLACK_DESCS	32
#define POOL_MIN_MB		8

static struct boot_info boot_info;
static u8 kernel_stack[KERNEL_STACK_SIZE] __aligned(16);

static EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
static EFI_GUID sfs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;
static EFI_GUID gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;

static void note_error(struct boot_info *bi, const char *what, EFI_STATUS st)
{
	if (bi->error[0])
		return;
	ksnprintf(bi->error, sizeof(bi->error), "%s: EFI status 0x%llx",
		  what, (unsigned long long)st);
}

static EFI_FILE_HANDLE open_own_root(EFI_HANDLE image, EFI_BOOT_SERVICES *bs,
				     struct boot_info *bi)
{
	EFI_LOADED_IMAGE *li;
	EFI_FILE_IO_INTERFACE *fs;
	EFI_FILE_HANDLE root;
	EFI_STATUS st;

	st = bs->HandleProtocol(image, &loaded_image_guid, (void **)&li);
	if (EFI_ERROR(st)) {
		note_error(bi, "LoadedImage protocol", st);
		return NULL;
	}
	bi->image_base = (u64)(uintptr_t)li->ImageBase;
	st = bs->HandleProtocol(li->DeviceHandle, &sfs_guid, (void **)&fs);
	if (EFI_ERROR(st)) {
		note_error(bi, "SimpleFileSystem on the boot volume", st);
		return NULL;
	}
	st = fs->OpenVolume(fs, &root);
	if (EFI_ERROR(st)) {
		note_error(bi, "OpenVolume", st);
		return NULL;
	}
	return root;
}

/* A missing file is not an error: the defaults apply. */
static void read_cfg(EFI_HANDLE image, EFI_BOOT_SERVICES *bs,
		     struct boot_info *bi)
{
	EFI_FILE_HANDLE root, file;
	UINTN size = BOOT_CFG_MAX + 1;
	EFI_STATUS st;

	root = open_own_root(image, bs, bi);
	if (!root)
		return;
	st = root->Open(root, &file, L"\\vtdtest.cfg", EFI_FILE_MODE_READ, 0);
	if (st == EFI_NOT_FOUND) {
		root->Close(root);
		return;
	}
	if (EFI_ERROR(st)) {
		note_error(bi, "opening vtdtest.cfg", st);
		root->Close(root);
		return;
	}
	st = file->Read(file, &size, bi->cfg);
	if (EFI_ERROR(st))
		note_error(bi, "reading vtdtest.cfg", st);
	else if (size > BOOT_CFG_MAX)
		ksnprintf(bi->error, sizeof(bi->error),
			  "vtdtest.cfg is larger than %u bytes", BOOT_CFG_MAX);
	else
		bi->cfg_found = true;
	bi->cfg[size > BOOT_CFG_MAX ? 0 : size] = '\0';
	file->Close(file);
	root->Close(root);
}

static void find_rsdp(EFI_SYSTEM_TABLE *st, struct boot_info *bi)
{
	for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];

		if (!__builtin_memcmp(&t->VendorGuid, &acpi20_guid,
				      sizeof(EFI_GUID))) {
			bi->rsdp = (u64)(uintptr_t)t->VendorTable;
			return;
		}
	}
}

/* No GOP is no error: headless machines and QEMU -nodefaults have none. */
static void find_gop(EFI_BOOT_SERVICES *bs, struct boot_info *bi)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info;
	struct boot_fb *fb = &bi->fb;
	EFI_STATUS st;

	st = bs->LocateProtocol(&gop_guid, NULL, (void **)&gop);
	if (st == EFI_NOT_FOUND)
		return;
	if (EFI_ERROR(st)) {
		note_error(bi, "locating the Graphics Output Protocol", st);
		return;
	}
	info = gop->Mode->Info;
	switch (info->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor:
		fb->format = BOOT_FB_RGBX;
		break;
	case PixelBlueGreenRedReserved8BitPerColor:
		fb->format = BOOT_FB_BGRX;
		break;
	case PixelBitMask:
		fb->format = BOOT_FB_BITMASK;
		break;
	case PixelBltOnly:
	default:	/* a format UEFI 2.10 does not define: nothing to draw */
		fb->format = BOOT_FB_BLT_ONLY;
		break;
	}
	fb->base = gop->Mode->FrameBufferBase;
	fb->size = gop->Mode->FrameBufferSize;
	fb->width = info->HorizontalResolution;
	fb->height = info->VerticalResolution;
	fb->stride = info->PixelsPerScanLine;
}

/*
 * The pool holds every page table and DMA buffer. It stays below 4 GiB so
 * devices with 32-bit DMA can reach it; we halve the request until it fits.
 */
static void reserve_pool(EFI_BOOT_SERVICES *bs, struct boot_info *bi,
			 unsigned int mb)
{
	EFI_STATUS st = EFI_OUT_OF_RESOURCES;

	for (; mb >= POOL_MIN_MB; mb /= 2) {
		EFI_PHYSICAL_ADDRESS addr = 0xffffffffULL;
		UINTN pages = (UINTN)mb * 256;

		st = bs->AllocatePages(AllocateMaxAddress, EfiLoaderData,
				       pages, &addr);
		if (!EFI_ERROR(st)) {
			bi->pool_base = addr;
			bi->pool_pages = pages;
			return;
		}
	}
	note_error(bi, "reserving the page pool below 4 GiB", st);
}

/*
 * UEFI 2.10 7.4.6: if the map key went stale, only GetMemoryMap may be
 * called before trying ExitBootServices again.
 */
static EFI_STATUS leave_boot_services(EFI_HANDLE image, EFI_BOOT_SERVICES *bs,
				      struct boot_info *bi)
{
	UINTN size = 0, key, desc_size, cap;
	UINT32 desc_ver;
	EFI_STATUS st;
	void *buf;

	st = bs->GetMemoryMap(&size, NULL, &key, &desc_size, &desc_ver);
	if (st != EFI_BUFFER_TOO_SMALL)
		return st;
	cap = size + MMAP_SLACK_DESCS * desc_size;
	st = bs->AllocatePool(EfiLoaderData, cap, &buf);
	if (EFI_ERROR(st))
		return st;
	for (bi->ebs_attempts = 1; bi->ebs_attempts <= EBS_MAX_ATTEMPTS;
	     bi->ebs_attempts++) {
		size = cap;
		st = bs->GetMemoryMap(&size, buf, &key, &desc_size, &desc_ver);
		if (EFI_ERROR(st))
			return st;
		st = bs->ExitBootServices(image, key);
		if (!EFI_ERROR(st)) {
			bi->mmap = buf;
			bi->mmap_size = size;
			bi->mmap_desc_size = desc_size;
			return EFI_SUCCESS;
		}
		if (st != EFI_INVALID_PARAMETER)
			return st;
	}
	return st;
}

/* GNU-EFI's crt0 calls this with the System V ABI, after relocation. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_BOOT_SERVICES *bs = st->BootServices;
	struct boot_info *bi = &boot_info;
	EFI_STATUS status;

	/* The watchdog would reset the machine in the middle of a run. */
	bs->SetWatchdogTimer(0, 0, 0, NULL);
	read_cfg(image, bs, bi);
	find_rsdp(st, bi);
	find_gop(bs, bi);
	/* Parsed now for the pool size; the kernel reports its errors. */
	cfg_parse(&bi->config, bi->cfg_found ? bi->cfg : NULL);
	reserve_pool(bs, bi, bi->config.pool_mb);

	status = leave_boot_services(image, bs, bi);
	if (EFI_ERROR(status)) {
		/* Boot services are still ours: say so on the console. */
		st->ConOut->OutputString(st->ConOut,
			L"vtdtest: ExitBootServices failed\r\n");
		return status;
	}
	boot_switch_stack((u64)(uintptr_t)(kernel_stack + sizeof(kernel_stack)),
			  kernel_main, bi);
}
