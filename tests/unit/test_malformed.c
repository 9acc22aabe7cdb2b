/* SPDX-License-Identifier: MIT */
/* test_malformed.c: malformed input is refused cleanly: exit 2 (usage) or 3 (bad input),
 * nothing on stdout, exactly one "kvmcap: " line on stderr naming the problem (a usage error
 * adds only the --help hint), never a signal, never a hang. Cases: the table
 * tests/malformed/cases.tsv, the files under tests/malformed/files, and inputs generated
 * here (every byte in a spec, every option with every kind of bad number, deep nesting,
 * truncation of a valid file at every point, random garbage, a file above the size limit). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "facts/facts_json.h"
#include "facts/xml_facts.h"
#include "util/util.h"
#include "helpers.h"
#include "kc.h"

#define ARGS_MAX 16
#define CASE_SECONDS 30          /* a case that takes longer is killed: a hang fails */

/* "Try 'kvmcap --help' for more information." or, for a command, "Try 'kvmcap size
 * --help' ..." */
static const char usage_hint[] = "Try 'kvmcap ";
static const char usage_hint_end[] = "--help' for more information.\n";

typedef struct run_result {
    int status;                  /* exit status, or -signal */
    char *out, *err;
    size_t out_len, err_len;
} run_result;

static char tmpdir[] = "/tmp/kvmcap-malformed.XXXXXX";

static void setup(void)
{
    cr_assert(mkdtemp(tmpdir) || errno == EEXIST, "mkdtemp: %s", strerror(errno));
}

static void rm_tree(const char *dir)
{
    char cmd[256];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        cr_log_warn("could not remove %s", dir);
}

static void teardown(void)
{
    rm_tree(tmpdir);
}

TestSuite(malformed, .init = setup, .fini = teardown, .timeout = 600);

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;

    cr_assert(f, "%s: %s", path, strerror(errno));
    do {
        if (n + 4097 > cap) {
            cap = (cap + 4097) * 2;
            buf = realloc(buf, cap);
            cr_assert(buf);
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Run kvmcap with @args (NULL-terminated after @n) and stdin from /dev/null. */
static run_result run(const char *const *args, size_t n)
{
    const char *bin = getenv("KVMCAP_BIN");
    char outp[256], errp[256];
    const char *argv[ARGS_MAX + 2];
    run_result r = { 0 };
    int status;
    pid_t pid;

    cr_assert(bin, "KVMCAP_BIN is not set (run through make check)");
    cr_assert(n <= ARGS_MAX);
    argv[0] = bin;
    for (size_t i = 0; i < n; i++)
        argv[i + 1] = args[i];
    argv[n + 1] = NULL;
    snprintf(outp, sizeof(outp), "%s/stdout", tmpdir);
    snprintf(errp, sizeof(errp), "%s/stderr", tmpdir);
    fflush(NULL);
    pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        int out = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);

        if (in < 0 || out < 0 || err < 0)
            _exit(127);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        setenv("LC_ALL", "C", 1);
        setenv("NO_COLOR", "1", 1);
        unsetenv("LIBVIRT_DEFAULT_URI");
        alarm(CASE_SECONDS);    /* survives exec: a hang ends in SIGALRM */
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    r.out = slurp(outp, &r.out_len);
    r.err = slurp(errp, &r.err_len);
    return r;
}

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

/* Printable form of a command line for failure messages. */
static void describe(char *buf, size_t size, const char *const *args, size_t n)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < n && used + 1 < size; i++) {
        char safe[256];

        kc_term_safe(safe, sizeof(safe), args[i]);
        used += (size_t)snprintf(buf + used, size - used, "%s'%s'", i ? " " : "", safe);
    }
}

/* The contract: @want status (2 or 3; 0 means "2 or 3"), empty stdout, one "kvmcap: " line
 * naming @token (NULL: any), and for usage errors only the --help hint besides. */
