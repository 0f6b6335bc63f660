/* SPDX-License-Identifier: Apache-2.0 */
/* cmd/early.c — root's protected re-exec (runtime/selfexe.h), taken at the
 * entry point, before the C library starts.
 *
 * Every verb that puts a process into a container (run, create, exec,
 * a sandbox with --userns host) first re-executes berth from a read-only
 * overlay of its own directory.  Taken from main(), that costs a whole
 * start of the C library and of berth, thrown away by the exec:
 * relocating the static-pie binary, the C library's CPU probes (every
 * `cpuid` traps to the hypervisor in a VM: about 0.35 ms of each start on
 * the development VM), the state root's orphan scan, the container's
 * state or config read and parsed.  root's common case is decided here instead, from argv alone.
 *
 * Nothing here may rely on what the C library sets up: no errno, no
 * thread pointer (so no stack protector: this file is built without it),
 * no relocation applied yet (so no pointer stored in static data: string
 * literals are reached relative to the code, arrays of pointers are not),
 * no call into the C library (the build keeps the compiler from making
 * memcpy/memset calls of loops).  Anything unusual — a user that is not
 * root, an option not known here, a marker already in the environment, an
 * exec the kernel marked secure, a path overlayfs cannot take, any failed
 * call — returns to the C
 * library's _start with the process untouched, and selfexe_protect() in
 * main()'s path does what it always did.  This is a shortcut only: the
 * re-executed berth checks its protection itself (exe_protection), never
 * trusting the marker.
 *
 * When berth goes on (no re-exec), its writable segment is faulted in
 * with one madvise before the C library relocates itself into it: the
 * relocations write ~15 pages of .data.rel.ro, and each first write is a
 * page fault, ~10 µs apiece in a VM with shadow page tables against
 * ~0.7 µs a page for MADV_POPULATE_WRITE (Linux 5.14; earlier kernels
 * say EINVAL and the faults happen as before).  */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "core/syscalls.h"

#if defined(__x86_64__)

#define MARKER	  "_BERTH_PROTECTED_EXE"
#define MAX_ENV	  4096	 /* more variables than this: main()'s path */
#define PAGE_MASK 4095UL /* x86_64's 4 KB page */
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

void berth_early(long *sp);

/* The entry point (-e berth_entry, static builds on x86_64): call
 * berth_early with the initial stack, then give the C library's _start
 * the very stack and %rdx it would have had.  %rbx and %r12 are kept
 * across the call by the ABI.  */
__asm__(".text\n"
	".globl berth_entry\n"
	".hidden berth_entry\n"
	".type berth_entry, @function\n"
	"berth_entry:\n"
	"	mov %rsp, %rbx\n"
	"	mov %rdx, %r12\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call berth_early\n"
	"	mov %rbx, %rsp\n"
	"	mov %r12, %rdx\n"
	"	xor %ebx, %ebx\n"
	"	xor %r12d, %r12d\n"
	"	jmp _start\n"
	".size berth_entry, .-berth_entry\n");

static bool streq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b)
		a++, b++;
	return *a == *b;
}

static bool has_prefix(const char *s, const char *prefix)
{
	while (*prefix != '\0' && *s == *prefix)
		s++, prefix++;
	return *prefix == '\0';
}

/* a global option main() takes with its value in the next argument */
static bool option_with_value(const char *a)
{
	return streq(a, "--root") || streq(a, "--log") || streq(a, "--log-format") ||
	       streq(a, "--cgroup-manager") || streq(a, "--host-annotations") || streq(a, "--criu");
}

/* ...or in the same one */
static bool option_joined(const char *a)
{
	return has_prefix(a, "--root=") || has_prefix(a, "--log=") ||
	       has_prefix(a, "--log-format=") || has_prefix(a, "--cgroup-manager=") ||
	       has_prefix(a, "--host-annotations=") || has_prefix(a, "--criu=");
}

/* The index of the verb; 0 when the global options hold anything this
 * reading is not sure of (--rootless, --help, an abbreviation getopt
 * would take): main() decides then.  */
