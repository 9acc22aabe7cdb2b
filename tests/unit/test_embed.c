/* SPDX-License-Identifier: MIT */
/* test_embed.c: the embedded QEMU driver's root in the per-user cache (facts/embed.h). */
#define _DEFAULT_SOURCE         /* flock(), mkdtemp() */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "helpers.h"
#include "facts/embed.h"
#include "util/util.h"

static char home[256];

static void setup(void)
{
    snprintf(home, sizeof(home), "/tmp/kvmcap-test-embed-XXXXXX");
    cr_assert(mkdtemp(home));
    setenv("XDG_CACHE_HOME", home, 1);
}

static void teardown(void)
{
    char cmd[300];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", home);
    if (system(cmd) != 0)
        cr_log_warn("could not remove %s", home);
}

TestSuite(embed, .init = setup, .fini = teardown);

static mode_t mode_of(const char *path)
{
    struct stat st;

    cr_assert_eq(lstat(path, &st), 0, "no %s", path);
    return st.st_mode & 07777;
}

/* Made 0700 under $XDG_CACHE_HOME/kvmcap, the same path every run, never removed. */
Test(embed, made_private_and_kept)
{
    kc_embed_root r;
    kc_error err = { 0 };
    char want[300];

    snprintf(want, sizeof(want), "%s/sub/kvmcap/embed", home);
    strcat(home, "/sub");            /* a missing $XDG_CACHE_HOME is made too */
    setenv("XDG_CACHE_HOME", home, 1);
    cr_assert_eq(kc_embed_root_open(&r, kc_now_ms() + 1000, NULL, &err), 0, "%s", err.msg);
    cr_assert_str_eq(r.path, want);
    cr_assert_eq(r.temporary, false);
    cr_assert_eq(mode_of(want), 0700);
    kc_embed_root_close(&r);
    cr_assert_eq(mode_of(want), 0700, "the root is kept");
    cr_assert_eq(kc_embed_root_open(&r, kc_now_ms() + 1000, NULL, &err), 0, "%s", err.msg);
    cr_assert_str_eq(r.path, want, "the same root again");
    kc_embed_root_close(&r);
    *strrchr(home, '/') = '\0';
}

/* The cache's place: an absolute $XDG_CACHE_HOME, else /var/cache for root, else
 * ~/.cache; a relative $XDG_CACHE_HOME is ignored (the XDG spec). */
Test(embed, cache_home)
{
    char buf[512];

    setenv("XDG_CACHE_HOME", "/x/cache", 1);
    setenv("HOME", "/home/u", 1);
    cr_assert_eq(kc_embed_cache_home(buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "/x/cache");
    setenv("XDG_CACHE_HOME", "relative/dir", 1);
    cr_assert_eq(kc_embed_cache_home(buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, geteuid() == 0 ? "/var/cache" : "/home/u/.cache");
    unsetenv("XDG_CACHE_HOME");
    cr_assert_eq(kc_embed_cache_home(buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, geteuid() == 0 ? "/var/cache" : "/home/u/.cache");
    cr_assert_eq(kc_embed_cache_home(buf, 40), 1, "too long for the buffer");
    if (geteuid() != 0) {
        setenv("HOME", "relative", 1);
        cr_assert_eq(kc_embed_cache_home(buf, sizeof(buf)), 1);
    }
}

/* No cache to name: a private root in $TMPDIR, removed at close. Root always has
 * /var/cache, so the check runs as a user without $HOME, in a child that gives up root. */
static int temporary_root_as(uid_t uid, const char *tmp)
{
    kc_embed_root r;
    kc_error err = { 0 };
    char path[sizeof(r.path)];
    struct stat st;

    if (uid != geteuid() && (setgid(uid) != 0 || setuid(uid) != 0))
        return 10;
    unsetenv("XDG_CACHE_HOME");
    unsetenv("HOME");
    setenv("TMPDIR", tmp, 1);
    if (kc_embed_root_open(&r, kc_now_ms() + 1000, NULL, &err) != 0)
        return 11;
    if (!r.temporary || strncmp(r.path, tmp, strlen(tmp)) != 0)
        return 12;
    if (lstat(r.path, &st) != 0 || (st.st_mode & 07777) != 0700)
        return 13;
    kc_strlcpy(path, r.path, sizeof(path));
    kc_embed_root_close(&r);
    return access(path, F_OK) == 0 ? 14 : 0;
}

Test(embed, no_cache_dir_uses_a_temporary_root)
{
    uid_t uid = geteuid() == 0 ? 65534 : geteuid();
    char tmp[300];
    int status;
    pid_t pid;

    snprintf(tmp, sizeof(tmp), "%s/tmp", home);
    cr_assert_eq(chmod(home, 0755), 0);
    cr_assert_eq(mkdir(tmp, 0700), 0);
    cr_assert_eq(chown(tmp, uid, uid), 0);
    fflush(NULL);
    pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0)
        _exit(temporary_root_as(uid, tmp));
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status));
    cr_assert_eq(WEXITSTATUS(status), 0, "failed at step %d", WEXITSTATUS(status));
}

