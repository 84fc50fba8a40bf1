// SPDX-License-Identifier: GPL-2.0
/*
 * GOP framebuffer text: 32-bit pixels with 8-bit channels, RGBX or BGRX,
 * written directly after ExitBootServices (the framebuffer stays mapped
 * 1:1 in the firmware's page tables, which the kernel keeps).
 */
#include "drivers/fbcon.h"
#include "lib/printf.h"

#define FBCON_STATUS_LEN	200
#define FBCON_SCALE_MAX		32
#define RGB_RED(c)		(((c) >> 16) & 0xff)
#define RGB_GREEN(c)		(((c) >> 8) & 0xff)
#define RGB_BLUE(c)		((c) & 0xff)

static struct {
	volatile u32 *base;		/* NULL: nothing to draw on */
	u32 width;
	u32 height;
	u32 stride;
	enum boot_fb_format format;
	char status[FBCON_STATUS_LEN];
} fbcon;

/* UEFI 2.10 12.9: byte 0 is red (RGBX) or blue (BGRX), byte 3 reserved. */
static u32 fbcon_pixel(u32 rgb)
{
	if (fbcon.format == BOOT_FB_RGBX)
		return RGB_RED(rgb) | RGB_GREEN(rgb) << 8 | RGB_BLUE(rgb) << 16;
	return RGB_BLUE(rgb) | RGB_GREEN(rgb) << 8 | RGB_RED(rgb) << 16;
}

void fbcon_init(const struct boot_fb *fb)
{
	const char *fmt = fb->format == BOOT_FB_RGBX ? "RGBX" : "BGRX";

	switch (fb->format) {
	case BOOT_FB_NONE:
		ksnprintf(fbcon.status, sizeof(fbcon.status),
			  "no GOP, the result is on the console only");
		return;
	case BOOT_FB_BITMASK:
		ksnprintf(fbcon.status, sizeof(fbcon.status),
			  "GOP %ux%u PixelBitMask not used: its channels sit where its masks say, vtdtest draws 32-bit RGBX and BGRX only",
			  fb->width, fb->height);
		return;
	case BOOT_FB_BLT_ONLY:
		ksnprintf(fbcon.status, sizeof(fbcon.status),
			  "GOP %ux%u PixelBltOnly not used: no linear framebuffer, and Blt() is a boot service",
			  fb->width, fb->height);
		return;
	case BOOT_FB_RGBX:
	case BOOT_FB_BGRX:
		break;
	}
	if (!fb->base || !fb->width || !fb->height || fb->stride < fb->width ||
	    (u64)fb->stride * fb->height * sizeof(u32) > fb->size) {
		ksnprintf(fbcon.status, sizeof(fbcon.status),
			  "GOP %ux%u %s, %u pixels per line, at 0x%llx (0x%llx bytes) not used: the mode does not fit the framebuffer",
			  fb->width, fb->height, fmt, fb->stride,
			  (unsigned long long)fb->base,
			  (unsigned long long)fb->size);
		return;
	}
	fbcon.base = (volatile u32 *)(uintptr_t)fb->base;
	fbcon.width = fb->width;
	fbcon.height = fb->height;
	fbcon.stride = fb->stride;
	fbcon.format = fb->format;
	ksnprintf(fbcon.status, sizeof(fbcon.status),
		  "GOP %ux%u %s, %u pixels per line, at 0x%llx (0x%llx bytes): the result is drawn there",
		  fb->width, fb->height, fmt, fb->stride,
		  (unsigned long long)fb->base, (unsigned long long)fb->size);
}

const char *fbcon_status(void)
{
	return fbcon.status;
}

/* The rectangle must lie on the screen; callers clip. */
static void fbcon_fill(u32 x, u32 y, u32 w, u32 h, u32 pixel)
{
	for (u32 row = y; row < y + h; row++) {
		volatile u32 *line = fbcon.base + (u64)row * fbcon.stride;

		for (u32 col = x; col < x + w; col++)
			line[col] = pixel;
	}
}

bool fbcon_size(u32 *width, u32 *height)
{
	*width = fbcon.width;
	*height = fbcon.height;
	return fbcon.base != NULL;
}

void fbcon_clear(u32 rgb)
{
	if (fbcon.base)
		fbcon_fill(0, 0, fbcon.width, fbcon.height, fbcon_pixel(rgb));
}

static void fbcon_glyph(u32 x, u32 y, u32 scale, u32 fg, u32 bg, char ch)
{
	unsigned char c = (unsigned char)ch;
	const u8 *glyph;

	if (c < FONT_FIRST || c > FONT_LAST)
		c = '?';
	glyph = font_glyphs[c - FONT_FIRST];
	for (u32 row = 0; row < FONT_HEIGHT; row++)
		for (u32 col = 0; col < FONT_WIDTH; col++)
			fbcon_fill(x + col * scale, y + row * scale, scale,
				   scale, glyph[row] & (0x80 >> col) ? fg : bg);
}

void fbcon_text(u32 x, u32 y, u32 scale, u32 fg, u32 bg, const char *s,
		size_t len)
{
	u32 cell_w = FONT_WIDTH * scale, cell_h = FONT_HEIGHT * scale;
	u32 fg_pixel, bg_pixel;

	if (!fbcon.base || !scale || scale > FBCON_SCALE_MAX ||
	    y >= fbcon.height || fbcon.height - y < cell_h)
		return;
	fg_pixel = fbcon_pixel(fg);
	bg_pixel = fbcon_pixel(bg);
	for (size_t i = 0; i < len && s[i]; i++, x += cell_w) {
		if (x >= fbcon.width || fbcon.width - x < cell_w)
			return;
		fbcon_glyph(x, y, scale, fg_pixel, bg_pixel, s[i]);
	}
}
