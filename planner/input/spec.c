/* SPDX-License-Identifier: MIT */
/* spec.c: the spec grammar: exact decimal numbers, sizes, bandwidths, host and VM specs. */
#include <stdio.h>
#include <string.h>

#include "input/spec.h"
#include "util/util.h"

/* Longest spec we accept; longer text is an error, not a truncation. */
#define SPEC_MAX 1024
/* Decimals a size or bandwidth may carry: 1e-6 t is about one MiB, finer makes no sense. */
#define SIZE_DECIMALS 6

static const uint64_t pow10_tab[] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
};

/* A decimal number split into its integer part and its significant fraction digits:
 * value = ip + frac / 10^nfrac, exactly. */
typedef struct dec {
    uint64_t ip;
    uint64_t frac;
    unsigned nfrac;
} dec;

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (lower(*a) != lower(*b))
            return false;
    return *a == *b;
}

/* Copy @s into @dst for quoting in a message: non-printable bytes become '?', and long text
 * is cut with "..." so that the detail after it still fits in kc_error.msg. */
static void quote(char *dst, size_t size, const char *s)
{
    size_t i, n = strlen(s), max = size - 1;

    if (n > max) {
        n = max - 3;
        memcpy(dst + n, "...", 4);
    } else {
        dst[n] = '\0';
    }
    for (i = 0; i < n; i++)
        dst[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
}

/* Turn the detail in @err into "bad WHAT 'TEXT': DETAIL". Returns -1. */
static int wrap(kc_error *err, const char *what, const char *text)
{
    char detail[sizeof(err->msg)];
    char q[64];

    if (!err)
        return -1;
    memcpy(detail, err->msg, sizeof(detail));
    detail[sizeof(detail) - 1] = '\0';
    quote(q, sizeof(q), text);
    return kc_error_set(err, KC_ERR_INVALID, "bad %s '%s': %s", what, q, detail);
}

/* A quoted token for a message (sanitized, cut); lives until the end of the full
 * expression that calls Q(), which is all kc_error_set() needs. */
typedef struct qstr {
    char s[64];
} qstr;

static qstr Q(const char *tok)
{
    qstr q;

    quote(q.s, sizeof(q.s), tok);
    return q;
}

#define BAD(err, fmt, tok) kc_error_set((err), KC_ERR_INVALID, fmt, Q(tok).s)

/* Digits at @s into *@v; *@end after them. -1 on overflow of uint64 (never wraps; *@end is
 * still set). */
static int digits_u64(const char *s, const char **end, uint64_t *v)
{
    uint64_t x = 0;
    bool over = false;

    for (; is_digit(*s); s++) {
        unsigned d = (unsigned)(*s - '0');

        if (x > (UINT64_MAX - d) / 10)
            over = true;
        else
            x = x * 10 + d;
    }
    *end = s;
    *v = x;
    return over ? -1 : 0;
}

/* Parse "DIGITS[.DIGITS]" at @s (which must start with a digit); *@end after it. Trailing
 * zeros of the fraction are not significant; more than @max_dec significant decimals is an
 * error. @tok names the whole token in messages. */
static int parse_dec(const char *s, const char **end, unsigned max_dec, const char *tok,
                     dec *d, kc_error *err)
{
    const char *p, *fstart;
    unsigned sig = 0, n = 0;

    if (!is_digit(*s))
        return BAD(err, "'%s' is not a number", tok);
    if (digits_u64(s, &p, &d->ip) < 0)
        return BAD(err, "'%s' is too large", tok);
    d->frac = 0;
    d->nfrac = 0;
    if (*p == '.') {
        p++;
        fstart = p;
        if (!is_digit(*p))
            return BAD(err, "'%s' has no digit after '.'", tok);
        for (; is_digit(*p); p++) {
            n++;
            if (*p != '0')
                sig = n;
            if (n > 4096)
                return BAD(err, "'%s' has too many decimals", tok);
        }
        if (sig > max_dec)
            return kc_error_set(err, KC_ERR_INVALID, "'%s' has too many decimals (at most %u)",
                                Q(tok).s, max_dec);
        for (unsigned i = 0; i < sig; i++)
            d->frac = d->frac * 10 + (uint64_t)(fstart[i] - '0');
        d->nfrac = sig;
    }
    *end = p;
    return 0;
}

/* The detail parsers below work on one token and leave a detail message in @err. */

static int size_detail(const char *tok, bool round_up, bool allow_zero, uint64_t *out,
                       kc_error *err)
{
    const char *end;
    dec d;
    kc_u128 num, q, r;
    uint64_t unit;
    char u;

    if (!*tok)
        return kc_error_set(err, KC_ERR_INVALID, "empty size (e.g. 512m, 1.5g, 2t)");
    if (!is_digit(*tok))
        return BAD(err, "'%s' is not a size (e.g. 512m, 1.5g, 2t)", tok);
    if (parse_dec(tok, &end, SIZE_DECIMALS, tok, &d, err) < 0)
        return -1;
    if (!*end) {
        if (d.ip == 0 && d.frac == 0) {
            if (allow_zero) {
                *out = 0;
                return 0;
            }
            return BAD(err, "'%s' must be above zero", tok);
        }
        return BAD(err, "'%s' needs a unit (m, g or t)", tok);
    }
    u = lower(*end);
    if (u == 'm')
        unit = 1;
    else if (u == 'g')
        unit = 1024;
    else if (u == 't')
        unit = 1024 * 1024;
    else
        return BAD(err, "unknown unit '%s' (use m, g or t)", end);
    if (end[1] && !ieq(end + 1, "b") && !ieq(end + 1, "ib"))
        return BAD(err, "unknown unit '%s' (use m, g or t)", end);
    /* ip < 2^64, 10^6 < 2^20, unit <= 2^20: the product fits in 128 bits. */
    num = ((kc_u128)d.ip * pow10_tab[d.nfrac] + d.frac) * unit;
    q = num / pow10_tab[d.nfrac];
    r = num % pow10_tab[d.nfrac];
    if (r && round_up)
        q++;
    if (q == 0) {
        if (num == 0 && allow_zero) {
            *out = 0;
            return 0;
        }
        if (num == 0)
            return BAD(err, "'%s' must be above zero", tok);
        return BAD(err, "'%s' rounds down to zero MiB", tok);
    }
    if (q > KC_SPEC_SIZE_MAX_MIB)
        return BAD(err, "'%s' is too large (at most 2^50 MiB)", tok);
    *out = (uint64_t)q;
    return 0;
}

static int bw_detail(const char *tok, uint64_t *out, kc_error *err)
{
    const char *end;
    dec d;
    kc_u128 num;
    uint64_t mult;
    char u;

    if (!*tok)
        return kc_error_set(err, KC_ERR_INVALID, "empty bandwidth (e.g. 100m, 10g)");
    if (!is_digit(*tok))
        return BAD(err, "'%s' is not a bandwidth (e.g. 100m, 10g)", tok);
    if (parse_dec(tok, &end, SIZE_DECIMALS, tok, &d, err) < 0)
        return -1;
    if (!*end)
        return BAD(err, "'%s' needs a unit (k, m, g or t bit/s)", tok);
    u = lower(*end);
    if (u == 'k')
        mult = 1;
    else if (u == 'm')
        mult = 1000;
    else if (u == 'g')
        mult = 1000000;
    else if (u == 't')
        mult = 1000000000;
    else
        return BAD(err, "unknown unit '%s' (use k, m, g or t bit/s)", end);
    if (end[1] && !ieq(end + 1, "bit") && !ieq(end + 1, "bps"))
        return BAD(err, "unknown unit '%s' (use k, m, g or t bit/s)", end);
    num = ((kc_u128)d.ip * pow10_tab[d.nfrac] + d.frac) * mult;
    if (num % pow10_tab[d.nfrac])
        return BAD(err, "'%s' is not a whole number of kbit/s", tok);
    num /= pow10_tab[d.nfrac];
    if (num == 0)
        return BAD(err, "'%s' must be above zero", tok);
    if (num > KC_SPEC_BW_MAX_KBPS)
        return BAD(err, "'%s' is too large (at most 2^50 kbit/s)", tok);
    *out = (uint64_t)num;
    return 0;
}

static int pct_detail(const char *tok, uint32_t max_bp, uint32_t *out, kc_error *err)
{
    const char *end;
    dec d;
    kc_u128 bp;

    if (!*tok)
        return kc_error_set(err, KC_ERR_INVALID, "empty percentage (e.g. 20, 12.5%%)");
    if (!is_digit(*tok))
        return BAD(err, "'%s' is not a percentage (e.g. 20, 12.5%%)", tok);
    if (parse_dec(tok, &end, 2, tok, &d, err) < 0)
        return -1;
    if (*end == '%')
        end++;
    if (*end)
        return BAD(err, "'%s' is not a percentage (e.g. 20, 12.5%%)", tok);
    bp = (kc_u128)d.ip * 100 + d.frac * pow10_tab[2 - d.nfrac];
    if (bp > max_bp)
        return kc_error_set(err, KC_ERR_INVALID, "'%s' is above %u.%02u %%", Q(tok).s,
                            max_bp / 100, max_bp % 100);
    *out = (uint32_t)bp;
    return 0;
}

static int ratio_detail(const char *tok, uint32_t *out, kc_error *err)
{
    const char *end;
    dec d;
    kc_u128 milli;

    if (!*tok)
        return kc_error_set(err, KC_ERR_INVALID, "empty ratio (e.g. 4, 1.5)");
    if (!is_digit(*tok))
        return BAD(err, "'%s' is not a ratio (e.g. 4, 1.5)", tok);
    if (parse_dec(tok, &end, 3, tok, &d, err) < 0)
        return -1;
    if (*end)
        return BAD(err, "'%s' is not a ratio (e.g. 4, 1.5)", tok);
    milli = (kc_u128)d.ip * 1000 + d.frac * pow10_tab[3 - d.nfrac];
    if (milli == 0)
        return BAD(err, "'%s' must be above 0", tok);
    if (milli > 1000u * KC_MILLI_ONE)
        return BAD(err, "'%s' is above 1000", tok);
    *out = (uint32_t)milli;
    return 0;
}

static int uint_detail(const char *tok, uint64_t max, uint64_t *out, kc_error *err)
{
    const char *end;
    uint64_t v;

    if (!*tok)
        return kc_error_set(err, KC_ERR_INVALID, "empty number");
    if (!is_digit(*tok))
        return BAD(err, "'%s' is not a whole number", tok);
    if (digits_u64(tok, &end, &v) < 0 || (!*end && v > max))
        return kc_error_set(err, KC_ERR_INVALID, "'%s' is too large (at most %llu)", Q(tok).s,
                            (unsigned long long)max);
    if (*end)
        return BAD(err, "'%s' is not a whole number", tok);
    *out = v;
    return 0;
}

int kc_spec_parse_size_mib(const char *text, bool round_up, bool allow_zero, uint64_t *out,
                           kc_error *err)
{
    if (size_detail(text, round_up, allow_zero, out, err) < 0)
        return wrap(err, "size", text);
    return 0;
}

int kc_spec_parse_bandwidth_kbps(const char *text, uint64_t *out, kc_error *err)
{
    if (bw_detail(text, out, err) < 0)
        return wrap(err, "bandwidth", text);
    return 0;
}

int kc_spec_parse_percent_bp(const char *text, uint32_t max_bp, uint32_t *out, kc_error *err)
{
    if (pct_detail(text, max_bp, out, err) < 0)
        return wrap(err, "percentage", text);
    return 0;
}

int kc_spec_parse_ratio_milli(const char *text, uint32_t *out, kc_error *err)
{
    if (ratio_detail(text, out, err) < 0)
        return wrap(err, "ratio", text);
    return 0;
}

int kc_spec_parse_uint(const char *text, uint64_t max, uint64_t *out, kc_error *err)
{
    if (uint_detail(text, max, out, err) < 0)
        return wrap(err, "number", text);
    return 0;
}

/* ---- specs ---- */

/* Copy @text into @buf after checking length and characters (printable ASCII, no space). */
static int load_text(const char *text, char *buf, size_t size, kc_error *err)
{
    size_t n = strlen(text);

    if (n == 0)
        return kc_error_set(err, KC_ERR_INVALID, "empty spec");
    if (n >= size)
        return kc_error_set(err, KC_ERR_INVALID, "spec is longer than %zu characters",
                            size - 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];

        if (c == ' ')
            return kc_error_set(err, KC_ERR_INVALID, "unexpected space at offset %zu", i);
        if (c < 0x21 || c > 0x7e)
            return kc_error_set(err, KC_ERR_INVALID,
                                "unexpected byte 0x%02x at offset %zu", c, i);
    }
    memcpy(buf, text, n + 1);
    return 0;
}

