/* SPDX-License-Identifier: MIT */
/* xml_facts.c: pure parsers of libvirt XML with libxml2's tree and XPath API. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "facts/xml_facts.h"
#include "util/dynlib_xml.h"
#include "util/util.h"

/* libvirt's own documents are a few KiB; a cap keeps a hostile peer from making us parse
 * gigabytes (libxml2 itself caps entity amplification). */
#define XML_MAX_BYTES (16u * 1024u * 1024u)

typedef struct doc {
    xmlDocPtr xml;
    xmlXPathContextPtr ctx;
} doc;

static void doc_close(doc *d)
{
    xmlXPathFreeContext(d->ctx);
    xmlFreeDoc(d->xml);
    d->ctx = NULL;
    d->xml = NULL;
}

/* Parse @text as a document whose root element must be @root. No network, no DTD loading,
 * no entity substitution, nothing printed: libxml2's message goes into @err. */
static int doc_open(doc *d, const char *text, const char *root, kc_error *err)
{
    size_t len;
    xmlNodePtr top;

    d->xml = NULL;
    d->ctx = NULL;
    /* loaded already in the collector (with libvirt, before its fork); here for the
     * callers that parse without collecting (the tests, the fuzzer) */
    if (kc_dynlib_load(KC_DYNLIB_XML, err) < 0)
        return -1;
    if (!text)
        return kc_error_set(err, KC_ERR_INVALID, "%s: no XML", root);
    len = strlen(text);
    if (len > XML_MAX_BYTES)
        return kc_error_set(err, KC_ERR_INVALID, "%s: XML of %zu bytes is too big", root, len);
    d->xml = xmlReadMemory(text, (int)len, root, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!d->xml) {
        const xmlError *e = xmlGetLastError();
        char msg[160] = "not well-formed";
        size_t n;

        if (e && e->message) {
            kc_strlcpy(msg, e->message, sizeof(msg));
            n = strlen(msg);
            while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
                msg[--n] = '\0';
            for (char *p = msg; *p; p++)
                if (*p == '\n' || *p == '\r' || *p == '\t')
                    *p = ' ';
        }
        xmlResetLastError();
        return kc_error_set(err, KC_ERR_INVALID, "%s: bad XML at line %d: '%s'", root,
                            e ? e->line : 0, msg);
    }
    top = xmlDocGetRootElement(d->xml);
    if (!top || !top->name || strcmp((const char *)top->name, root) != 0) {
        kc_error_set(err, KC_ERR_INVALID, "%s: unexpected root element '%s'", root,
                     top && top->name ? (const char *)top->name : "");
        doc_close(d);
        return -1;
    }
    d->ctx = xmlXPathNewContext(d->xml);
    if (!d->ctx) {
        doc_close(d);
        return kc_error_set(err, KC_ERR_INTERNAL, "%s: out of memory", root);
    }
    d->ctx->node = top;
    return 0;
}

/* The string value of @expr (an XPath `string(...)`) relative to @node (NULL = the root).
 * Returns 1 and fills @buf (cut to @size) when non-empty, 0 when empty or absent. */
static int xstr(doc *d, xmlNodePtr node, const char *expr, char *buf, size_t size)
{
    char full[256];
    xmlXPathObjectPtr obj;
    int found = 0;

    buf[0] = '\0';
    snprintf(full, sizeof(full), "string(%s)", expr);
    if (node)
        d->ctx->node = node;
    else
        d->ctx->node = xmlDocGetRootElement(d->xml);
    obj = xmlXPathEvalExpression((const xmlChar *)full, d->ctx);
    if (obj && obj->type == XPATH_STRING && obj->stringval && obj->stringval[0]) {
        kc_strlcpy(buf, (const char *)obj->stringval, size);
        found = 1;
    }
    xmlXPathFreeObject(obj);
    return found;
}

/* Nodes matching @expr relative to @node (NULL = root); caller frees with xmlXPathFreeObject. */
static xmlXPathObjectPtr xnodes(doc *d, xmlNodePtr node, const char *expr)
{
    d->ctx->node = node ? node : xmlDocGetRootElement(d->xml);
    return xmlXPathEvalExpression((const xmlChar *)expr, d->ctx);
}

static size_t nodeset_len(xmlXPathObjectPtr obj)
{
    if (!obj || obj->type != XPATH_NODESET || !obj->nodesetval || obj->nodesetval->nodeNr < 0)
        return 0;
    return (size_t)obj->nodesetval->nodeNr;
}