static int verb_index(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-')
			return i;
		if (streq(a, "--debug") || streq(a, "--systemd-cgroup") || option_joined(a))
			continue;
		if (!option_with_value(a) || i + 1 >= argc)
			return 0;
		i++;
	}
	return 0;
}

/* run, create, exec, and a sandbox that runs its job with the host's ids
 * (--userns host).  A job in a user namespace of its own may need no copy
 * at all (selfexe_job_cannot_write): main() decides that, once it knows
 * the job's ids.  --print-spec runs nothing.  Read up to "--"; an argument
 * of the job's own that reads as either only costs the shortcut.  */
static bool verb_enters_container(int argc, char **argv, int verb)
{
	const char *v = argv[verb];
	bool userns_host = false;

	if (streq(v, "run") || streq(v, "create") || streq(v, "exec"))
		return true;
	if (!streq(v, "sandbox"))
		return false;
	for (int i = verb + 1; i < argc && !streq(argv[i], "--"); i++) {
		if (streq(argv[i], "--print-spec"))
			return false;
		if (streq(argv[i], "--userns=host") ||
		    (streq(argv[i], "--userns") && i + 1 < argc && streq(argv[i + 1], "host")))
			userns_host = true;
	}
	return userns_host;
}

static bool marker_set(char **envp)
{
	for (char **e = envp; *e != NULL; e++)
		if (has_prefix(*e, MARKER "="))
			return true;
	return false;
}

/* the auxiliary vector's entry `type` (it follows envp's NULL) */
static bool auxv_get(char **envp, unsigned long type, unsigned long *value)
{
	char **e = envp;

	while (*e != NULL)
		e++;
	for (unsigned long *aux = (unsigned long *)(e + 1); aux[0] != AT_NULL; aux += 2)
		if (aux[0] == type) {
			*value = aux[1];
			return true;
		}
	return false;
}

/* AT_SECURE in the auxiliary vector (after envp's NULL): the kernel or an
 * LSM marked this exec, and the C library would clean the environment
 * (GCONV_PATH, ...) before main() — an environment the exec from the
 * overlay, in the same domain, would not be marked for again.  main()'s
 * path passes on the cleaned one.  */
static bool secure_exec(char **envp)
{
	unsigned long v;

	if (!auxv_get(envp, AT_SECURE, &v))
		return true; /* no answer: as if marked */
	return v != 0;
}

static long bare_close(long fd)
{
	return fd >= 0 ? sys_bare(SYS_close, fd, 0, 0, 0, 0) : 0;
}

/* The same file as the running binary (selfexe.c's same_file): overlayfs
 * with xino off shows the lower file's inode.  */
static bool same_file(long a, long b)
{
	struct stat x, y;

	return sys_bare(SYS_fstat, a, (long)&x, 0, 0, 0) == 0 &&
	       sys_bare(SYS_fstat, b, (long)&y, 0, 0, 0) == 0 && x.st_ino == y.st_ino &&
	       x.st_size == y.st_size && x.st_mode == y.st_mode && x.st_uid == y.st_uid &&
	       x.st_mtim.tv_sec == y.st_mtim.tv_sec && x.st_mtim.tv_nsec == y.st_mtim.tv_nsec;
}

/* "DIR:/dev" into `lower`, and the binary's name; false for a path
 * overlayfs cannot take as it is, or one nested with /dev (the spare
 * layer: overlayfs needs two lower layers to mount with no upper one) */
static bool layers(char *self, long n, char *lower, size_t size, const char **name)
{
	long slash = -1, i;

	if (n <= 1 || self[0] != '/')
		return false;
	for (i = 0; i < n; i++) {
		if (self[i] == ':' || self[i] == '\\' || self[i] == '\0')
			return false;
		if (self[i] == '/')
			slash = i;
	}
	if (slash <= 0 || (size_t)slash + sizeof(":/dev") > size)
		return false;
	self[n] = '\0';
	self[slash] = '\0';
	if (streq(self, "/dev") || has_prefix(self, "/dev/"))
		return false;
	for (i = 0; i < slash; i++)
		lower[i] = self[i];
	for (const char *s = ":/dev"; *s != '\0'; s++)
		lower[i++] = *s;
	lower[i] = '\0';
	*name = self + slash + 1;
	return true;
}