/* "CPUScMEMORY": the first item of a host or VM spec. */
static int parse_cpus_mem(const char *tok, bool vm, uint32_t *cpus, uint64_t *mem_mib,
                          kc_error *err)
{
    const char *p;
    uint64_t n;

    if (!is_digit(*tok) || digits_u64(tok, &p, &n) < 0) {
        if (is_digit(*tok))
            return BAD(err, "CPU count in '%s' is too large", tok);
        return BAD(err, vm ? "'%s' is neither CPUScMEMORY (e.g. 2c4g) nor a flavor"
                           : "'%s' is not CPUScMEMORY (e.g. 8c8g)", tok);
    }
    if (*p != 'c' && *p != 'C')
        return BAD(err, vm ? "'%s' is not CPUScMEMORY (e.g. 2c4g)"
                           : "'%s' is not CPUScMEMORY (e.g. 8c8g)", tok);
    if (n > UINT32_MAX)
        return BAD(err, "CPU count in '%s' is too large (at most 4294967295)", tok);
    if (n == 0)
        return kc_error_set(err, KC_ERR_INVALID, vm ? "a VM needs at least one vCPU"
                                                    : "a host needs at least one CPU");
    if (!p[1])
        return BAD(err, "'%s' needs a memory size after 'c' (e.g. 2c4g)", tok);
    if (size_detail(p + 1, vm, false, mem_mib, err) < 0)
        return -1;
    *cpus = (uint32_t)n;
    return 0;
}

