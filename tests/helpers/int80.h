/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * int80.h - a 32-bit x86 system call made from a 64-bit process (int $0x80), as any program
 * may make one; for the probes of the 32-bit entry points.  Pointers passed must lie below
 * 4 GiB.  On a kernel without IA32 emulation the call is a protection fault (SIGSEGV).
 */
#ifndef SLUICE_TEST_INT80_H
#define SLUICE_TEST_INT80_H

#if defined(__x86_64__)
/* Return: what the kernel returned, a negative errno on failure. */
static inline long int80(long nr, long a, long b, long c)
{
	long ret;

	/* From 64-bit code, int $0x80 clobbers r8-r11. */
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "cc", "r8", "r9", "r10", "r11");
	return (int)ret;
}
#endif

#endif
