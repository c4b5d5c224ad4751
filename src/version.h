/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * version.h - what `sluice --version` says: the version (VERSION, through -DSLUICE_VERSION),
 * the libraries sluice was built with and the versions of those that tell theirs at run time,
 * and whether this is a sanitizer build.  Owns no option parsing (cli.c).
 */
#ifndef SLUICE_VERSION_H
#define SLUICE_VERSION_H

#include <stdio.h>

/**
 * version_print() - write the version text to @out
 * @out:	stdout for `sluice --version`; a memory stream in the tests
 *
 * Three lines: "sluice VERSION" (scripts read the first line only), the libraries, the build.
 * A library whose loaded version differs from the one sluice was built with shows both.
 *
 * Return: 0, or -1 when @out failed (errno set by stdio).
 */
int version_print(FILE *out);

#endif