/* Split "KEY=VALUE" in place; *@val is NULL when there is no '='. */
static void split_key(char *tok, char **val)
{
    char *eq = strchr(tok, '=');

    *val = NULL;
    if (eq) {
        *eq = '\0';
        *val = eq + 1;
    }
}

/* Optional "Nx" prefix of a counted item ("2x10g", "4xnvme:1t"). */
static int count_prefix(const char *key, char *val, uint64_t max, uint64_t *count,
                        char **rest, kc_error *err)
{
    const char *p;
    uint64_t n;

    *count = 1;
    *rest = val;
    if (!is_digit(*val))
        return 0;
    if (digits_u64(val, &p, &n) < 0) {
        if (*p == 'x' || *p == 'X')
            return BAD(err, "count in '%s' is too large", val);
        return 0;
    }
    if (*p != 'x' && *p != 'X')
        return 0;
    if (n == 0 || n > max)
        return kc_error_set(err, KC_ERR_INVALID, "%s count in '%s' must be 1 to %llu", key,
                            Q(val).s, (unsigned long long)max);
    *count = n;
    *rest = (char *)p + 1;
    return 0;
}

/* Append the names of catalog devices of @kind to @buf ("hdd-7.2k, ssd, ..."). */
static void device_names(const kc_catalog *catalog, kc_storage_kind kind, char *buf,
                         size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    if (!catalog)
        return;
    for (size_t i = 0; i < catalog->n_devices && len + 1 < size; i++) {
        int w;

        if (catalog->devices[i].kind != kind)
            continue;
        w = snprintf(buf + len, size - len, "%s%s", len ? ", " : "", catalog->devices[i].name);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    if (len >= size)
        buf[size - 1] = '\0';
}

/* disk=[Nx]TYPE:SIZE or storage=[Nx]TYPE:SIZE */
static int parse_storage_item(const char *key, char *val, kc_storage_kind kind,
                              const kc_catalog *catalog, kc_facts *facts, kc_error *err)
{
    const kc_device_type *dev;
    kc_fact_storage *st;
    uint64_t count, size_mib;
    char *type, *colon;

    if (count_prefix(key, val, 4096, &count, &type, err) < 0)
        return -1;
    colon = strchr(type, ':');
    if (!colon)
        return kc_error_set(err, KC_ERR_INVALID, "%s '%s' needs TYPE:SIZE (e.g. %s)", key,
                            Q(val).s, kind == KC_STORAGE_LOCAL ? "disk=4xnvme:3.84t"
                                                               : "storage=iscsi-10g:20t");
    *colon = '\0';
    dev = catalog && *type ? kc_catalog_device(catalog, type) : NULL;
    if (!dev) {
        char names[160];

        device_names(catalog, kind, names, sizeof(names));
        return kc_error_set(err, KC_ERR_INVALID, "unknown %s type '%s'%s%s%s", key, Q(type).s,
                            names[0] ? " (types: " : "", names, names[0] ? ")" : "");
    }
    if (dev->kind != kind)
        return BAD(err, kind == KC_STORAGE_LOCAL
                            ? "'%s' is network storage: use storage=TYPE:SIZE"
                            : "'%s' is a local disk type: use disk=TYPE:SIZE", type);
    if (size_detail(colon + 1, false, false, &size_mib, err) < 0)
        return -1;
    if (size_mib > KC_SPEC_SIZE_MAX_MIB / count)
        return BAD(err, "total of '%s' is too large (at most 2^50 MiB)", val);
    if (facts->n_storage >= KC_STORAGE_MAX)
        return kc_error_set(err, KC_ERR_INVALID, "more than %d disk=/storage= items",
                            KC_STORAGE_MAX);
    st = kc_facts_add_storage(facts);
    snprintf(st->name, sizeof(st->name), "disk%zu", facts->n_storage - 1);
    kc_strlcpy(st->disk_type, dev->name, sizeof(st->disk_type));
    st->count = (uint32_t)count;
    st->size_mib = size_mib;
    return 0;
}

static int parse_nic_item(char *val, kc_facts *facts, kc_error *err)
{
    uint64_t count, kbps;
    char *bw;

    if (count_prefix("nic", val, KC_NIC_MAX, &count, &bw, err) < 0)
        return -1;
    if (bw_detail(bw, &kbps, err) < 0)
        return -1;
    if (facts->n_nics + count > KC_NIC_MAX)
        return kc_error_set(err, KC_ERR_INVALID, "more than %d NICs", KC_NIC_MAX);
    for (uint64_t i = 0; i < count; i++) {
        kc_fact_nic *nic = kc_facts_add_nic(facts);

        snprintf(nic->name, sizeof(nic->name), "nic%zu", facts->n_nics - 1);
        nic->speed_kbps = kbps;
    }
    return 0;
}

static int parse_name(const char *val, char *dst, size_t size, kc_error *err)
{
    size_t n = strlen(val);

    if (n == 0 || n >= size)
        return BAD(err, "name '%s' must be 1 to 63 characters", val);
    for (size_t i = 0; i < n; i++) {
        char c = val[i];

        if (!(is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'z') || c == '.' || c == '_' ||
              c == '-'))
            return BAD(err, "name '%s' may hold only letters, digits, '.', '_' and '-'", val);
    }
    memcpy(dst, val, n + 1);
    return 0;
}