/* Strict unsigned decimal: digits only, surrounding blanks allowed, no sign, no overflow. */
static int parse_u64(const char *what, const char *s, uint64_t *out, kc_error *err)
{
    const char *p = s;
    uint64_t v = 0;
    int digits = 0;

    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        unsigned d = (unsigned)(*p - '0');

        if (v > (UINT64_MAX - d) / 10)
            return kc_error_set(err, KC_ERR_INVALID, "%s: value '%s' is too large", what, s);
        v = v * 10 + d;
    }
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if (!digits || *p)
        return kc_error_set(err, KC_ERR_INVALID, "%s: bad number '%s'", what, s);
    *out = v;
    return 0;
}

static int parse_u32(const char *what, const char *s, uint32_t *out, kc_error *err)
{
    uint64_t v;

    if (parse_u64(what, s, &v, err) < 0)
        return -1;
    if (v > UINT32_MAX)
        return kc_error_set(err, KC_ERR_INVALID, "%s: value '%s' is too large", what, s);
    *out = (uint32_t)v;
    return 0;
}

/* libvirt's units (virScaleInteger): "b"/"byte"/"bytes" are bytes; a letter k/m/g/t/p/e
 * (any case) alone or with "iB" is a power of 1024, with "B" a power of 1000. */
static int unit_scale(const char *unit, uint64_t *scale)
{
    static const char letters[] = "kmgtpe";
    const char *pos;
    uint64_t s = 1;
    unsigned power, base;

    if (strcasecmp(unit, "b") == 0 || strcasecmp(unit, "byte") == 0 ||
        strcasecmp(unit, "bytes") == 0) {
        *scale = 1;
        return 0;
    }
    if (!unit[0] || !(pos = strchr(letters, unit[0] | 0x20)))
        return -1;
    power = (unsigned)(pos - letters) + 1;
    if (!unit[1] || strcasecmp(unit + 1, "iB") == 0)
        base = 1024;
    else if (strcasecmp(unit + 1, "B") == 0)
        base = 1000;
    else
        return -1;
    while (power--)
        s *= base;
    *scale = s;
    return 0;
}

int kc_xml_size_bytes(const char *what, const char *value, const char *unit,
                      const char *default_unit, uint64_t *bytes, kc_error *err)
{
    uint64_t v, scale;
    const char *u = unit && unit[0] ? unit : default_unit;

    if (!value || !value[0])
        return kc_error_set(err, KC_ERR_INVALID, "%s: missing value", what);
    if (parse_u64(what, value, &v, err) < 0)
        return -1;
    if (!u || unit_scale(u, &scale) < 0)
        return kc_error_set(err, KC_ERR_INVALID, "%s: unknown unit '%s'", what, u ? u : "");
    if (scale && v > UINT64_MAX / scale)
        return kc_error_set(err, KC_ERR_INVALID, "%s: size '%s %s' is too large", what, value, u);
    *bytes = v * scale;
    return 0;
}

/* Size at @expr (element text) with its @unit attribute, in bytes. Returns 1 when present,
 * 0 when absent, -1 on a bad value. */
static int xsize(doc *d, xmlNodePtr node, const char *what, const char *expr,
                 const char *default_unit, uint64_t *bytes, kc_error *err)
{
    char value[64], unit[16], uexpr[128];

    if (!xstr(d, node, expr, value, sizeof(value)))
        return 0;
    snprintf(uexpr, sizeof(uexpr), "%s/@unit", expr);
    xstr(d, node, uexpr, unit, sizeof(unit));
    if (kc_xml_size_bytes(what, value, unit, default_unit, bytes, err) < 0)
        return -1;
    return 1;
}

static uint64_t bytes_to_mib_down(uint64_t b) { return b >> 20; }
static uint64_t bytes_to_mib_up(uint64_t b) { return (b >> 20) + ((b & ((1u << 20) - 1)) != 0); }

