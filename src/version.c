/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * version.c - the text of `sluice --version` (version.h).  The build-time library versions
 * come from pkg-config through the Makefile (-DSLUICE_LIBRARY_VERSIONS); jansson and
 * libseccomp also tell their version at run time, which is what is shown for them.  libmnl,
 * libnftnl and libcap have no such call: their pkg-config version is all there is.
 */
#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "version.h"

#ifndef SLUICE_VERSION
#define SLUICE_VERSION "unknown"
#endif
/* "libmnl 1.0.4, libnftnl 1.2.4, ..." (Makefile); unset in builds that bypass it. */
#ifndef SLUICE_LIBRARY_VERSIONS
#define SLUICE_LIBRARY_VERSIONS "libmnl, libnftnl, jansson, libcap, libseccomp"
#endif

#if defined(__SANITIZE_ADDRESS__)
#define SLUICE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLUICE_ASAN 1
#endif
#endif

#if defined(__clang__)
#define SLUICE_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define SLUICE_COMPILER "gcc " __VERSION__
#else
#define SLUICE_COMPILER "unknown compiler"
#endif

/* Run-time versions, where the library differs from its build-time headers ("" if not). */
static void loaded_versions(char *buf, size_t cap)
{
	const struct scmp_version *scmp = seccomp_version();
	const char *jansson = jansson_version_str();
	size_t used = 0;

	buf[0] = '\0';
	if (strcmp(jansson, JANSSON_VERSION)) {
		int n = snprintf(buf, cap, "; loaded: jansson %s", jansson);
		used = n > 0 && (size_t)n < cap ? (size_t)n : 0;
	}
	if (scmp && (scmp->major != SCMP_VER_MAJOR || scmp->minor != SCMP_VER_MINOR ||
		     scmp->micro != SCMP_VER_MICRO))
		snprintf(buf + used, cap - used, "%s libseccomp %u.%u.%u",
			 used ? "," : "; loaded:", scmp->major, scmp->minor, scmp->micro);
}

int version_print(FILE *out)
{
	char loaded[128];

	loaded_versions(loaded, sizeof(loaded));
	fprintf(out, "sluice %s\n", SLUICE_VERSION);
	fprintf(out, "libraries: %s%s\n", SLUICE_LIBRARY_VERSIONS, loaded);
#ifdef SLUICE_ASAN
	fprintf(out, "build: %s, ASan+UBSan\n", SLUICE_COMPILER);
#else
	fprintf(out, "build: %s, no sanitizers\n", SLUICE_COMPILER);
#endif
	return fflush(out) ? -1 : 0;
}
