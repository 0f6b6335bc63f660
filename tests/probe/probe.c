/* SPDX-License-Identifier: Apache-2.0 */
/* tests/probe/probe.c — a static helper inside the test rootfs that
 * reports what the container sees and tries what a container must not be
 * able to do.  Each subcommand prints one result line; "ok" or the errno
 * name (EPERM, EACCES, ...), so tests can assert the exact outcome.
 *
 *   probe fds                 open fds other than its own listing fd
 *   probe open PATH r|w       try to open
 *   probe mknod PATH c|b MAJ MIN
 *   probe ptrace | mount | unshare-user | keyctl | bpf | chroot
 *   probe chroot-escape DIR   the classic escape (chroot DIR, chdir .. up
 *                             from outside it, chroot .): prints dev:ino of
 *                             the "/" reached
 *   probe write-exe PID       open /proc/PID/exe for writing
 *   probe readlink-exe PID
 *   probe hog MIB             allocate and touch MIB MiB
 *   probe forkbomb N          fork N sleeping children, print how many
 *   probe burn MS             spin until it has used MS ms of CPU time
 *   probe tty                 isatty(0), ttyname(0), rows cols
 *   probe cwd                 getcwd()
 *   probe sigmask             blocked and ignored signal masks
 *   probe tcp|udp ADDR PORT MSG  send MSG to an IPv4 ADDR:PORT, print the
 *                             reply (3 s at most), or the errno name
 *
 * Isolation checks (iso_cmd):
 *   probe status              Uid, Gid, Groups, Cap*, NoNewPrivs, Seccomp
 *                             lines of /proc/self/status (for a setuid copy)
 *   probe create PATH         open(O_CREAT|O_WRONLY) a file
 *   probe chown PATH UID GID
 *   probe raw-socket          socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)
 *   probe personality HEX     personality(HEX)
 *   probe syscall NR          the raw syscall NR with arguments -1, 0, 0...
 *                             (what a filter answers for a number)
 *   probe clone HEX           raw clone(HEX|SIGCHLD); the child exits at once
 *   probe exe-attack PID TRIGGER
 *                             CVE-2019-5736: hold /proc/PID/exe with O_PATH,
 *                             wait for the file TRIGGER, then reopen the
 *                             held fd for writing and write to it
 *   probe exe-hunt FIFO       the "#!/proc/self/exe" variant: wait for a
 *                             process whose command line names FIFO (berth,
 *                             run as a hostile script's interpreter), hold
 *                             its /proc/PID/exe, release it through FIFO,
 *                             wait for it to exit, then write through the
 *                             held fd (retrying while the file is busy)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/time.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int e)
{
	static const struct {
		int e;
		const char *n;
	} names[] = {
		{EPERM, "EPERM"},
		{ENOENT, "ENOENT"},
		{EACCES, "EACCES"},
		{EEXIST, "EEXIST"},
		{EINVAL, "EINVAL"},
		{ENOSYS, "ENOSYS"},
		{EROFS, "EROFS"},
		{ENOTDIR, "ENOTDIR"},
		{EISDIR, "EISDIR"},
		{ETXTBSY, "ETXTBSY"},
		{EAGAIN, "EAGAIN"},
		{ENOMEM, "ENOMEM"},
		{EBUSY, "EBUSY"},
		{ENXIO, "ENXIO"},
		{ENODEV, "ENODEV"},
		{ESRCH, "ESRCH"},
		{EBADF, "EBADF"},
		{ENOTTY, "ENOTTY"},
		{ENOSPC, "ENOSPC"},
		{EFBIG, "EFBIG"},
		{EMFILE, "EMFILE"},
		{EOPNOTSUPP, "EOPNOTSUPP"},
		{EXDEV, "EXDEV"},
		{ELOOP, "ELOOP"},
		{ENETUNREACH, "ENETUNREACH"},
		{ECONNREFUSED, "ECONNREFUSED"},
		{ETIMEDOUT, "ETIMEDOUT"},
		{EHOSTUNREACH, "EHOSTUNREACH"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].n;
	return strerror(e);
}

static int result(int rc)
{
	puts(rc < 0 ? ename(errno) : "ok");
	return 0;
}

/* Where a process with CAP_SYS_CHROOT gets to when it climbs out of a
 * chroot: after pivot_root the container's root is its mount namespace's
 * root, so ".." stops there; a chroot alone (--no-pivot) can be left.  */
