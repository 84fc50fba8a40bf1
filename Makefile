# SPDX-License-Identifier: GPL-2.0
#
# vtdtest: firmware image, host unit tests, fuzzing and the QEMU matrix.
#
#   make            build/vtdtest.efi and build/vtdtest.img
#   make SB_KEY=db.key SB_CERT=db.crt
#                   the same, signed for Secure Boot with sbsign
#   make unit       host unit tests under ASan and UBSan
#   make test       unit tests, then every QEMU configuration
#   make fuzz       libFuzzer on the DMAR parser (FUZZ_SECONDS, default 60)
#   make bench      boot-to-verdict against a bare UEFI application
#   make clean

BUILD		:= build
CC		:= gcc
LD		:= ld
OBJCOPY		:= objcopy
NASM		:= nasm
HOST_CC		:= clang
EFI_INC		:= /usr/include/efi
EFI_LIB		:= /usr/lib
FUZZ_SECONDS	?= 60
# The framebuffer's font, from Debian's console-setup-linux.
FONT_PSF	:= /usr/share/consolefonts/Lat15-Fixed16.psf.gz
VERSION		:= $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# Freestanding kernel code: no red zone (interrupts use the stack), no SSE
# or x87 (nothing saves that state), position independent for GNU-EFI.
KERNEL_CFLAGS	:= -std=gnu11 -O2 -g -ffreestanding -fno-stack-protector \
		   -fno-stack-check -fpic -fshort-wchar -mno-red-zone \
		   -mgeneral-regs-only -fno-strict-aliasing -fno-omit-frame-pointer \
		   -Wall -Wextra -Werror -Wno-unused-parameter \
		   -DGNU_EFI_USE_MS_ABI -DVTDTEST_VERSION='"$(VERSION)"' \
		   -I. -I$(EFI_INC) -I$(EFI_INC)/x86_64 -MMD -MP
KERNEL_LDFLAGS	:= -nostdlib -znocombreloc -shared -Bsymbolic --no-undefined -T linker.ld \
		   -L$(EFI_LIB)
# The PE image holds linker.ld's loadable sections (it says why each is
# there) and nothing else: --strip-all drops the COFF symbol table that
# objcopy would append after the last section, where Authenticode
# verifiers disagree about hashing it. scripts/pecheck.py fails the build
# when any byte of the file lies outside the headers and the sections.
EFI_SECTIONS	:= -j .text -j .reloc -j .sbat -j .data -j .dynamic -j .rela \
		   -j .dynsym
EFI_OBJCOPY	:= $(OBJCOPY) $(EFI_SECTIONS) --strip-all \
		   --target efi-app-x86_64 --subsystem=10

# Secure Boot: with SB_KEY and SB_CERT (PEM), build/vtdtest.efi and the
# image are signed with sbsign; without them they are unsigned. The choice
# is kept in build/signing, so that changing it rebuilds the image.
SB_KEY		?=
SB_CERT		?=
ifneq ($(if $(SB_KEY),1)$(if $(SB_CERT),1),$(if $(SB_KEY)$(SB_CERT),11))
$(error SB_KEY and SB_CERT go together: the key signs, the certificate verifies)
endif
SIGNING		:= $(if $(SB_KEY),signed: key $(abspath $(SB_KEY)) certificate $(abspath $(SB_CERT)),unsigned)
$(shell mkdir -p $(BUILD) && { [ "$$(cat $(BUILD)/signing 2>/dev/null)" = '$(SIGNING)' ] || \
	echo '$(SIGNING)' >$(BUILD)/signing; })
# make test's Secure Boot runs: Debian's OVMF_VARS_4M.snakeoil.fd enrolls
# this certificate in PK, KEK and db; the key's passphrase is "snakeoil".
SNAKEOIL_KEY	:= /usr/share/ovmf/PkKek-1-snakeoil.key
SNAKEOIL_CERT	:= /usr/share/ovmf/PkKek-1-snakeoil.pem
SB_TEST		:= $(BUILD)/secureboot

# Code shared by the firmware and the host tests.
PORTABLE_SRCS	:= lib/printf.c lib/ktap.c lib/cfg.c drivers/acpi/spcr.c \
		   $(addprefix drivers/iommu/intel/,dmar.c cap.c iommu.c qi.c \
		     flush.c fault.c pasid.c pgtable.c walker.c nested.c) \
		   $(wildcard drivers/engine/nvme_cmd.c drivers/engine/xhci_trb.c \
		     drivers/engine/dsa_desc.c) \
		   tests/subject.c