static void expect_refused(const char *want_tail)
{
    kc_embed_root r;
    kc_error err = { 0 };

    cr_assert_eq(kc_embed_root_open(&r, kc_now_ms() + 1000, NULL, &err), -1, "accepted");
    cr_assert_eq(err.code, KC_ERR_HOST);
    cr_assert(strstr(err.msg, "as the embedded QEMU driver's directory: ") &&
              strstr(err.msg, want_tail), "%s", err.msg);
}

Test(embed, symlink_refused)
{
    char dir[300], link[300], target[300];

    snprintf(dir, sizeof(dir), "%s/kvmcap", home);
    snprintf(target, sizeof(target), "%s/elsewhere", home);
    snprintf(link, sizeof(link), "%s/kvmcap/embed", home);
    cr_assert_eq(mkdir(dir, 0700), 0);
    cr_assert_eq(mkdir(target, 0700), 0);
    cr_assert_eq(symlink(target, link), 0);
    expect_refused("it is a symbolic link");
    cr_assert_eq(unlink(link), 0);
    /* the kvmcap/ level too: a link there hands the whole tree to its owner */
    cr_assert_eq(rmdir(dir), 0);
    cr_assert_eq(symlink(target, dir), 0);
    expect_refused("it is a symbolic link");
}

Test(embed, other_users_dir_refused)
{
    char dir[300];

    if (geteuid() != 0)
        cr_skip_test("needs root to give a directory away");
    snprintf(dir, sizeof(dir), "%s/kvmcap", home);
    cr_assert_eq(mkdir(dir, 0700), 0);
    cr_assert_eq(chown(dir, 65534, 65534), 0);
    expect_refused("it belongs to uid 65534, not to uid 0");
}

Test(embed, open_mode_refused)
{
    char dir[300];

    snprintf(dir, sizeof(dir), "%s/kvmcap/embed", home);
    cr_assert_eq(mkdir(strrchr(dir, '/') ? (*strrchr(dir, '/') = '\0', dir) : dir, 0700), 0);
    strcat(dir, "/embed");
    cr_assert_eq(mkdir(dir, 0700), 0);
    cr_assert_eq(chmod(dir, 0750), 0);
    expect_refused("its mode 0750 lets others in (want 0700)");
    cr_assert_eq(chmod(dir, 0700), 0);
    *strrchr(dir, '/') = '\0';
    cr_assert_eq(chmod(dir, 0777), 0);
    expect_refused("its mode 0777 lets others in");
}

Test(embed, not_a_directory_refused)
{
    char dir[300];
    int fd;

    snprintf(dir, sizeof(dir), "%s/kvmcap", home);
    fd = open(dir, O_WRONLY | O_CREAT, 0600);
    cr_assert(fd >= 0);
    close(fd);
    expect_refused("it is not a directory");
}

/* One run at a time: a second waits for the lock until its deadline, then says so. */
Test(embed, busy_root_waits_then_fails)
{
    kc_embed_root r;
    kc_error err = { 0 };
    char lock[300];
    int fd;
    int64_t t0;

    cr_assert_eq(kc_embed_root_open(&r, kc_now_ms() + 1000, NULL, &err), 0, "%s", err.msg);
    kc_embed_root_close(&r);
    snprintf(lock, sizeof(lock), "%s/kvmcap/embed.lock", home);
    fd = open(lock, O_RDWR);
    cr_assert(fd >= 0);
    cr_assert_eq(flock(fd, LOCK_EX), 0);
    t0 = kc_now_ms();
    cr_assert_eq(kc_embed_root_open(&r, t0 + 300, NULL, &err), -1);
    cr_assert(kc_now_ms() - t0 >= 300, "did not wait");
    cr_assert(strstr(err.msg, "is in use by another kvmcap run"), "%s", err.msg);
    close(fd);
    cr_assert_eq(kc_embed_root_open(&r, kc_now_ms() + 1000, NULL, &err), 0, "%s", err.msg);
    kc_embed_root_close(&r);
}