static int chroot_escape(const char *dir)
{
	struct stat st;

	if ((mkdir(dir, 0700) < 0 && errno != EEXIST) || chroot(dir) < 0)
		return result(-1);
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			return result(-1);
	if (chroot(".") < 0 || stat("/", &st) < 0)
		return result(-1);
	printf("%lu:%lu\n", (unsigned long)st.st_dev, (unsigned long)st.st_ino);
	return 0;
}

static int fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (d == NULL)
		return result(-1);
	while ((de = readdir(d)) != NULL) {
		char path[300], target[512];
		ssize_t n;

		if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		printf("%s %s\n", de->d_name, target);
	}
	closedir(d);
	return 0;
}

static int hog(long mib)
{
	for (long i = 0; i < mib; i++) {
		char *p = malloc(1 << 20);

		if (p == NULL)
			return result(-1);
		memset(p, 1, 1 << 20);
	}
	puts("ok");
	return 0;
}

static int forkbomb(int n)
{
	int made = 0;

	for (int i = 0; i < n; i++) {
		pid_t p = fork();

		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0)
			break;
		made++;
	}
	printf("%d\n", made);
	fflush(stdout);
	kill(0, SIGKILL);
	return 0;
}

/* CPU time, not wall time: on a loaded machine a wall-clock spin may
 * never use up a cgroup's cpu quota, and the throttling tests need it to.
 * The clock (a system call) is read only now and then, so that the time
 * used is user time, as a busy job's is.  */
static int burn(long ms)
{
	struct timespec a, b;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	do {
		for (volatile long i = 0; i < 200000; i++)
			;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	} while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
	puts("ok");
	return 0;
}

static int tty(void)
{
	struct winsize ws = {0};
	const char *name = ttyname(0);

	ioctl(0, TIOCGWINSZ, &ws);
	printf("%d %s %u %u\n", isatty(0), name ? name : "-", ws.ws_row, ws.ws_col);
	return 0;
}

static int sigmasks(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "SigBlk", 6) == 0 || strncmp(line, "SigIgn", 6) == 0)
			fputs(line, stdout);
	if (f)
		fclose(f);
	return 0;
}

/* hold the exe of PID, then try to write through it once TRIGGER exists
 * (by then the runtime that was PID should have exited) */
static int exe_attack(const char *pid, const char *trigger)
{
	char path[64], fdpath[64];
	int held, fd;

	snprintf(path, sizeof(path), "/proc/%s/exe", pid);
	held = open(path, O_PATH);
	printf("open-path: %s\n", held < 0 ? ename(errno) : "ok");
	if (held < 0)
		return 0;
	for (int i = 0; i < 600 && access(trigger, F_OK) < 0; i++)
		usleep(100000);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", held);
	fd = open(fdpath, O_WRONLY);
	printf("reopen-write: %s\n", fd < 0 ? ename(errno) : "ok");
	if (fd >= 0)
		printf("write: %s\n", pwrite(fd, "OVERWRITTEN", 11, 0) == 11 ? "ok" : ename(errno));
	return 0;
}

/* the pid of a process (not us) whose command line contains `needle` */
static long find_cmdline(const char *needle)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	long found = 0;

	while (d != NULL && found == 0 && (de = readdir(d)) != NULL) {
		char path[300], buf[4096];
		long pid = strtol(de->d_name, NULL, 10);
		ssize_t n;
		int fd;

		if (pid <= 0 || pid == (long)getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		buf[n > 0 ? n : 0] = '\0';
		if (strstr(buf, needle) != NULL)
			found = pid;
	}
	if (d != NULL)
		closedir(d);
	return found;
}

