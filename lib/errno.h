/* SPDX-License-Identifier: GPL-2.0 */
/* Error numbers, negated on return as in Linux, with Linux's values. */
#ifndef VTDTEST_LIB_ERRNO_H
#define VTDTEST_LIB_ERRNO_H

#define ENOENT		2
#define EIO		5
#define ENOMEM		12
#define EBUSY		16
#define EEXIST		17
#define ENODEV		19
#define EINVAL		22
#define ERANGE		34
#define EOPNOTSUPP	95
#define ETIMEDOUT	110

#endif /* VTDTEST_LIB_ERRNO_H */