KERNEL_SRCS	:= $(PORTABLE_SRCS) lib/string.c lib/palloc.c lib/time.c \
		   boot/efi_main.c boot/main.c boot/cpu.c boot/interrupt.c \
		   boot/platform.c boot/memmap.c boot/screen.c boot/sbat.c \
		   drivers/serial.c drivers/lapic.c drivers/pci.c \
		   $(filter-out $(PORTABLE_SRCS),$(wildcard drivers/engine/*.c)) \
		   drivers/fbcon.c \
		   drivers/acpi/tables.c drivers/iommu/intel/platform.c \
		   $(filter-out $(PORTABLE_SRCS),$(wildcard tests/*.c))
KERNEL_ASM	:= boot/entry.asm
KERNEL_OBJS	:= $(KERNEL_SRCS:%.c=$(BUILD)/kernel/%.o) \
		   $(KERNEL_ASM:%.asm=$(BUILD)/kernel/%.o) \
		   $(BUILD)/kernel/gen/font.o

HOST_CFLAGS	:= -std=gnu11 -g -O1 -fsanitize=address,undefined \
		   -fno-sanitize-recover=all -fno-omit-frame-pointer \
		   -Wall -Wextra -Werror -Wno-unused-parameter \
		   -DVTDTEST_HOST -I. -MMD -MP
UNIT_SRCS	:= $(PORTABLE_SRCS) $(wildcard tests/unit/*.c)
UNIT_OBJS	:= $(UNIT_SRCS:%.c=$(BUILD)/unit/%.o)
FUZZ_FLAGS	:= -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
		   -fno-sanitize-recover=all -DVTDTEST_HOST -I.

FIXTURES	:= $(patsubst tests/fixtures/%.asl,$(BUILD)/fixtures/%.aml,\
		   $(wildcard tests/fixtures/*/*.asl))

IMG_MB		:= 40
ESP_OFFSET	:= 2048

.PHONY: all deps secureboot-images unit test fuzz bench clean
all: $(BUILD)/vtdtest.img

deps:
	@scripts/install-deps.sh build

$(BUILD)/kernel/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/kernel/%.o: %.asm
	@mkdir -p $(@D)
	$(NASM) -f elf64 -g -MD $(@:.o=.d) -MP -o $@ $<

$(BUILD)/gen/font.c: $(FONT_PSF) scripts/psf2c.py
	@mkdir -p $(@D)
	scripts/psf2c.py --width 8 --height 16 $< $@

$(BUILD)/kernel/gen/font.o: $(BUILD)/gen/font.c
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/vtdtest.so: $(KERNEL_OBJS) linker.ld
	$(LD) $(KERNEL_LDFLAGS) $(EFI_LIB)/crt0-efi-x86_64.o $(KERNEL_OBJS) \
		-lgnuefi -o $@

$(BUILD)/bench/bare.so: $(BUILD)/kernel/tests/bench/bare.o linker.ld
	@mkdir -p $(@D)
	$(LD) $(KERNEL_LDFLAGS) $(EFI_LIB)/crt0-efi-x86_64.o $< -lgnuefi -o $@

# The PE image of an ELF shared object, checked before it is used.
define pe_image
	$(EFI_OBJCOPY) $< $@.tmp
	scripts/pecheck.py $@.tmp
	mv $@.tmp $@
endef

# $(call sign,KEY,CERT): $< signed into $@, verified with CERT and checked:
# the signature's certificate table must be all that follows the sections.
define sign
	@scripts/install-deps.sh sign
	sbsign --key $(1) --cert $(2) --output $@.tmp $< >/dev/null
	sbverify --cert $(2) $@.tmp >/dev/null
	scripts/pecheck.py $@.tmp
	mv $@.tmp $@
endef

%.efi: %.so scripts/pecheck.py
	$(pe_image)

$(BUILD)/vtdtest.unsigned.efi: $(BUILD)/vtdtest.so scripts/pecheck.py
	$(pe_image)

$(BUILD)/vtdtest.efi: $(BUILD)/vtdtest.unsigned.efi $(BUILD)/signing $(SB_KEY) $(SB_CERT)
ifeq ($(SB_KEY),)
	cp $< $@