int kc_xml_parse_caps(const char *xml, kc_xml_caps *out, kc_error *err)
{
    doc d;
    int ret = -1;
    xmlXPathObjectPtr cells = NULL;
    char buf[64];
    uint64_t pool_kib[8] = { 0 }, pool_mib[8] = { 0 };
    size_t n_sizes = 0;

    memset(out, 0, sizeof(*out));
    if (doc_open(&d, xml, "capabilities", err) < 0)
        return -1;
    xstr(&d, NULL, "/capabilities/host/cpu/model", out->cpu_model, sizeof(out->cpu_model));
    if (xstr(&d, NULL, "/capabilities/host/cpu/topology/@sockets", buf, sizeof(buf)) &&
        parse_u32("capabilities: cpu sockets", buf, &out->sockets, err) < 0)
        goto out;
    if (xstr(&d, NULL, "/capabilities/host/cpu/topology/@cores", buf, sizeof(buf)) &&
        parse_u32("capabilities: cpu cores", buf, &out->cores, err) < 0)
        goto out;
    if (xstr(&d, NULL, "/capabilities/host/cpu/topology/@threads", buf, sizeof(buf)) &&
        parse_u32("capabilities: cpu threads", buf, &out->threads, err) < 0)
        goto out;

    cells = xnodes(&d, NULL, "/capabilities/host/topology/cells/cell");
    if (nodeset_len(cells) > KC_NUMA_MAX) {
        kc_error_set(err, KC_ERR_INVALID, "capabilities: %zu NUMA cells, more than %d",
                     nodeset_len(cells), KC_NUMA_MAX);
        goto out;
    }
    for (size_t i = 0; i < nodeset_len(cells); i++) {
        xmlNodePtr cell = cells->nodesetval->nodeTab[i];
        kc_numa_node *node = &out->cells[i];
        xmlXPathObjectPtr pages;
        uint64_t bytes = 0;
        int r;

        if (xstr(&d, cell, "@id", buf, sizeof(buf)) &&
            parse_u32("capabilities: cell id", buf, &out->cell_ids[i], err) < 0)
            goto out;
        r = xsize(&d, cell, "capabilities: cell memory", "memory", "KiB", &bytes, err);
        if (r < 0)
            goto out;
        node->mem_mib = bytes_to_mib_down(bytes);
        if (xstr(&d, cell, "cpus/@num", buf, sizeof(buf))) {
            if (parse_u32("capabilities: cell cpus", buf, &node->cpus, err) < 0)
                goto out;
        } else {
            xmlXPathObjectPtr cpus = xnodes(&d, cell, "cpus/cpu");

            node->cpus = (uint32_t)nodeset_len(cpus);
            xmlXPathFreeObject(cpus);
        }
        /* Hugepages: every page size bigger than the smallest one listed is a hugepage
         * pool (the smallest is the base page, 4 KiB on x86, 64 KiB on some arm64). */
        pages = xnodes(&d, cell, "pages");
        {
            uint64_t base_kib = UINT64_MAX;

            for (size_t j = 0; j < nodeset_len(pages); j++) {
                uint64_t size_bytes;

                if (!xstr(&d, pages->nodesetval->nodeTab[j], "@size", buf, sizeof(buf)))
                    continue;
                {
                    char unit[16];

                    xstr(&d, pages->nodesetval->nodeTab[j], "@unit", unit, sizeof(unit));
                    if (kc_xml_size_bytes("capabilities: page size", buf, unit, "KiB",
                                          &size_bytes, err) < 0) {
                        xmlXPathFreeObject(pages);
                        goto out;
                    }
                }
                if (size_bytes / 1024 < base_kib)
                    base_kib = size_bytes / 1024;
            }
            for (size_t j = 0; j < nodeset_len(pages); j++) {
                xmlNodePtr pg = pages->nodesetval->nodeTab[j];
                char unit[16], count_s[64];
                uint64_t size_bytes, count, kib, mib;
                size_t k;

                if (!xstr(&d, pg, "@size", buf, sizeof(buf)))
                    continue;
                xstr(&d, pg, "@unit", unit, sizeof(unit));
                if (kc_xml_size_bytes("capabilities: page size", buf, unit, "KiB",
                                      &size_bytes, err) < 0) {
                    xmlXPathFreeObject(pages);
                    goto out;
                }
                kib = size_bytes / 1024;
                if (kib <= base_kib || !xstr(&d, pg, ".", count_s, sizeof(count_s)))
                    continue;
                if (parse_u64("capabilities: page count", count_s, &count, err) < 0) {
                    xmlXPathFreeObject(pages);
                    goto out;
                }
                if (count && kib > UINT64_MAX / count) {
                    kc_error_set(err, KC_ERR_INVALID,
                                 "capabilities: hugepage pool '%s' x '%s' KiB is too large",
                                 count_s, buf);
                    xmlXPathFreeObject(pages);
                    goto out;
                }
                mib = count * kib / 1024;
                if (!mib)
                    continue;
                if (node->hugepages_mib > UINT64_MAX - mib ||
                    out->hugepages_mib > UINT64_MAX - mib) {
                    kc_error_set(err, KC_ERR_INVALID,
                                 "capabilities: hugepage pool '%s' is too large", count_s);
                    xmlXPathFreeObject(pages);
                    goto out;
                }
                node->hugepages_mib += mib;
                out->hugepages_mib += mib;
                for (k = 0; k < n_sizes && pool_kib[k] != kib; k++)
                    ;
                if (k == n_sizes && n_sizes < sizeof(pool_kib) / sizeof(pool_kib[0]))
                    pool_kib[n_sizes++] = kib;
                if (k < n_sizes)
                    pool_mib[k] += mib;
            }
        }
        xmlXPathFreeObject(pages);
        if (node->hugepages_mib > node->mem_mib) {
            kc_error_set(err, KC_ERR_INVALID,
                         "capabilities: cell '%u' has more hugepages than memory", out->cell_ids[i]);
            goto out;
        }
        out->n_cells++;
    }
    out->n_hugepage_sizes = (unsigned)n_sizes;
    {
        /* The biggest pool's size wins (kc_host holds one page size). */
        uint64_t best = 0;

        for (size_t k = 0; k < n_sizes; k++)
            if (pool_mib[k] > best) {
                best = pool_mib[k];
                out->hugepage_kib = pool_kib[k];
            }
    }
    ret = 0;
 out:
    xmlXPathFreeObject(cells);
    doc_close(&d);
    return ret;
}

