// SPDX-License-Identifier: Apache-2.0
/* --format printing, and sizes as podman prints them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cleanup.h"
#include "../lib/json.h"
#include "../lib/template.h"
#include "format.h"

static void
cleanup_template_fn(struct template **t)
{
    template_free(*t);
}
#define cleanup_template __attribute__((cleanup(cleanup_template_fn)))

char *
cmd_human_size_digits(long long b, int digits, bool space)
{
    static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB" };
    double v = (double) b;
    int u = 0;

    while (v >= 1000 && u < 5) {
        v /= 1000;
        u++;
    }
    return xasprintf("%.*g%s%s", digits, v, space ? " " : "", units[u]);
}

char *
cmd_human_size(long long b)
{
    return cmd_human_size_digits(b, 3, true);
}

int
cmd_format_print(const char *fmt, char **objects, const char *const *headers, struct pcon_err *err)
{
    cleanup_template struct template *t = NULL;
    cleanup_free char *out = xstrdup("");

    if (strcmp(fmt, "json") == 0 && (objects == NULL || objects[0] == NULL)) {
        printf("[]\n"); /* podman's empty list */
        return 0;
    }
    if (strcmp(fmt, "json") == 0) {
        cleanup_free char *text = json_pretty_array(objects, err);
        size_t n;
        if (text == NULL)
            return -1;
        n = strlen(text);
        /* one newline after the document, as podman's */
        printf("%s%s", text, n && text[n - 1] == '\n' ? "" : "\n");
        return 0;
    }
    t = template_parse(fmt, err);
    if (t == NULL)
        return -1;
    if (template_is_table(t)) {
        cleanup_free char *h = template_header(t, headers);
        free(out);
        out = xasprintf("%s\n", h);
    }
    for (size_t i = 0; objects && objects[i]; i++) {
        cleanup_yajl_val yajl_val v = json_parse(objects[i], err);
        size_t n;
        if (v == NULL || template_render(t, v, &out, err) < 0)
            return -1;
        n = strlen(out);
        if (n == 0 || out[n - 1] != '\n') {
            char *o2 = xasprintf("%s\n", out);
            free(out);
            out = o2;
        }
    }
    if (template_is_table(t) || strchr(fmt, '\t') || strstr(fmt, "\\t")) {
        cleanup_free char *aligned = template_align(out);
        fputs(aligned, stdout);
    } else {
        fputs(out, stdout);
    }
    return 0;
}

const char *
cmd_format_no_table(const char *fmt)
{
    const char *p = fmt;

    if (strncmp(p, "table", 5) != 0)
        return fmt;
    p += 5;
    while (*p == ' ' || *p == '\t')
        p++;
    return *p ? p : fmt;
}

yajl_gen_status
cmd_json_map(yajl_gen g, char *const *pairs)
{
    JG(yajl_gen_map_open(g));
    for (size_t i = 0; pairs && pairs[i]; i++) {
        const char *eq = strchr(pairs[i], '=');
        cleanup_free char *key =
            xstrndup(pairs[i], eq ? (size_t) (eq - pairs[i]) : strlen(pairs[i]));
        JG(json_gen_kv_str(g, key, eq ? eq + 1 : ""));
    }
    return yajl_gen_map_close(g);
fail:
    return yajl_gen_in_error_state;
}