static void expect_refused(const char *const *args, size_t n, int want, const char *token,
                           const char *where)
{
    run_result r = run(args, n);
    char cmd[1024];
    char *nl, *second;

    describe(cmd, sizeof(cmd), args, n);
    cr_expect(r.status >= 0, "%s: %s: killed by signal %d", where, cmd, -r.status);
    if (want)
        cr_expect_eq(r.status, want, "%s: %s: exit %d, want %d (stderr: %s)", where, cmd,
                     r.status, want, r.err);
    else
        cr_expect(r.status == 2 || r.status == 3, "%s: %s: exit %d, want 2 or 3 (stderr: %s)",
                  where, cmd, r.status, r.err);
    cr_expect_eq(r.out_len, 0, "%s: %s: wrote %zu bytes to stdout", where, cmd, r.out_len);
    cr_expect(strncmp(r.err, "kvmcap: ", 8) == 0, "%s: %s: stderr '%s'", where, cmd, r.err);
    cr_expect(memchr(r.err, '\0', r.err_len) == NULL, "%s: %s: NUL on stderr", where, cmd);
    nl = strchr(r.err, '\n');
    cr_expect(nl != NULL, "%s: %s: stderr does not end its line", where, cmd);
    if (nl) {
        *nl = '\0';
        second = nl + 1;
        if (r.status == 2 && strncmp(second, usage_hint, strlen(usage_hint)) == 0) {
            char *end = strstr(second, usage_hint_end);

            if (end)
                second = end + strlen(usage_hint_end);
        }
        cr_expect(second >= r.err + r.err_len || *second == '\0',
                  "%s: %s: more than one line on stderr: '%s' then '%s'", where, cmd, r.err,
                  nl + 1);
        /* the message line itself is clean text: no control characters, C1 included, and
         * nothing that is not UTF-8 (util/sanitize.h) */
        for (const char *p = r.err; *p; p += kc_safe_char_len(p) ? kc_safe_char_len(p) : 1)
            cr_expect(kc_safe_char_len(p) > 0, "%s: %s: unsafe byte 0x%02x in the message",
                      where, cmd, (unsigned char)*p);
    }
    if (token)
        cr_expect(strstr(r.err, token) != NULL, "%s: %s: message '%s' does not name '%s'",
                  where, cmd, r.err, token);
    run_free(&r);
}