int kc_xml_parse_domain(const char *xml, kc_xml_domain *out, kc_error *err)
{
    doc d;
    int ret = -1, r;
    char buf[64];
    uint64_t bytes = 0;
    xmlXPathObjectPtr hp = NULL, ifs = NULL;

    memset(out, 0, sizeof(*out));
    if (doc_open(&d, xml, "domain", err) < 0)
        return -1;
    if (!xstr(&d, NULL, "/domain/name", out->name, sizeof(out->name))) {
        kc_error_set(err, KC_ERR_INVALID, "domain: missing 'name'");
        goto out;
    }
    if (!xstr(&d, NULL, "/domain/vcpu", buf, sizeof(buf))) {
        kc_error_set(err, KC_ERR_INVALID, "domain '%s': missing 'vcpu'", out->name);
        goto out;
    }
    if (parse_u32("domain: vcpu", buf, &out->vcpus, err) < 0)
        goto out;
    r = xsize(&d, NULL, "domain: memory", "/domain/memory", "KiB", &bytes, err);
    if (r < 0)
        goto out;
    if (r == 0) {
        kc_error_set(err, KC_ERR_INVALID, "domain '%s': missing 'memory'", out->name);
        goto out;
    }
    out->mem_mib = bytes_to_mib_up(bytes);
    hp = xnodes(&d, NULL, "/domain/memoryBacking/hugepages");
    out->hugepages = nodeset_len(hp) > 0;
    ifs = xnodes(&d, NULL, "/domain/devices/interface");
    for (size_t i = 0; i < nodeset_len(ifs) && out->n_ifaces < KC_XML_IFACE_MAX; i++) {
        static const char *const attr[][2] = { { "bridge", "source/@bridge" },
                                                { "network", "source/@network" },
                                                { "direct", "source/@dev" } };
        xmlNodePtr node = ifs->nodesetval->nodeTab[i];
        kc_xml_iface *f = &out->ifaces[out->n_ifaces];

        if (!xstr(&d, node, "@type", f->type, sizeof(f->type)))
            continue;
        for (size_t a = 0; a < sizeof(attr) / sizeof(attr[0]); a++)
            if (strcmp(f->type, attr[a][0]) == 0 &&
                xstr(&d, node, attr[a][1], f->source, sizeof(f->source)))
                out->n_ifaces++;
    }
    ret = 0;
 out:
    xmlXPathFreeObject(hp);
    xmlXPathFreeObject(ifs);
    doc_close(&d);
    return ret;
}