static int parse_hugepages(char *val, uint64_t *pool_mib, uint64_t *page_kib, kc_error *err)
{
    char *colon = strchr(val, ':');

    *page_kib = 2048;
    if (colon) {
        *colon = '\0';
        if (ieq(colon + 1, "2m"))
            *page_kib = 2048;
        else if (ieq(colon + 1, "1g"))
            *page_kib = 1024 * 1024;
        else
            return BAD(err, "unknown hugepage size '%s' (use 2m or 1g)", colon + 1);
    }
    return size_detail(val, false, true, pool_mib, err);
}

static const char host_keys[] = "keys: nic, disk, storage, numa, hugepages, price, name";

static int host_items(char *buf, const kc_catalog *catalog, kc_facts *facts, kc_error *err)
{
    char *p = buf, *tok, *comma;
    bool first = true, seen_numa = false, seen_hp = false, seen_price = false,
         seen_name = false;
    uint64_t numa = 0, hp_mib = 0, hp_kib = 0;

    for (;; p = comma + 1) {
        char *val;

        comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        tok = p;
        if (!*tok)
            return kc_error_set(err, KC_ERR_INVALID, "empty item (two commas, or a comma at "
                                                     "the start or end)");
        if (first) {
            if (parse_cpus_mem(tok, false, &facts->cpus, &facts->mem_mib, err) < 0)
                return -1;
            first = false;
            if (!comma)
                break;
            continue;
        }
        split_key(tok, &val);
        if (strcmp(tok, "nic") && strcmp(tok, "disk") && strcmp(tok, "storage") &&
            strcmp(tok, "numa") && strcmp(tok, "hugepages") && strcmp(tok, "price") &&
            strcmp(tok, "name"))
            return kc_error_set(err, KC_ERR_INVALID, "unknown key '%s' (%s)", Q(tok).s,
                                host_keys);
        if (!val)
            return BAD(err, "key '%s' needs a value (KEY=VALUE)", tok);
        if (!strcmp(tok, "nic")) {
            if (parse_nic_item(val, facts, err) < 0)
                return -1;
        } else if (!strcmp(tok, "disk") || !strcmp(tok, "storage")) {
            kc_storage_kind kind = !strcmp(tok, "disk") ? KC_STORAGE_LOCAL : KC_STORAGE_NETWORK;

            if (parse_storage_item(tok, val, kind, catalog, facts, err) < 0)
                return -1;
        } else {
            bool *seen = !strcmp(tok, "numa") ? &seen_numa
                       : !strcmp(tok, "hugepages") ? &seen_hp
                       : !strcmp(tok, "price") ? &seen_price : &seen_name;

            if (*seen)
                return BAD(err, "key '%s' is given twice", tok);
            *seen = true;
            if (!strcmp(tok, "numa")) {
                if (uint_detail(val, KC_NUMA_MAX, &numa, err) < 0)
                    return -1;
                if (numa == 0)
                    return BAD(err, "numa '%s' must be at least 1", val);
            } else if (!strcmp(tok, "hugepages")) {
                if (parse_hugepages(val, &hp_mib, &hp_kib, err) < 0)
                    return -1;
            } else if (!strcmp(tok, "price")) {
                if (uint_detail(val, KC_SPEC_UINT_MAX, &facts->price, err) < 0)
                    return -1;
            } else if (parse_name(val, facts->name, sizeof(facts->name), err) < 0) {
                return -1;
            }
        }
        if (!comma)
            break;
    }

    if (hp_mib > facts->mem_mib)
        return kc_error_set(err, KC_ERR_INVALID,
                            "hugepages (%llu MiB) exceed the host's memory (%llu MiB)",
                            (unsigned long long)hp_mib, (unsigned long long)facts->mem_mib);
    if (hp_mib) {
        uint64_t nodes = numa ? numa : 1, page_mib = hp_kib / 1024;

        if (hp_mib % nodes || (hp_mib / nodes) % page_mib) {
            if (nodes == 1)
                return kc_error_set(err, KC_ERR_INVALID,
                                    "hugepages (%llu MiB) are not a whole number of %llu MiB "
                                    "pages", (unsigned long long)hp_mib,
                                    (unsigned long long)page_mib);
            return kc_error_set(err, KC_ERR_INVALID,
                                "hugepages (%llu MiB) are not a whole number of %llu MiB "
                                "pages on each of %llu NUMA nodes",
                                (unsigned long long)hp_mib, (unsigned long long)page_mib,
                                (unsigned long long)nodes);
        }
        facts->hugepages_mib = hp_mib;
        facts->hugepage_kib = hp_kib;
    }
    if (numa) {
        if (facts->cpus % numa)
            return kc_error_set(err, KC_ERR_INVALID,
                                "%u CPUs do not split evenly over numa=%llu nodes",
                                facts->cpus, (unsigned long long)numa);
        facts->n_numa = (size_t)numa;
        for (size_t i = 0; i < facts->n_numa; i++) {
            kc_numa_node *node = &facts->numa[i];

            node->cpus = facts->cpus / (uint32_t)numa;
            /* memory that does not divide goes to node 0, as the kernel's node 0 usually
             * holds the odd low memory */
            node->mem_mib = facts->mem_mib / numa + (i == 0 ? facts->mem_mib % numa : 0);
            node->hugepages_mib = hp_mib / numa;
        }
    }
    return 0;
}

