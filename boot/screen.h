/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTDTEST_BOOT_SCREEN_H
#define VTDTEST_BOOT_SCREEN_H

#include "lib/types.h"

/*
 * After runner_end(): the verdict (@pass), the totals line and the
 * closing summary on a cleared framebuffer, laid out as boot/screen.c
 * describes; nothing when there is no framebuffer to draw on.
 */
void screen_show_result(bool pass);

#endif /* VTDTEST_BOOT_SCREEN_H */