int kc_xml_parse_pool(const char *xml, kc_xml_pool *out, kc_error *err)
{
    doc d;
    int ret = -1;
    uint64_t bytes;

    memset(out, 0, sizeof(*out));
    if (doc_open(&d, xml, "pool", err) < 0)
        return -1;
    if (!xstr(&d, NULL, "/pool/name", out->name, sizeof(out->name))) {
        kc_error_set(err, KC_ERR_INVALID, "pool: missing 'name'");
        goto out;
    }
    if (!xstr(&d, NULL, "/pool/@type", out->type, sizeof(out->type))) {
        kc_error_set(err, KC_ERR_INVALID, "pool '%s': missing 'type'", out->name);
        goto out;
    }
    bytes = 0;
    if (xsize(&d, NULL, "pool: capacity", "/pool/capacity", "bytes", &bytes, err) < 0)
        goto out;
    out->capacity_mib = bytes_to_mib_down(bytes);
    bytes = 0;
    if (xsize(&d, NULL, "pool: allocation", "/pool/allocation", "bytes", &bytes, err) < 0)
        goto out;
    out->allocation_mib = bytes_to_mib_up(bytes);
    bytes = 0;
    if (xsize(&d, NULL, "pool: available", "/pool/available", "bytes", &bytes, err) < 0)
        goto out;
    out->available_mib = bytes_to_mib_down(bytes);
    xstr(&d, NULL, "/pool/target/path", out->target_path, sizeof(out->target_path));
    xstr(&d, NULL, "/pool/source/device[1]/@path", out->source_device,
         sizeof(out->source_device));
    xstr(&d, NULL, "/pool/source/host[1]/@name", out->source_host, sizeof(out->source_host));
    ret = 0;
 out:
    doc_close(&d);
    return ret;
}

int kc_xml_parse_network(const char *xml, kc_xml_network *out, kc_error *err)
{
    doc d;
    int ret = -1;
    xmlXPathObjectPtr fwd = NULL;

    memset(out, 0, sizeof(*out));
    if (doc_open(&d, xml, "network", err) < 0)
        return -1;
    if (!xstr(&d, NULL, "/network/name", out->name, sizeof(out->name))) {
        kc_error_set(err, KC_ERR_INVALID, "network: missing 'name'");
        goto out;
    }
    fwd = xnodes(&d, NULL, "/network/forward");
    if (nodeset_len(fwd) == 0)
        kc_strlcpy(out->mode, "isolated", sizeof(out->mode));   /* libvirt: no <forward> */
    else if (!xstr(&d, NULL, "/network/forward/@mode", out->mode, sizeof(out->mode)))
        kc_strlcpy(out->mode, "nat", sizeof(out->mode));        /* libvirt's default mode */
    if (!xstr(&d, NULL, "/network/bridge/@name", out->bridge, sizeof(out->bridge)))
        xstr(&d, NULL, "/network/forward/interface[1]/@dev", out->bridge, sizeof(out->bridge));
    ret = 0;
 out:
    xmlXPathFreeObject(fwd);
    doc_close(&d);
    return ret;
}

int kc_xml_parse_nodedev_net(const char *xml, kc_xml_nodedev_net *out, kc_error *err)
{
    doc d;
    int ret = -1;
    char buf[64];
    xmlXPathObjectPtr cap = NULL;
    xmlNodePtr net;

    memset(out, 0, sizeof(*out));
    if (doc_open(&d, xml, "device", err) < 0)
        return -1;
    if (!xstr(&d, NULL, "/device/name", out->name, sizeof(out->name))) {
        kc_error_set(err, KC_ERR_INVALID, "device: missing 'name'");
        goto out;
    }
    xstr(&d, NULL, "/device/parent", out->parent, sizeof(out->parent));
    out->is_virtual = strcmp(out->parent, "computer") == 0;
    cap = xnodes(&d, NULL, "/device/capability[@type='net']");
    if (nodeset_len(cap) == 0) {
        kc_error_set(err, KC_ERR_INVALID, "device '%s': no net capability", out->name);
        goto out;
    }
    net = cap->nodesetval->nodeTab[0];
    if (!xstr(&d, net, "interface", out->interface, sizeof(out->interface))) {
        kc_error_set(err, KC_ERR_INVALID, "device '%s': missing 'interface'", out->name);
        goto out;
    }
    if (xstr(&d, net, "link/@speed", buf, sizeof(buf))) {
        uint64_t mbps;

        if (parse_u64("device: link speed", buf, &mbps, err) < 0)
            goto out;
        if (mbps > UINT64_MAX / 1000) {
            kc_error_set(err, KC_ERR_INVALID, "device: link speed '%s' is too large", buf);
            goto out;
        }
        out->speed_kbps = mbps * 1000;
    }
    ret = 0;
 out:
    xmlXPathFreeObject(cap);
    doc_close(&d);
    return ret;
}