/* the detached, read-only, lower-only overlay of the binary's directory
 * (selfexe.c's overlay_exe); an fd of the binary in it, or -1 */
static long overlay_exe(void)
{
	char self[4096], lower[4096 + sizeof(":/dev")];
	const char *name = NULL;
	long n, fs, mnt = -1, fd = -1, orig = -1;

	n = sys_bare(SYS_readlink, (long)"/proc/self/exe", (long)self, sizeof(self) - 1, 0, 0);
	if (!layers(self, n, lower, sizeof(lower), &name))
		return -1;
	fs = sys_bare(SYS_fsopen, (long)"overlay", FSOPEN_CLOEXEC, 0, 0, 0);
	if (fs < 0)
		return -1;
	if (sys_bare(SYS_fsconfig, fs, FSCONFIG_SET_STRING, (long)"lowerdir", (long)lower, 0) ==
		    0 &&
	    sys_bare(SYS_fsconfig, fs, FSCONFIG_SET_STRING, (long)"xino", (long)"off", 0) == 0 &&
	    sys_bare(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, 0, 0, 0) == 0)
		mnt = sys_bare(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
			       MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID, 0, 0);
	bare_close(fs);
	if (mnt >= 0)
		fd = sys_bare(SYS_openat, mnt, (long)name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0, 0);
	bare_close(mnt);
	if (fd >= 0)
		orig = sys_bare(SYS_open, (long)"/proc/self/exe", O_RDONLY | O_CLOEXEC, 0, 0, 0);
	if (fd >= 0 && (orig < 0 || !same_file(fd, orig))) {
		bare_close(fd);
		fd = -1;
	}
	bare_close(orig);
	return fd;
}

/* the writable PT_LOAD segments (relro, data, bss) faulted in: see the
 * top.  The program headers come from the auxiliary vector; the load
 * base is where they are against where PT_PHDR says they would be.  */
static void populate_writable(char **envp)
{
	unsigned long phdr, phnum, base = 0;
	const Elf64_Phdr *ph;

	if (!auxv_get(envp, AT_PHDR, &phdr) || !auxv_get(envp, AT_PHNUM, &phnum))
		return;
	ph = (const Elf64_Phdr *)phdr;
	for (unsigned long i = 0; i < phnum; i++)
		if (ph[i].p_type == PT_PHDR)
			base = phdr - ph[i].p_vaddr;
	for (unsigned long i = 0; i < phnum; i++) {
		unsigned long start = (base + ph[i].p_vaddr) & ~PAGE_MASK;
		unsigned long end = (base + ph[i].p_vaddr + ph[i].p_memsz + PAGE_MASK) & ~PAGE_MASK;

		if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & PF_W))
			sys_bare(SYS_madvise, (long)start, (long)(end - start), MADV_POPULATE_WRITE,
				 0, 0);
	}
}

/* returns only when berth is to go on as it is */
static void protected_reexec(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1;
	char *env[MAX_ENV + 2];
	int verb, n = 0;
	long fd;

	if (sys_bare(SYS_getuid, 0, 0, 0, 0, 0) != 0 || sys_bare(SYS_geteuid, 0, 0, 0, 0, 0) != 0)
		return;
	verb = verb_index(argc, argv);
	if (verb == 0 || !verb_enters_container(argc, argv, verb) || marker_set(envp) ||
	    secure_exec(envp))
		return;
	for (char **e = envp; *e != NULL; e++) {
		if (n == MAX_ENV)
			return;
		env[n++] = *e;
	}
	env[n++] = MARKER "=1";
	env[n] = NULL;
	fd = overlay_exe();
	if (fd < 0)
		return;
	sys_bare(SYS_execveat, fd, (long)"", (long)argv, (long)env, AT_EMPTY_PATH);
	bare_close(fd);
}

void berth_early(long *sp)
{
	protected_reexec(sp);
	populate_writable((char **)(sp + 1) + sp[0] + 1);
}

#endif
