/* SPDX-License-Identifier: Apache-2.0 */
/* tests/unit/test-core-clone.c — sys_clone3_vfork() (core/clone.c): the
 * child runs the function with its argument in the caller's memory, the
 * caller stopped until it exits or execs; what the child wrote is there
 * afterwards, the caller's frames are intact, the function's value is the
 * exit status, the other clone3 flags hold (CLONE_PIDFD), a child that
 * execs lets the caller go on while that program runs, and a kernel refusal comes
 * back as -1 and errno.  Also mem_prefault_heap() (core/mem.c): the heap
 * is there, whole, and malloc goes on working after it.  */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/mem.h"
#include "core/syscalls.h"
#include "tests/unit/tap.h"

struct shared {
	int value;
	pid_t seen_pid;
	char text[64];
};

/* deep enough to use a few pages of stack below the caller's frame */
static int __attribute__((noinline)) deep(int n, volatile char *p)
{
	volatile char pad[2048];

	pad[0] = (char)n;
	pad[sizeof(pad) - 1] = p[0];
	return n == 0 ? pad[0] : deep(n - 1, pad) + 1;
}

static int child_writes(void *arg)
{
	struct shared *s = arg;
	char *heap = malloc(32);

	s->value = 42;
	s->seen_pid = getpid();
	snprintf(s->text, sizeof(s->text), "from the child %d", deep(8, s->text));
	free(heap);
	return 7;
}

static int child_execs(void *arg)
{
	(void)arg;
	execl("/bin/sleep", "sleep", "5", (char *)NULL);
	return 127;
}

static void test_runs_in_callers_memory(void)
{
	/* locals around the call: the child must not touch the caller's frames */
	volatile uint64_t guard_before = 0x1122334455667788ULL;
	struct shared s = {0};
	volatile uint64_t guard_after = 0x8877665544332211ULL;
	struct clone_args args = {.exit_signal = SIGCHLD};
	int status = 0;
	pid_t pid = sys_clone3_vfork(&args, child_writes, &s);

	CHECK(pid > 0, "clone: %s", pid < 0 ? strerror(errno) : "ok");
	if (pid <= 0)
		return;
	/* stopped until the child ended: its writes are all there */
	CHECK(s.value == 42);
	CHECK(s.seen_pid == pid, "the child is pid %d, it saw %d", (int)pid, (int)s.seen_pid);
	CHECK(strcmp(s.text, "from the child 8") == 0, "text: \"%s\"", s.text);
	CHECK(guard_before == 0x1122334455667788ULL && guard_after == 0x8877665544332211ULL,
	      "the caller's frame is intact");
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7,
	      "the function's value is the exit status (status %#x)", status);
	/* the heap is usable after a child that used it */
	free(xstrdup("the heap still works"));
}

static void test_pidfd(void)
{
	struct shared s = {0};
	int pidfd = -1, status = 0;
	struct clone_args args = {
		.flags = CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)&pidfd,
		.exit_signal = SIGCHLD,
	};
	pid_t pid = sys_clone3_vfork(&args, child_writes, &s);
	struct pollfd p = {.events = POLLIN};

	CHECK(pid > 0 && pidfd >= 0, "CLONE_PIDFD gives a pidfd (%d)", pidfd);
	if (pid <= 0 || pidfd < 0)
		return;
	p.fd = pidfd;
	CHECK(poll(&p, 1, 5000) == 1, "the pidfd says the child ended");
	CHECK(fcntl(pidfd, F_GETFD) & FD_CLOEXEC, "the pidfd is close-on-exec");
	waitpid(pid, &status, 0);
	close(pidfd);
}

static void test_exec_lets_caller_go(void)
{
	struct clone_args args = {.exit_signal = SIGCHLD};
	int status = 0;
	pid_t pid = sys_clone3_vfork(&args, child_execs, NULL);

	CHECK(pid > 0);
	if (pid <= 0)
		return;
	/* back here while the exec'd program still runs */
	CHECK(waitpid(pid, &status, WNOHANG) == 0, "the caller goes on at the child's exec");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x", status);
}

static void test_refusal(void)
{
	struct shared s = {0};
	/* CLONE_THREAD without CLONE_SIGHAND: the kernel says EINVAL */
	struct clone_args args = {.flags = CLONE_THREAD, .exit_signal = SIGCHLD};
	pid_t pid;

	errno = 0;
	pid = sys_clone3_vfork(&args, child_writes, &s);
	CHECK(pid == -1 && errno == EINVAL, "pid %d, errno %d", (int)pid, errno);
	CHECK(s.value == 0, "no child ran");
}

static void test_prefault_heap(void)
{
	char *before = sbrk(0), *p;
	unsigned char vec[64];
	uintptr_t first;
	size_t pages;
	bool all_in = true;

	mem_prefault_heap();
	/* nothing allocated for it: the break is where it was */
	CHECK(sbrk(0) == before, "the break did not move");
	p = malloc(1);
	CHECK(p != NULL);
	if (p == NULL)
		return;
	/* from a fresh allocation's page to the break, every page is in */
	first = (uintptr_t)p & ~(uintptr_t)4095;
	pages = ((uintptr_t)before - first) / 4096;
	if (pages > sizeof(vec))
		pages = sizeof(vec);
#if defined(__SANITIZE_ADDRESS__)
	pages = 0; /* the sanitizer's heap is not the break's: nothing faulted in */
#else
	CHECK(pages > 0, "the heap has pages above the allocation (%zu)", pages);
#endif
	if (pages > 0 && mincore((void *)first, pages * 4096, vec) == 0) {
		for (size_t i = 0; i < pages; i++)
			all_in = all_in && (vec[i] & 1);
		CHECK(all_in, "the %zu heap pages from the allocation up are in", pages);
	}
	strcpy(p, "");
	free(p);
	free(xstrdup("malloc goes on working"));
}

int main(void)
{
#if defined(__x86_64__)
	test_runs_in_callers_memory();
	test_pidfd();
	test_exec_lets_caller_go();
	test_refusal();
#else
	TAP_NOTE("sys_clone3_vfork is x86_64 only: not tested here");
#endif
	test_prefault_heap();
	return tap_done();
}
