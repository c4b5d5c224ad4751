/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fuzzer.c - the one libFuzzer binary of sluice.  The target is picked by the environment
 * variable SLUICE_FUZZ_TARGET (see the table); each target lives in fuzz/fuzz_<name>.c and
 * feeds the bytes to one pure parser.  Run `make fuzz-run` to run every target briefly.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_targets.h"

static const struct fuzz_target {
	const char *name;
	int (*run)(const uint8_t *data, size_t size);
} targets[] = {FUZZ_TARGET_TABLE};

static int (*chosen)(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *name = getenv("SLUICE_FUZZ_TARGET");
	size_t i;

	(void)argc;
	(void)argv;
	for (i = 0; name && i < sizeof(targets) / sizeof(targets[0]); i++) {
		if (!strcmp(targets[i].name, name)) {
			chosen = targets[i].run;
			return 0;
		}
	}
	fprintf(stderr, "sluice-fuzz: set SLUICE_FUZZ_TARGET to one of:");
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		fprintf(stderr, " %s", targets[i].name);
	fprintf(stderr, "\n");
	exit(2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return chosen(data, size);
}
