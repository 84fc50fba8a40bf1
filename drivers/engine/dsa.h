/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Intel DSA engine (drivers/engine/dsa.c). Its ops belong with the
 * other engines' in engine.h; until then they are declared here.
 */
#ifndef VTDTEST_DRIVERS_ENGINE_DSA_H
#define VTDTEST_DRIVERS_ENGINE_DSA_H

#include "drivers/engine/engine.h"

extern const struct engine_ops dsa_engine_ops;

#endif /* VTDTEST_DRIVERS_ENGINE_DSA_H */
