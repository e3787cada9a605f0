/* A disk that fills up, for tests/test_bulk_disk.py: preloaded into a process (LD_PRELOAD), it lets writes to
   regular files whose path starts with FAILING_DISK_PREFIX through until FAILING_DISK_BUDGET bytes in all have gone,
   then fails every further one with errno FAILING_DISK_ERRNO (ENOSPC by default), as a full disk does; a write that
   crosses the budget writes what fits, as the kernel does. Every write call of the C library is covered: Python's
   files (write), SQLite (pwrite64), vectored writes. Other files, pipes and terminals are untouched. With
   FAILING_DISK_REPORT set, the bytes written to the disk are written to that file at exit (what a run needs). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static int ready = 0;
static long long budget = -1;
static long long written = 0;
static int failure = ENOSPC;
static const char *prefix = NULL;

static void setup(void) {
    if (ready) return;
    ready = 1;
    const char *text = getenv("FAILING_DISK_BUDGET");
    prefix = getenv("FAILING_DISK_PREFIX");
    budget = text && prefix ? atoll(text) : -1;
    text = getenv("FAILING_DISK_ERRNO");
    if (text) failure = atoi(text);
}

static int on_failing_disk(int fd) {
    setup();
    if (budget < 0) return 0;
    struct stat status;
    if (fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) return 0;
    char link[64], target[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t length = readlink(link, target, sizeof target - 1);
    if (length < 0) return 0;
    target[length] = 0;
    return strncmp(target, prefix, strlen(prefix)) == 0;
}

/* How many of ``count`` bytes fit; -1 with errno set once the disk is full. */
static ssize_t fitting(size_t count) {
    long long left = budget - written;
    if (count == 0) return 0;
    if (left <= 0) {
        errno = failure;
        return -1;
    }
    return (ssize_t)((long long)count < left ? (long long)count : left);
}

#define REAL(name) static __typeof__(name) *real_##name; if (!real_##name) real_##name = dlsym(RTLD_NEXT, #name)

__attribute__((destructor)) static void report(void) {
    const char *path = getenv("FAILING_DISK_REPORT");
    if (!path || budget < 0) return;
    FILE *file = fopen(path, "w");
    if (!file) return;
    fprintf(file, "%lld\n", written);
    fclose(file);
}

static ssize_t account(ssize_t done) {
    if (done > 0) written += done;
    return done;
}

ssize_t write(int fd, const void *data, size_t count) {
    REAL(write);
    if (!on_failing_disk(fd)) return real_write(fd, data, count);
    ssize_t size = fitting(count);
    return size < 0 ? -1 : account(real_write(fd, data, (size_t)size));
}

ssize_t pwrite(int fd, const void *data, size_t count, off_t offset) {
    REAL(pwrite);
    if (!on_failing_disk(fd)) return real_pwrite(fd, data, count, offset);
    ssize_t size = fitting(count);
    return size < 0 ? -1 : account(real_pwrite(fd, data, (size_t)size, offset));
}

ssize_t pwrite64(int fd, const void *data, size_t count, off64_t offset) {
    REAL(pwrite64);
    if (!on_failing_disk(fd)) return real_pwrite64(fd, data, count, offset);
    ssize_t size = fitting(count);
    return size < 0 ? -1 : account(real_pwrite64(fd, data, (size_t)size, offset));
}

ssize_t writev(int fd, const struct iovec *vector, int parts) {
    REAL(writev);
    if (!on_failing_disk(fd)) return real_writev(fd, vector, parts);
    size_t count = 0;
    for (int i = 0; i < parts; i++) count += vector[i].iov_len;
    ssize_t size = fitting(count);
    if (size < 0) return -1;
    if ((size_t)size == count) return account(real_writev(fd, vector, parts));
    errno = failure;  /* a vectored write that does not fit whole: fails (rare; Python writes one buffer) */
    budget = written;
    return -1;
}