else
	$(call sign,$(SB_KEY),$(SB_CERT))
endif

$(BUILD)/vtdtest.img: $(BUILD)/vtdtest.efi boot/vtdtest.cfg scripts/mkimage.sh
	scripts/mkimage.sh $@ $(BUILD)/vtdtest.efi boot/vtdtest.cfg

# sbsign cannot ask for a passphrase without a terminal: the snakeoil key,
# public anyway, is decrypted once.
$(SB_TEST)/snakeoil.key: $(SNAKEOIL_KEY)
	@scripts/install-deps.sh sign
	@mkdir -p $(@D)
	openssl pkey -in $< -passin pass:snakeoil -out $@

$(SB_TEST)/vtdtest.efi: $(BUILD)/vtdtest.unsigned.efi $(SB_TEST)/snakeoil.key
	$(call sign,$(SB_TEST)/snakeoil.key,$(SNAKEOIL_CERT))

$(SB_TEST)/%.img: boot/vtdtest.cfg scripts/mkimage.sh
	scripts/mkimage.sh $@ $(filter %.efi,$^) boot/vtdtest.cfg
$(SB_TEST)/snakeoil.img: $(SB_TEST)/vtdtest.efi
$(SB_TEST)/unsigned.img: $(BUILD)/vtdtest.unsigned.efi

# What make test boots under OVMF with Secure Boot enforced: the image
# signed with the snakeoil key, which db trusts, and the unsigned one.
secureboot-images: $(SB_TEST)/snakeoil.img $(SB_TEST)/unsigned.img

$(BUILD)/unit/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/unit/vtdtest-unit: $(UNIT_OBJS)
	$(HOST_CC) $(HOST_CFLAGS) $^ -o $@

# iasl 20200925 can spin forever on a malformed data table: bound it.
$(BUILD)/fixtures/%.aml: tests/fixtures/%.asl
	@mkdir -p $(@D)
	@timeout 30 iasl -p $(@:.aml=) $< >$(@:.aml=.log) 2>&1 || \
		{ cat $(@:.aml=.log); echo "iasl failed on $<"; exit 1; }

# The unit log's summary line feeds make test's totals.
unit:
	@scripts/install-deps.sh build unit
	@mkdir -p $(BUILD)/logs
	@rm -f $(BUILD)/logs/unit.log
	@$(MAKE) --no-print-directory $(BUILD)/unit/vtdtest-unit $(FIXTURES)
	@$(BUILD)/unit/vtdtest-unit -f $(BUILD)/fixtures >$(BUILD)/logs/unit.log; \
		rc=$$?; cat $(BUILD)/logs/unit.log; exit $$rc

test:
	@scripts/install-deps.sh build unit qemu sign
	-@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory all secureboot-images $(FIXTURES)
	@totals=$$(sed -n 's/^# unit: \([0-9]*\) passed, \([0-9]*\) failed$$/\1 \2/p' \
		$(BUILD)/logs/unit.log 2>/dev/null); \
	tests/qemu-matrix.sh "$${totals:-0 1}"

FUZZ_SRCS	:= lib/printf.c lib/ktap.c drivers/iommu/intel/dmar.c \
		   tests/fuzz/dmar_fuzz.c

$(BUILD)/fuzz/dmar_fuzz: $(FUZZ_SRCS)
	@mkdir -p $(@D)
	$(HOST_CC) $(FUZZ_FLAGS) $(FUZZ_SRCS) -o $@

fuzz:
	@scripts/install-deps.sh build fuzz
	@$(MAKE) --no-print-directory $(BUILD)/fuzz/dmar_fuzz $(FIXTURES)
	@mkdir -p $(BUILD)/fuzz/corpus
	cp $(BUILD)/fixtures/dmar/*.aml $(BUILD)/fuzz/corpus/
	$(BUILD)/fuzz/dmar_fuzz -max_total_time=$(FUZZ_SECONDS) \
		-print_final_stats=1 $(BUILD)/fuzz/corpus

$(BUILD)/bench/bare.img: $(BUILD)/bench/bare.efi scripts/mkimage.sh
	scripts/mkimage.sh $@ $<

bench: all $(BUILD)/bench/bare.img
	scripts/bench.sh $(BUILD)/bench/bare.img

clean:
	rm -rf $(BUILD)

-include $(KERNEL_OBJS:.o=.d) $(UNIT_OBJS:.o=.d)