int kc_spec_parse_host(const char *text, const kc_catalog *catalog, kc_facts *facts,
                       kc_error *err)
{
    char buf[SPEC_MAX];

    if (!text)
        return kc_error_set(err, KC_ERR_INVALID, "bad host spec: no text");
    if (load_text(text, buf, sizeof(buf), err) < 0 ||
        host_items(buf, catalog, facts, err) < 0)
        return wrap(err, "host spec", text);
    facts->source = KC_SOURCE_SPEC;
    kc_strlcpy(facts->mem_source, "spec", sizeof(facts->mem_source));
    return 0;
}

/* Parse the items of a VM spec in @buf. @flavor_ok: the first item may name a flavor
 * (false inside a flavor's own spec, so flavors cannot nest). */
/* Override collected facts with host keys ("nic=2x10g,disk=4xssd:1t"). A category given
 * replaces the facts' whole list of that kind; price= and name= replace theirs. numa= and
 * hugepages= describe topology that libvirt reports, so they are refused. */
int kc_spec_apply_set(const char *text, const kc_catalog *catalog, kc_facts *facts,
                      kc_error *err)
{
    char joined[SPEC_MAX + 8], buf[SPEC_MAX + 8];
    kc_facts *set = NULL;
    int ret = -1;

    if (!text || !*text)
        return kc_error_set(err, KC_ERR_INVALID, "bad --set: no keys (e.g. --set nic=2x10g)");
    if (strlen(text) >= SPEC_MAX) {
        kc_error_set(err, KC_ERR_INVALID, "bad --set: longer than %d characters", SPEC_MAX - 1);
        return -1;
    }
    /* topology comes from the host: refuse it before parsing against a placeholder host */
    for (const char *k = text; k; k = strchr(k, ',') ? strchr(k, ',') + 1 : NULL) {
        if (strncmp(k, "numa=", 5) == 0 || strncmp(k, "hugepages=", 10) == 0)
            return kc_error_set(err, KC_ERR_INVALID, "bad --set '%s': numa and hugepages come "
                                "from the host, they cannot be set", Q(text).s);
    }
    /* the keys parse exactly as a host spec's do: give them a placeholder host */
    snprintf(joined, sizeof(joined), "1c1g,%s", text);
    set = kc_facts_new();
    if (load_text(joined, buf, sizeof(buf), err) < 0 || host_items(buf, catalog, set, err) < 0) {
        wrap(err, "--set", text);
        goto out;
    }
    if (set->n_numa || set->hugepages_mib) {
        kc_error_set(err, KC_ERR_INVALID, "bad --set '%s': numa and hugepages come from the "
                     "host, they cannot be set", Q(text).s);
        goto out;
    }
    if (set->n_nics) {
        facts->n_nics = 0;
        for (size_t i = 0; i < set->n_nics; i++)
            *kc_facts_add_nic(facts) = set->nics[i];
    }
    if (set->n_storage) {
        facts->n_storage = 0;
        for (size_t i = 0; i < set->n_storage; i++)
            *kc_facts_add_storage(facts) = set->storage[i];
    }
    if (set->price)
        facts->price = set->price;
    if (set->name[0])
        memcpy(facts->name, set->name, sizeof(facts->name));
    kc_facts_add_note(facts, "set by hand: %s", text);
    ret = 0;
 out:
    kc_facts_free(set);
    return ret;
}