/* Decode \t \n \\ \xHH; "$F/" becomes the files directory. Returns a malloc'd string. */
static char *unescape(const char *s)
{
    static const char files[] = "tests/malformed/files/";
    char *out = malloc(strlen(s) + sizeof(files) + 1), *o = out;

    cr_assert(out);
    if (strncmp(s, "$F/", 3) == 0) {
        o += sprintf(o, "%s", files);
        s += 3;
    }
    while (*s) {
        if (*s != '\\') {
            *o++ = *s++;
            continue;
        }
        s++;
        if (*s == 't') {
            *o++ = '\t';
            s++;
        } else if (*s == 'n') {
            *o++ = '\n';
            s++;
        } else if (*s == 'x' && s[1] && s[2]) {
            char hex[3] = { s[1], s[2], '\0' };

            *o++ = (char)strtol(hex, NULL, 16);
            s += 3;
        } else if (*s) {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

Test(malformed, every_case_of_the_table_is_refused_with_one_line)
{
    size_t len, cases = 0, lineno = 0;
    char *text = slurp("tests/malformed/cases.tsv", &len);

    for (char *line = text, *next; line && *line; line = next) {
        char *fields[ARGS_MAX + 2], where[64];
        const char *args[ARGS_MAX];
        size_t nf = 0;
        char *token;

        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        if (line[0] == '#' || line[0] == '\0')
            continue;
        for (char *f = line, *tab; f; f = tab) {
            tab = strchr(f, '\t');
            if (tab)
                *tab++ = '\0';
            cr_assert(nf < ARGS_MAX + 2, "cases.tsv:%zu: too many fields", lineno);
            fields[nf++] = f;
        }
        cr_assert(nf >= 3, "cases.tsv:%zu: want STATUS TOKEN ARG...", lineno);
        token = strcmp(fields[1], "-") == 0 ? NULL : unescape(fields[1]);
        for (size_t i = 2; i < nf; i++)
            args[i - 2] = unescape(fields[i]);
        snprintf(where, sizeof(where), "cases.tsv:%zu", lineno);
        expect_refused(args, nf - 2, atoi(fields[0]), token, where);
        for (size_t i = 2; i < nf; i++)
            free((char *)args[i - 2]);
        free(token);
        cases++;
    }
    cr_expect_geq(cases, 150, "the table holds %zu cases", cases);
    free(text);
}

Test(malformed, every_file_of_the_directory_is_in_the_table)
{
    size_t len;
    char *table = slurp("tests/malformed/cases.tsv", &len);
    FILE *ls = popen("ls tests/malformed/files", "r");
    char name[256];

    cr_assert(ls);
    while (fgets(name, sizeof(name), ls)) {
        char ref[300];

        name[strcspn(name, "\n")] = '\0';
        snprintf(ref, sizeof(ref), "$F/%s", name);
        cr_expect(strstr(table, ref) != NULL, "tests/malformed/files/%s is not used", name);
    }
    pclose(ls);
    free(table);
}

/* Any byte that is not part of the grammar, placed inside a VM or host spec. */
Test(malformed, every_foreign_byte_inside_a_spec_is_refused)
{
    static const char grammar[] = "0123456789abcdefghijklmnopqrstuvwxyz"
                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ.,:=%-_";
    char vm[16], host[16];

    for (int b = 1; b < 256; b++) {
        if (strchr(grammar, b))
            continue;
        snprintf(vm, sizeof(vm), "1c%c1g", b);
        snprintf(host, sizeof(host), "8c%c8g", b);
        {
            const char *a1[] = { "--host", "8c8g", "--vm", vm };
            const char *a2[] = { "--host", host, "--vm", "1c1g" };

            expect_refused(a1, 4, 3, "bad VM spec", "byte sweep");
            expect_refused(a2, 4, 3, "bad host spec", "byte sweep");
        }
    }
}

/* Every numeric option with every kind of bad number: usage errors naming the option. */
Test(malformed, every_numeric_option_refuses_every_kind_of_bad_number)
{
    static const char *const options[] = {
        "--overcommit", "--reserve", "--reserve-cpus", "--cpu-ratio", "--vm-overhead",
        "--disk-overcommit", "--max-util", "--check",
    };
    static const char *const values[] = {
        "", "-1", "abc", "1e3", "nan", "NaN", "inf", "-inf", "Infinity",
        "99999999999999999999999", "18446744073709551616", "\xef\xbc\x91", "\xd9\xa3",
        "\xc2\xb2", "1\x01", " 1", "1 ", "0x10", "+5", "1,5", "1..5", ".5", "5.", "\xff",
        "1\n", "--", "1/2",
    };

    for (size_t o = 0; o < sizeof(options) / sizeof(options[0]); o++)
        for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
            const char *args[] = { "--host", "8c8g", "--vm", "1c1g", options[o], values[v] };

            expect_refused(args, 6, 2, options[o], "option grid");
        }
}

Test(malformed, every_word_option_refuses_a_word_it_does_not_know)
{
    static const char *const options[] = { "--profile", "--numa", "--net-mode", "--existing" };
    /* words with a newline, an escape, a C1 CSI or a byte that is not UTF-8: the one
     * message line shows none of them (util/sanitize.h, in the error funnel) */
    static const char *const values[] = { "", "bogus", "SERVER", "spread ", "\xc3\xa9", "0",
                                          "spread\n", "\x1b[31m", ("\xc2\x9b" "31m"), "\xff" };

    for (size_t o = 0; o < sizeof(options) / sizeof(options[0]); o++)
        for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
            const char *args[] = { "--host", "8c8g", "--vm", "1c1g", options[o], values[v] };

            expect_refused(args, 6, 2, options[o] + 2, "word options");
        }
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    cr_assert(f, "%s: %s", path, strerror(errno));
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

/* The three readers of files a user passes. */
static void expect_file_refused(const char *path, const char *where)
{
    const char *facts[] = { "--facts", path, "--vm", "1c1g" };
    const char *work[] = { "size", "--workload", path, "--host", "8c8g" };
    const char *cat[] = { "size", "--vm", "1c1g:4", "--catalog", path };

    expect_refused(facts, 4, 3, path, where);
    expect_refused(work, 5, 3, path, where);
    expect_refused(cat, 5, 3, path, where);
}

/* A FIFO with no writer blocks open() and read() forever: every file option refuses one at
 * once (a block would end in the run's SIGALRM). */
Test(malformed, a_fifo_given_as_any_input_file_is_refused_at_once)
{
    char fifo[256];

    snprintf(fifo, sizeof(fifo), "%s/fifo", tmpdir);
    cr_assert(mkfifo(fifo, 0600) == 0 || errno == EEXIST, "mkfifo: %s", strerror(errno));
    {
        const char *facts[] = { "--facts", fifo, "--vm", "1c1g" };
        const char *config[] = { "--config", fifo, "--host", "8c8g", "--vm", "1c1g" };
        const char *work[] = { "size", "--workload", fifo, "--host", "8c8g" };
        const char *cat[] = { "size", "--vm", "1c1g:4", "--catalog", fifo };
        const char *hosts[] = { "fleet", "--hosts", fifo, "--vm", "1c1g" };

        expect_refused(facts, 4, 3, "is a FIFO, not a file", "fifo --facts");
        expect_refused(config, 6, 3, "is a FIFO, not a file", "fifo --config");
        expect_refused(work, 5, 3, "is a FIFO, not a file", "fifo --workload");
        expect_refused(cat, 5, 3, "is a FIFO, not a file", "fifo --catalog");
        expect_refused(hosts, 5, 3, "is a FIFO, not a file", "fifo --hosts");
    }
}

Test(malformed, deep_nesting_is_refused_without_a_stack_overflow)
{
    static const char *const opens[] = { "[", "{\"a\":", "{\"host\":" };
    char path[256];

    for (size_t k = 0; k < sizeof(opens) / sizeof(opens[0]); k++) {
        size_t depth = 200000, unit = strlen(opens[k]);
        char *text = malloc(depth * unit + 1);

        cr_assert(text);
        for (size_t i = 0; i < depth; i++)
            memcpy(text + i * unit, opens[k], unit);
        text[depth * unit] = '\0';
        snprintf(path, sizeof(path), "%s/deep-%zu.json", tmpdir, k);
        write_file(path, text, depth * unit);
        expect_file_refused(path, "deep nesting");
        free(text);
    }
}

Test(malformed, every_truncation_of_a_valid_facts_file_is_refused)
{
    size_t len, last, tried = 0;
    char *text = slurp("tests/fixtures/hosts/epyc-2s-512g.json", &len);
    char path[256];

    last = (size_t)(strrchr(text, '}') - text);    /* cut before the closing brace */
    snprintf(path, sizeof(path), "%s/truncated.json", tmpdir);
    for (size_t cut = 0; cut < last; cut += 1 + cut / 16) {
        const char *args[] = { "--facts", path, "--vm", "1c1g" };

        write_file(path, text, cut);
        expect_refused(args, 4, 3, path, "truncation");
        tried++;
    }
    cr_expect_geq(tried, 40);
    free(text);
}

Test(malformed, random_garbage_files_are_refused)
{
    uint64_t seed = 7;
    char path[256];

    for (int i = 0; i < 12; i++) {
        size_t n = 1 + (size_t)(kc_test_rand(&seed) % 4096);
        char *buf = malloc(n);

        cr_assert(buf);
        for (size_t j = 0; j < n; j++)
            buf[j] = (char)(kc_test_rand(&seed) & 0xff);
        buf[0] = i % 2 ? '{' : (char)(buf[0] | 0x80);    /* half start like JSON */
        snprintf(path, sizeof(path), "%s/garbage-%d.bin", tmpdir, i);
        write_file(path, buf, n);
        expect_file_refused(path, "random garbage");
        free(buf);
    }
}

Test(malformed, a_file_above_the_size_limit_is_refused_before_parsing)
{
    char path[256];
    const char *args[] = { "--facts", path, "--vm", "1c1g" };
    int fd;

    snprintf(path, sizeof(path), "%s/huge.json", tmpdir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert(fd >= 0);
    /* 65 MiB of spaces, sparse would read as NULs: write it */
    {
        static char spaces[1 << 16];

        memset(spaces, ' ', sizeof(spaces));
        for (int i = 0; i < 65 * 16; i++)
            cr_assert_eq(write(fd, spaces, sizeof(spaces)), (ssize_t)sizeof(spaces));
    }
    cr_assert_eq(close(fd), 0);
    expect_refused(args, 4, 3, "larger than", "size limit");
}

/* Regressions found by fuzzing: every input kept in tests/fuzz/regress/fuzz_xml_<parser>/
 * goes through its parser here too (the fuzz targets replay them in `make fuzz-ci`). They
 * were tokens quoted from XML that kept their newline, so a "one line" message became two. */
static int parse_xml(const char *parser, const char *text, kc_error *err)
{
    kc_xml_caps caps;
    kc_xml_domain dom;
    kc_xml_pool pool;
    kc_xml_network net;
    kc_xml_nodedev_net dev;

    if (strcmp(parser, "caps") == 0)
        return kc_xml_parse_caps(text, &caps, err);
    if (strcmp(parser, "domain") == 0)
        return kc_xml_parse_domain(text, &dom, err);
    if (strcmp(parser, "pool") == 0)
        return kc_xml_parse_pool(text, &pool, err);
    if (strcmp(parser, "network") == 0)
        return kc_xml_parse_network(text, &net, err);
    cr_assert_str_eq(parser, "nodedev");
    return kc_xml_parse_nodedev_net(text, &dev, err);
}

Test(malformed, xml_inputs_found_by_fuzzing_give_one_line_messages)
{
    static const char *const parsers[] = { "caps", "domain", "pool", "network", "nodedev" };
    size_t seen = 0;

    for (size_t i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++) {
        char cmd[256], path[512];
        FILE *ls;

        snprintf(cmd, sizeof(cmd), "ls -d tests/fuzz/regress/fuzz_xml_%s/* 2>/dev/null",
                 parsers[i]);
        ls = popen(cmd, "r");
        cr_assert(ls);
        while (fgets(path, sizeof(path), ls)) {
            kc_error err = { 0 };
            size_t len;
            char *text;

            path[strcspn(path, "\n")] = '\0';
            text = slurp(path, &len);
            if (parse_xml(parsers[i], text, &err) < 0) {
                cr_expect_eq(err.code, KC_ERR_INVALID, "%s", path);
                for (const char *p = err.msg; *p; p++)
                    cr_expect((unsigned char)*p >= 0x20 && *p != 0x7f,
                              "%s: control byte 0x%02x in '%s'", path, (unsigned char)*p,
                              err.msg);
            }
            free(text);
            seen++;
        }
        pclose(ls);
    }
    cr_expect_geq(seen, 3, "the three inputs of tests/fuzz/regress");
}

Test(malformed, error_messages_replace_control_bytes)
{
    kc_error err = { 0 };

    cr_expect_eq(kc_error_set(&err, KC_ERR_INVALID, "bad '%s'", "a\nb\x1b[2J\x7f\tc"), -1);
    cr_expect_str_eq(err.msg, "bad 'a?b?[2J??c'");
}

/* ---- output safety: terminal control characters, full disks, closed stdout ---- */

TestSuite(output, .init = setup, .fini = teardown, .timeout = 120);

Test(output, term_safe_replaces_every_control_character_and_keeps_utf8)
{
    char buf[64];

    cr_expect_str_eq(kc_term_safe(buf, sizeof(buf), "plain host-1.example"),
                     "plain host-1.example");
    cr_expect_str_eq(kc_term_safe(buf, sizeof(buf), "a\x1b]0;title\x07z"), "a?]0;title?z");
    cr_expect_str_eq(kc_term_safe(buf, sizeof(buf), "l1\r\nl2\t\x7f"), "l1??l2??");
    /* C1 CSI as UTF-8 (U+009B) and as a lone byte; a valid e-acute and euro sign stay */
    cr_expect_str_eq(kc_term_safe(buf, sizeof(buf), "x\xc2\x9b" "31m"), "x?31m");
    cr_expect_str_eq(kc_term_safe(buf, sizeof(buf), "x\x9b" "31m"), "x?31m");
    cr_expect_str_eq(kc_term_safe(buf, sizeof(buf), "caf\xc3\xa9 \xe2\x82\xac"),
                     "caf\xc3\xa9 \xe2\x82\xac");
    /* overlong, surrogate and truncated sequences are not UTF-8 */
    cr_expect_str_eq(kc_term_safe(buf, sizeof(buf), "\xc0\xaf\xed\xa0\x80\xe2\x82"),
                     "?????" "??");
    /* cut to the buffer, never in the middle of a character */
    cr_expect_str_eq(kc_term_safe(buf, 5, "ab\xe2\x82\xac"), "ab");
    cr_expect_str_eq(kc_term_safe(buf, 4, "abcdef"), "abc");
}

Test(output, rotating_buffers_keep_eight_strings_apart)
{
    const char *a = kc_term_str("one\n"), *b = kc_term_str("two\x1b");

    cr_expect_str_eq(a, "one?");
    cr_expect_str_eq(b, "two?");
}

Test(output, json_nul_escape_is_found_only_outside_an_escaped_backslash)
{
    cr_expect(kc_json_has_nul_escape("{\"a\": \"x\\u0000y\"}"));
    cr_expect_not(kc_json_has_nul_escape("{\"a\": \"x\\\\u0000y\"}"));
    cr_expect_not(kc_json_has_nul_escape("{\"a\": \"x\\u0001y\"}"));
    cr_expect_not(kc_json_has_nul_escape("\\"));
}

/* A facts file full of escape sequences: neither report carries one to the terminal. */
Test(output, host_strings_reach_the_text_reports_without_control_characters)
{
    static const char facts[] =
        "{\"host\": {\"cpus\": 8, \"mem_mib\": 8192, \"name\": \"evil\\u001b]0;pwn\\u0007\","
        " \"cpu_model\": \"\\u001b[2J\"},"
        " \"nics\": [{\"name\": \"e\\u001b[1m\", \"speed_mbps\": 1000, \"bridge\": \"\\u0007\"}],"
        " \"networks\": [{\"name\": \"n\\r\", \"mode\": \"nat\", \"bridge\": \"\\u009b\","
        " \"active\": true}],"
        " \"storage\": [{\"name\": \"s\\b\", \"pool_type\": \"dir\", \"size_mib\": 10}],"
        " \"vms\": [{\"name\": \"v\\u001bc\", \"vcpus\": 1, \"mem_mib\": 1}],"
        " \"notes\": [\"forged\\nnote: all good\\u001b[0m\"]}";
    char path[256];
    const char *fit[] = { "--facts", path, "--vm", "1c1g" };
    const char *show[] = { "facts", "--facts", path };
    const char *const *cmds[] = { fit, show };
    size_t ns[] = { 4, 3 };

    snprintf(path, sizeof(path), "%s/evil.json", tmpdir);
    write_file(path, facts, sizeof(facts) - 1);
    for (int c = 0; c < 2; c++) {
        run_result r = run(cmds[c], ns[c]);

        cr_expect_eq(r.status, 0, "stderr: %s", r.err);
        cr_expect(strstr(r.out, "evil?]0;pwn?") != NULL, "%s", r.out);
        for (size_t i = 0; i < r.out_len; i++)
            cr_expect(r.out[i] == '\n' || ((unsigned char)r.out[i] >= 0x20 &&
                                           r.out[i] != 0x7f),
                      "byte 0x%02x at %zu of the report", (unsigned char)r.out[i], i);
        cr_expect(strstr(r.out, "\nnote: all good") == NULL, "a note forged a line");
        run_free(&r);
    }
}

/* Every text byte of @r's stdout is safe (a line end aside: \n, and \r before it in CSV). */
static void expect_safe_text(const run_result *r, const char *what)
{
    for (size_t i = 0; i < r->out_len;) {
        size_t n = kc_safe_char_len(r->out + i);

        if (r->out[i] == '\n' || (r->out[i] == '\r' && r->out[i + 1] == '\n')) {
            i++;
            continue;
        }
        cr_expect(n > 0, "%s: unsafe byte 0x%02x at %zu of the output", what,
                  (unsigned char)r->out[i], i);
        i += n ? n : 1;
    }
}

/* Terminal controls (C0 and C1: U+009B is CSI) in a facts file and 8-bit bytes in a URI:
 * no text renderer passes one on, and JSON output stays valid UTF-8. */
Test(output, c1_controls_and_8bit_bytes_reach_no_output)
{
    static const char facts[] =
        "{\"host\": {\"cpus\": 8, \"mem_mib\": 8192, \"name\": \"evil\\u009b2J\\u001b]0;t\\u0007\"},"
        " \"vms\": [{\"name\": \"v\\u0085x\", \"vcpus\": 1, \"mem_mib\": 1}],"
        " \"notes\": [\"n\\u009b31m\"]}";
    static const char uri[] = "test:///no/such/\xc2\x9b" "2J\xff\x9b" "31m.xml";
    char path[256];
    const char *sweep[] = { "sweep", "--facts", path, "--vm", "1c1g", "--reserve", "0:2g:1g" };
    const char *csv[] = { "--facts", path, "--vm", "1c1g", "--format", "csv" };
    const char *prom[] = { "--facts", path, "--vm", "1c1g", "--format", "prometheus" };
    const char *fit[] = { "--facts", path, "--vm", "1c1g" };
    const char *fleet[] = { "fleet", "-c", uri, "--vm", "1c1g" };
    const char *fleet_json[] = { "fleet", "-c", uri, "--vm", "1c1g", "--json" };
    const char *const *text[] = { sweep, csv, prom, fit, fleet };
    const size_t n_text[] = { 7, 6, 6, 4, 5 };
    run_result r;

    snprintf(path, sizeof(path), "%s/c1.json", tmpdir);
    write_file(path, facts, sizeof(facts) - 1);
    for (size_t c = 0; c < sizeof(text) / sizeof(text[0]); c++) {
        char what[64];

        r = run(text[c], n_text[c]);
        snprintf(what, sizeof(what), "%s %s", text[c][0], text[c][n_text[c] - 1]);
        /* the fleet's only host fails: exit 4 "no host answered", its report still out */
        cr_expect(r.status == (c == 4 ? 4 : 0), "%s: exit %d, stderr: %s", what, r.status,
                  r.err);
        cr_expect(r.out_len > 0, "%s: no output", what);
        expect_safe_text(&r, what);
        run_free(&r);
    }
    r = run(fleet_json, 6);
    cr_expect_eq(r.status, 4, "stderr: %s", r.err);
    cr_expect(kc_utf8_valid(r.out, r.out_len, NULL), "fleet --json is not UTF-8: %s", r.out);
    cr_expect(strstr(r.out, "\xef\xbf\xbd") != NULL, "the 8-bit bytes became U+FFFD: %s",
              r.out);
    run_free(&r);
}

/* A report that cannot be written is exit 4 with a message, never a silent success. */
static void expect_write_failure(const char *const *args, size_t n, bool close_stdout)
{
    const char *bin = getenv("KVMCAP_BIN");
    const char *argv[ARGS_MAX + 2];
    char errp[256], cmd[512];
    int status;
    size_t len;
    char *err;
    pid_t pid;

    cr_assert(bin);
    argv[0] = bin;
    for (size_t i = 0; i < n; i++)
        argv[i + 1] = args[i];
    argv[n + 1] = NULL;
    snprintf(errp, sizeof(errp), "%s/stderr", tmpdir);
    describe(cmd, sizeof(cmd), args, n);
    fflush(NULL);
    pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int full = open("/dev/full", O_WRONLY);

        if (e < 0 || full < 0)
            _exit(127);
        dup2(e, 2);
        if (close_stdout)
            close(1);
        else
            dup2(full, 1);
        setenv("NO_COLOR", "1", 1);
        alarm(CASE_SECONDS);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    err = slurp(errp, &len);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 4, "%s (%s): status 0x%x, stderr %s",
              cmd, close_stdout ? "stdout closed" : "/dev/full", status, err);
    cr_expect(strncmp(err, "kvmcap: ", 8) == 0 && strstr(err, "write") != NULL,
              "%s: stderr '%s'", cmd, err);
    free(err);
}

Test(output, a_full_disk_or_closed_stdout_is_exit_4)
{
    static const char *const fit[] = { "--host", "8c8g", "--vm", "1c1g" };
    static const char *const fit_json[] = { "--host", "8c8g", "--vm", "1c1g", "--json" };
    static const char *const facts[] = { "facts", "--facts",
                                         "tests/fixtures/hosts/epyc-2s-512g.json" };
    static const char *const facts_json[] = { "facts", "--facts",
                                              "tests/fixtures/hosts/epyc-2s-512g.json",
                                              "--json" };
    static const char *const size[] = { "size", "--vm", "2c4g:200", "--host", "64c512g" };
    static const char *const size_json[] = { "size", "--vm", "2c4g:200", "--host", "64c512g",
                                             "--json" };
    static const char *const help[] = { "--help" };
    static const char *const version[] = { "--version" };
    /* a shortfall's exit 1 must not hide the lost report (issue 13, item 8) */
    static const char *const check[] = { "--host", "8c8g", "--vm", "1c1g", "--check", "100" };
    static const char *const fleet_short[] = { "fleet", "-c", "test:///default", "--vm",
                                               "64c1g:100" };
    const char *const *cmds[] = { fit, fit_json, facts, facts_json, size, size_json, help,
                                  version, check, fleet_short };
    size_t ns[] = { 4, 5, 3, 4, 5, 6, 1, 1, 6, 5 };

    for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
        expect_write_failure(cmds[c], ns[c], false);
        expect_write_failure(cmds[c], ns[c], true);
    }
}

/* Run kvmcap @args under an address-space limit of @mib MiB; the exit status, or -signal. */
static int run_limited(const char *const *args, size_t n, unsigned mib, char **err_text)
{
    const char *bin = getenv("KVMCAP_BIN");
    const char *argv[ARGS_MAX + 2];
    char errp[256];
    size_t len;
    int status;
    pid_t pid;

    cr_assert(bin && n <= ARGS_MAX);
    argv[0] = bin;
    for (size_t i = 0; i < n; i++)
        argv[i + 1] = args[i];
    argv[n + 1] = NULL;
    snprintf(errp, sizeof(errp), "%s/stderr-limited", tmpdir);
    fflush(NULL);
    pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        struct rlimit rl = { (rlim_t)mib << 20, (rlim_t)mib << 20 };
        struct rlimit no_core = { 0, 0 };
        int in = open("/dev/null", O_RDWR), e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);

        if (in < 0 || e < 0)
            _exit(127);
        dup2(in, 0);
        dup2(in, 1);
        dup2(e, 2);
        setrlimit(RLIMIT_CORE, &no_core);
        /* a sanitized kvmcap fails to start under the limit: its complaint goes to this
         * stderr, not into the sanitizer report files that fail `make check-san` */
        unsetenv("ASAN_OPTIONS");
        unsetenv("UBSAN_OPTIONS");
        if (setrlimit(RLIMIT_AS, &rl) < 0)
            _exit(126);
        alarm(CASE_SECONDS);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    *err_text = slurp(errp, &len);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

/* Out of memory is exit 5 and "kvmcap: out of memory": not abort()'s 134 and a core dump,
 * and not "not valid JSON" for a valid file whose tree cJSON could not allocate. */
Test(malformed, out_of_memory_is_exit_5_with_its_own_message)
{
    static const char head[] = "{\"host\": {\"cpus\": 8, \"mem_mib\": 8192}, \"notes\": [\"x\"";
    const char *version[] = { "--version" };
    const char *fit[] = { "--facts", NULL, "--vm", "1c1g" };
    char path[256], *err = NULL;
    FILE *f;
    int st;

    /* a sanitized build reserves terabytes of shadow memory: it cannot run under a limit */
    st = run_limited(version, 1, 120, &err);
    free(err);
    if (st != 0)
        cr_skip_test("this kvmcap does not start under a 120 MiB address-space limit");
    snprintf(path, sizeof(path), "%s/many-notes.json", tmpdir);
    f = fopen(path, "w");
    cr_assert(f);
    fputs(head, f);
    for (int i = 0; i < 4000000; i++)     /* 16 MB of text, ~4 M cJSON items: > 120 MiB */
        fputs(",\"x\"", f);
    fputs("]}", f);
    cr_assert_eq(fclose(f), 0);
    fit[1] = path;
    st = run_limited(fit, 4, 120, &err);
    cr_expect_eq(st, 5, "exit %d, stderr: %s", st, err);
    cr_expect_str_eq(err, "kvmcap: out of memory\n");
    free(err);
    unlink(path);
}

/* A libvirt host whose facts cannot be planned (no CPUs) is named by its URI. */
Test(malformed, a_libvirt_host_without_cpus_is_named_by_its_uri)
{
    static const char xml[] =
        "<node><cpu><nodes>1</nodes><sockets>1</sockets><cores>0</cores><threads>1</threads>"
        "<active>0</active><mhz>2000</mhz><model>i686</model></cpu>"
        "<memory>8388608</memory></node>\n";
    char path[256], uri[300];
    const char *fit[] = { "-c", uri, "--vm", "1c1g" };

    snprintf(path, sizeof(path), "%s/zero-cpus.xml", tmpdir);
    write_file(path, xml, sizeof(xml) - 1);
    snprintf(uri, sizeof(uri), "test://%s", path);
    expect_refused(fit, 4, 3, uri, "zero-cpu libvirt host");
}

/* The collector's stderr is /dev/null (libxml2 warns about a missing test-driver file on its
 * own), except with KVMCAP_DEBUG: then what it says, a sanitizer's report included, is seen. */
Test(output, the_collectors_stderr_is_passed_through_only_with_kvmcap_debug)
{
    const char *args[] = { "-c", "test:///no/such/kvmcap-host.xml", "--vm", "1c1g" };
    run_result r;

    unsetenv("KVMCAP_DEBUG");
    r = run(args, 4);
    cr_expect_eq(r.status, 4, "%s", r.err);
    cr_expect(strncmp(r.err, "kvmcap: ", 8) == 0 && strchr(r.err, '\n') == r.err + r.err_len - 1,
              "one line without KVMCAP_DEBUG: %s", r.err);
    run_free(&r);
    setenv("KVMCAP_DEBUG", "1", 1);
    r = run(args, 4);
    unsetenv("KVMCAP_DEBUG");
    cr_expect_eq(r.status, 4, "%s", r.err);
    cr_expect(strstr(r.err, "failed to load external entity") != NULL,
              "libxml2's own line with KVMCAP_DEBUG: %s", r.err);
    run_free(&r);
}

/* A host name that is not UTF-8 (a libvirt host can report one): `facts --json` still
 * writes valid UTF-8 (U+FFFD for each bad byte), which kvmcap and every other tool read. */
Test(output, facts_json_of_a_name_that_is_not_utf8_is_valid_utf8)
{
    kc_facts *f = kc_facts_new(), *back = kc_facts_new();
    kc_error err = { 0 };
    char *text;

    f->cpus = 8;
    f->mem_mib = 8192;
    kc_strlcpy(f->hostname, "kvm\xff\xc0\xaf" "7", sizeof(f->hostname));
    kc_strlcpy(f->name, f->hostname, sizeof(f->name));
    text = kc_facts_to_json(f, "0.1.0");
    cr_assert(text);
    cr_expect(kc_utf8_valid(text, strlen(text), NULL), "%s", text);
    cr_expect(strstr(text, "kvm\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "7") != NULL, "%s", text);
    cr_expect_eq(kc_facts_from_json(text, "back.json", back, &err), 0, "%s", err.msg);
    free(text);
    kc_facts_free(f);
    kc_facts_free(back);
}
