// SPDX-License-Identifier: GPL-2.0
/*
 * SBAT metadata (shim's SBAT.md): shim 15.3 and later start no image
 * without a .sbat section, so vtdtest needs one to boot through shim with
 * its certificate enrolled as a Machine Owner Key. One CSV record per line:
 * component, generation, vendor, package, version, URL. The first record
 * says which SBAT format this is; raise vtdtest's generation only to
 * revoke every older image.
 */
#define SBAT_CSV							     \
	"sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\n" \
	"vtdtest,1,vtdtest,vtdtest," VTDTEST_VERSION ",README.md\n"

/* Without the string's NUL: the section is the CSV text and nothing else. */
static const char sbat[sizeof(SBAT_CSV) - 1]
	__attribute__((section(".sbat"), used, aligned(1))) = SBAT_CSV;