static int vm_items(char *buf, const kc_catalog *catalog, bool flavor_ok, kc_shape *shape,
                    kc_error *err)
{
    char *p = buf, *tok, *comma;
    bool first = true;
    bool seen[6] = { false };
    static const char *const keys[6] = { "disk", "iops", "mbps", "net", "cpu", "hugepages" };

    for (;; p = comma + 1) {
        char *val;
        size_t k;

        comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        tok = p;
        if (!*tok)
            return kc_error_set(err, KC_ERR_INVALID, "empty item (two commas, or a comma at "
                                                     "the start or end)");
        if (first) {
            first = false;
            if (is_digit(*tok) || !flavor_ok || !catalog || !kc_catalog_flavor(catalog, tok)) {
                if (!is_digit(*tok) && flavor_ok)
                    return BAD(err, "unknown flavor '%s'", tok);
                if (parse_cpus_mem(tok, true, &shape->vcpus, &shape->mem_mib, err) < 0)
                    return -1;
            } else {
                const kc_flavor *fl = kc_catalog_flavor(catalog, tok);
                char fbuf[sizeof(fl->spec)];

                /* the loader checked the flavor's spec; check again all the same */
                if (kc_strlcpy(fbuf, fl->spec, sizeof(fbuf)) < 0 ||
                    vm_items(fbuf, NULL, false, shape, err) < 0)
                    return BAD(err, "flavor '%s' has a bad spec", tok);
            }
            if (!comma)
                break;
            continue;
        }
        split_key(tok, &val);
        for (k = 0; k < 6; k++)
            if (!strcmp(tok, keys[k]))
                break;
        if (k == 6)
            return BAD(err, "unknown key '%s' (keys: disk, iops, mbps, net, cpu, hugepages)",
                       tok);
        if (seen[k])
            return BAD(err, "key '%s' is given twice", tok);
        seen[k] = true;
        if (k == 5) {
            if (val)
                return BAD(err, "key 'hugepages' takes no value (got '%s')", val);
            shape->hugepages = true;
        } else if (!val) {
            return BAD(err, "key '%s' needs a value (KEY=VALUE)", tok);
        } else if (k == 0) {
            if (size_detail(val, true, false, &shape->disk_mib, err) < 0)
                return -1;
        } else if (k == 1 || k == 2) {
            uint64_t *dst = k == 1 ? &shape->iops : &shape->mbps;

            if (uint_detail(val, KC_SPEC_UINT_MAX, dst, err) < 0)
                return -1;
            if (*dst == 0)
                return BAD(err, "'%s' must be above zero", val);
        } else if (k == 3) {
            if (bw_detail(val, &shape->net_kbps, err) < 0)
                return -1;
        } else {
            if (pct_detail(val, KC_BP_ONE, &shape->cpu_util_bp, err) < 0)
                return -1;
            if (shape->cpu_util_bp == 0)
                return BAD(err, "cpu load '%s' must be above zero", val);
        }
        if (!comma)
            break;
    }
    return 0;
}