static int exe_hunt(const char *fifo)
{
	char path[64], buf[256];
	long pid = 0;
	int held, fd = -1, rfd;

	if (mkfifo(fifo, 0666) < 0 && errno != EEXIST)
		return printf("hunt: mkfifo %s\n", ename(errno)), 0;
	chmod(fifo, 0666); /* whatever the umask: any uid may be the writer */
	for (int i = 0; i < 6000 && pid == 0; i++) {
		pid = find_cmdline(fifo);
		if (pid == 0)
			usleep(10000);
	}
	if (pid == 0)
		return puts("hunt: nothing ran"), 0;
	snprintf(path, sizeof(path), "/proc/%ld/exe", pid);
	held = open(path, O_PATH);
	printf("open-path: %s\n", held < 0 ? ename(errno) : "ok");
	rfd = open(fifo, O_RDONLY); /* lets it go on */
	while (rfd >= 0 && read(rfd, buf, sizeof(buf)) > 0)
		;
	for (int i = 0; i < 1000 && kill((pid_t)pid, 0) == 0; i++)
		usleep(10000);
	if (held < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", held);
	for (int i = 0; i < 100; i++) {
		fd = open(path, O_WRONLY);
		if (fd >= 0 || errno != ETXTBSY)
			break;
		usleep(100000);
	}
	printf("reopen-write: %s\n", fd < 0 ? ename(errno) : "ok");
	if (fd >= 0)
		printf("write: %s\n", pwrite(fd, "OVERWRITTEN", 11, 0) == 11 ? "ok" : ename(errno));
	return 0;
}

static int raw_clone(unsigned long flags)
{
	long pid = syscall(SYS_clone, flags | SIGCHLD, 0, NULL, NULL, 0);

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return result(pid < 0 ? -1 : 0);
}

static int status_lines(void)
{
	static const char *const keys[] = {
		"Uid:", "Gid:", "Groups:", "Cap", "NoNewPrivs:", "Seccomp:"};
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strncmp(line, keys[i], strlen(keys[i])) == 0)
				fputs(line, stdout);
	if (f)
		fclose(f);
	return 0;
}

/* One request and its reply over TCP or UDP: what a job with a network
 * reaches.  A UDP reply that never comes is ETIMEDOUT.  */
static int net_echo(const char *proto, const char *addr, const char *port, const char *msg)
{
	bool udp = strcmp(proto, "udp") == 0;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
	struct timeval tv = {.tv_sec = 3};
	char reply[256];
	ssize_t n;
	int fd;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		errno = EINVAL;
		return result(-1);
	}
	fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    send(fd, msg, strlen(msg), 0) < 0)
		return result(-1);
	if (!udp)
		shutdown(fd, SHUT_WR);
	n = recv(fd, reply, sizeof(reply) - 1, 0);
	if (n < 0 && errno == EAGAIN)
		errno = ETIMEDOUT; /* SO_RCVTIMEO's way of saying it */
	if (n < 0)
		return result(-1);
	reply[n] = '\0';
	printf("%s reply: %s\n", proto, reply);
	return 0;
}

