/* SPDX-License-Identifier: MIT */
/* bench/startup/startup.c: whole-process time of kvmcap runs against `ls /`, in one run
 * (issue 17 item 1). Each command is fork+exec'ed N times (default 200), interleaved, its
 * output to /dev/null; prints the median and min wall time of each and its ratio to `ls /`.
 *   build/bench-startup [N] KVMCAP_BIN */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double run_once(char *const argv[])
{
    double t0 = now_ms();
    int status;
    pid_t pid = fork();

    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);

        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        execvp(argv[0], argv);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) > 1) {
        fprintf(stderr, "bench-startup: '%s %s' failed\n", argv[0], argv[1] ? argv[1] : "");
        exit(1);
    }
    return now_ms() - t0;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int n = argc > 2 ? atoi(argv[1]) : 200;
    char *bin = argv[argc > 2 ? 2 : 1];
    char *ls[] = { "ls", "/", NULL };
    char *host[] = { bin, "--host", "8c8g", "--vm", "1c1g", NULL };
    char *size[] = { bin, "size", "--vm", "2c4g:20", "--vm", "8c32g:5", NULL };
    char *const *cmds[] = { ls, host, size };
    const char *names[] = { "ls /", "kvmcap --host 8c8g --vm 1c1g", "kvmcap size (25 VMs)" };
    double *t[3], med[3];

    if (argc < 2 || n < 1) {
        fprintf(stderr, "usage: bench-startup [N] KVMCAP_BIN\n");
        return 2;
    }
    for (int c = 0; c < 3; c++)
        t[c] = calloc((size_t)n, sizeof(double));
    for (int i = 0; i < n; i++)
        for (int c = 0; c < 3; c++)
            t[c][i] = run_once(cmds[c]);
    for (int c = 0; c < 3; c++) {
        qsort(t[c], (size_t)n, sizeof(double), cmp);
        med[c] = t[c][n / 2];
        printf("%-30s median %6.2f ms  min %6.2f ms  ratio to ls / %.2f\n", names[c], med[c],
               t[c][0], med[c] / med[0]);
    }
    return 0;
}