int kc_spec_parse_vm(const char *text, const kc_catalog *catalog, kc_shape *shape,
                     uint64_t *count, bool *has_count, char *label, size_t label_size,
                     kc_error *err)
{
    char buf[SPEC_MAX];
    char *colon;
    uint64_t n = 0;

    if (!text)
        return kc_error_set(err, KC_ERR_INVALID, "bad VM spec: no text");
    memset(shape, 0, sizeof(*shape));
    if (load_text(text, buf, sizeof(buf), err) < 0)
        return wrap(err, "VM spec", text);
    colon = strrchr(buf, ':');
    if (colon) {
        *colon = '\0';
        if (!count || !has_count) {
            BAD(err, "a count (':%s') is not allowed here", colon + 1);
            return wrap(err, "VM spec", text);
        }
        if (strchr(buf, ':')) {
            kc_error_set(err, KC_ERR_INVALID, "more than one ':' (use SPEC:COUNT)");
            return wrap(err, "VM spec", text);
        }
        if (uint_detail(colon + 1, KC_SPEC_UINT_MAX, &n, err) < 0) {
            char detail[sizeof(err->msg)];

            if (err) {
                memcpy(detail, err->msg, sizeof(detail));
                kc_error_set(err, KC_ERR_INVALID, "count: %s", detail);
            }
            return wrap(err, "VM spec", text);
        }
        if (n == 0) {
            kc_error_set(err, KC_ERR_INVALID, "count '0' must be at least 1");
            return wrap(err, "VM spec", text);
        }
    }
    if (label && kc_strlcpy(label, buf, label_size) < 0) {
        kc_error_set(err, KC_ERR_INVALID, "spec is longer than %zu characters",
                     label_size ? label_size - 1 : 0);
        return wrap(err, "VM spec", text);
    }
    if (vm_items(buf, catalog, true, shape, err) < 0)
        return wrap(err, "VM spec", text);
    if (count) {
        *count = n;
        *has_count = colon != NULL;
    }
    return 0;
}