/* the isolation suites' subcommands; 2 when cmd is not one of them */
static int iso_cmd(const char *cmd, int argc, char **argv)
{
	if (strcmp(cmd, "status") == 0)
		return status_lines();
	if (strcmp(cmd, "raw-socket") == 0)
		return result(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
	if (argc < 3)
		return 2;
	if (strcmp(cmd, "create") == 0)
		return result(open(argv[2], O_WRONLY | O_CREAT, 0644));
	if (strcmp(cmd, "personality") == 0)
		return result((int)syscall(SYS_personality, strtoul(argv[2], NULL, 16)));
	if (strcmp(cmd, "syscall") == 0)
		return result((int)syscall(strtol(argv[2], NULL, 0), -1, 0, 0, 0, 0, 0));
	if (strcmp(cmd, "clone") == 0)
		return raw_clone(strtoul(argv[2], NULL, 16));
	if (strcmp(cmd, "exe-hunt") == 0)
		return exe_hunt(argv[2]);
	if (argc < 4)
		return 2;
	if ((strcmp(cmd, "tcp") == 0 || strcmp(cmd, "udp") == 0) && argc >= 5)
		return net_echo(cmd, argv[2], argv[3], argv[4]);
	if (strcmp(cmd, "exe-attack") == 0)
		return exe_attack(argv[2], argv[3]);
	if (strcmp(cmd, "chown") == 0 && argc >= 5)
		return result(chown(argv[2], (uid_t)atoi(argv[3]), (gid_t)atoi(argv[4])));
	return 2;
}

static int with_path(const char *cmd, int argc, char **argv)
{
	char path[64];

	if (argc < 3)
		return 2;
	if (strcmp(cmd, "open") == 0) {
		int fd = open(argv[2], argc > 3 && argv[3][0] == 'w' ? O_WRONLY : O_RDONLY);

		return result(fd);
	}
	if (strcmp(cmd, "mknod") == 0 && argc >= 6)
		return result(mknod(argv[2], (argv[3][0] == 'b' ? S_IFBLK : S_IFCHR) | 0600,
				    makedev(atoi(argv[4]), atoi(argv[5]))));
	snprintf(path, sizeof(path), "/proc/%s/exe", argv[2]);
	if (strcmp(cmd, "write-exe") == 0)
		return result(open(path, O_WRONLY));
	if (strcmp(cmd, "readlink-exe") == 0) {
		char target[512];
		ssize_t n = readlink(path, target, sizeof(target) - 1);

		if (n < 0)
			return result(-1);
		target[n] = '\0';
		puts(target);
		return 0;
	}
	if (strcmp(cmd, "hog") == 0)
		return hog(atol(argv[2]));
	if (strcmp(cmd, "forkbomb") == 0)
		return forkbomb(atoi(argv[2]));
	if (strcmp(cmd, "burn") == 0)
		return burn(atol(argv[2]));
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	char cwd[4096];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(cmd, "fds") == 0)
		return fds();
	if (strcmp(cmd, "ptrace") == 0)
		return result((int)ptrace(PTRACE_TRACEME, 0, NULL, NULL));
	if (strcmp(cmd, "mount") == 0)
		return result(mount("none", "/tmp", "tmpfs", 0, NULL));
	if (strcmp(cmd, "unshare-user") == 0)
		return result(unshare(CLONE_NEWUSER));
	if (strcmp(cmd, "keyctl") == 0) /* KEYCTL_JOIN_SESSION_KEYRING */
		return result((int)syscall(SYS_keyctl, 1, "probe", 0, 0, 0));
	if (strcmp(cmd, "bpf") == 0)
		return result((int)syscall(SYS_bpf, 0, NULL, 0));
	if (strcmp(cmd, "chroot") == 0)
		return result(chroot("/"));
	if (strcmp(cmd, "chroot-escape") == 0 && argc >= 3)
		return chroot_escape(argv[2]);
	if (strcmp(cmd, "tty") == 0)
		return tty();
	if (strcmp(cmd, "sigmask") == 0)
		return sigmasks();
	if (strcmp(cmd, "cwd") == 0)
		return puts(getcwd(cwd, sizeof(cwd)) ? cwd : ename(errno)), 0;
	if (with_path(cmd, argc, argv) != 2 || iso_cmd(cmd, argc, argv) != 2)
		return 0;
	fprintf(stderr,
		"usage: probe fds|open|mknod|ptrace|mount|unshare-user|keyctl|bpf|"
		"chroot|chroot-escape|write-exe|readlink-exe|hog|forkbomb|burn|tty|cwd|sigmask|"
		"status|create|chown|raw-socket|personality|syscall|clone|exe-attack|exe-hunt|"
		"tcp|udp\n");
	return 2;
}
