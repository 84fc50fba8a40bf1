/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text on the UEFI GOP framebuffer, so that a machine without a serial
 * header still shows the result. The glyphs are a Debian console font
 * (scripts/psf2c.py converts it at build time), scaled up by whole pixels.
 */
#ifndef VTDTEST_DRIVERS_FBCON_H
#define VTDTEST_DRIVERS_FBCON_H

#include "boot/boot.h"
#include "lib/types.h"

#define FONT_WIDTH		8	/* one byte per glyph row, MSB leftmost */
#define FONT_HEIGHT		16
#define FONT_FIRST		0x20	/* printable ASCII */
#define FONT_LAST		0x7e

/* build/gen/font.c, generated from the PSF font. */
extern const u8 font_glyphs[FONT_LAST - FONT_FIRST + 1][FONT_HEIGHT];

/* Colours are 0xRRGGBB. */
#define FBCON_BLACK		0x000000
#define FBCON_WHITE		0xffffff
#define FBCON_GREEN		0x00c000
#define FBCON_RED		0xe00000

/*
 * Takes the framebuffer efi_main found, when vtdtest can draw on it;
 * either way fbcon_status() says what was found and whether it is used.
 */
void fbcon_init(const struct boot_fb *fb);
const char *fbcon_status(void);
/* The screen's size in pixels; false when there is nothing to draw on. */
bool fbcon_size(u32 *width, u32 *height);
/* Fills the whole screen with @rgb; nothing without a framebuffer. */
void fbcon_clear(u32 rgb);
/*
 * Draws up to @len characters of @s with its top left corner at pixel
 * (@x, @y), each font pixel a @scale x @scale square; characters outside
 * the font are drawn as '?' and those that do not fit on the screen are
 * left out.
 */
void fbcon_text(u32 x, u32 y, u32 scale, u32 fg, u32 bg, const char *s,
		size_t len);

#endif /* VTDTEST_DRIVERS_FBCON_H */
