// SPDX-License-Identifier: Apache-2.0
/* Writing the run directory's /etc files of a container. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/proc.h"
#include "container.h"
#include "etc_files.h"

#define PCON_ENGINE_VERSION "pcon-" PCON_VERSION

const struct etc_file_name engine_etc_files[ETC_FILES] = {
    [ETC_HOSTS] = { "hosts", "/etc/hosts" },
    [ETC_RESOLV_CONF] = { "resolv.conf", "/etc/resolv.conf" },
    [ETC_HOSTNAME] = { "hostname", "/etc/hostname" },
    [ETC_CONTAINERENV] = { ".containerenv", "/run/.containerenv" },
};

/* appends to a malloc'd text */
static void __attribute__((format(printf, 2, 3))) text_add(char **text, const char *fmt, ...)
{
    cleanup_free char *piece = NULL;
    char *next;
    va_list ap;

    va_start(ap, fmt);
    piece = xvasprintf(fmt, ap);
    va_end(ap);
    next = xasprintf("%s%s", *text ? *text : "", piece);
    free(*text);
    *text = next;
}

/* --add-host first, as podman writes them ("HOST:IP" -> "IP\tHOST"); then
 * the host's own names when it shares the host's network; on the user-mode
 * network its address, and the host as the gateway */
static char *
hosts_text(const struct ctr_config *g)
{
    cleanup_free char *host = NULL;
    struct netns_slirp_addrs a;
    char *out = xstrdup("");

    for (size_t i = 0; g->add_hosts && g->add_hosts[i]; i++) {
        const char *colon = strchr(g->add_hosts[i], ':');
        if (colon) /* checked at create */
            text_add(&out, "%s\t%.*s\n", colon + 1, (int) (colon - g->add_hosts[i]),
                     g->add_hosts[i]);
    }
    if (g->net.mode == NETNS_HOST) {
        host = fs_read_all(AT_FDCWD, "/etc/hosts", 1 << 20, NULL, NULL);
        text_add(&out, "%s127.0.1.1\t%s %s\n", host ? host : "", g->hostname, g->name);
        return out;
    }
    text_add(&out, "127.0.0.1\tlocalhost localhost.localdomain\n"
                   "::1\tlocalhost localhost.localdomain\n");
    netns_slirp_addrs(&g->net, &a);
    if (g->net.mode == NETNS_SLIRP)
        text_add(&out, "%s\t%s %s\n%s\thost.containers.internal host.docker.internal\n", a.address,
                 g->hostname, g->name, a.gateway);
    else
        text_add(&out, "127.0.1.1\t%s %s\n", g->hostname, g->name);
    return out;
}

/* What of the host's resolv.conf podman keeps: every nameserver, the words
 * of the last search and the last options line (domain, sortlist and
 * comments go). */
struct resolv_host {
    char **nameservers, **search, **options;
};

static void
resolv_host_read(struct resolv_host *h)
{
    cleanup_free char *text = fs_read_all(AT_FDCWD, "/etc/resolv.conf", 1 << 16, NULL, NULL);
    char *save = NULL;

    memset(h, 0, sizeof *h);
    for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
        char *wsave = NULL, *key = strtok_r(l, " \t\r", &wsave), *w;
        char ***to = NULL;

        if (key == NULL)
            continue;
        if (strcmp(key, "nameserver") == 0) {
            if ((w = strtok_r(NULL, " \t\r", &wsave)) != NULL)
                strv_push(&h->nameservers, w);
            continue;
        }
        if (strcmp(key, "search") == 0)
            to = &h->search;
        else if (strcmp(key, "options") == 0)
            to = &h->options;
        else
            continue;
        strv_free(*to); /* the last line counts, as for the resolver */
        *to = NULL;
        while ((w = strtok_r(NULL, " \t\r", &wsave)) != NULL)
            strv_push(to, w);
    }
}

static void
resolv_host_free(struct resolv_host *h)
{
    strv_free(h->nameservers);
    strv_free(h->search);
    strv_free(h->options);
}

/* one line of words: the asked ones before the host's */
static void
resolv_line(char **text, const char *key, char *const *asked, char *const *host)
{
    char *const *part[2] = { asked, host };
    const char *sep = " ";

    if (strv_len(asked) + strv_len(host) == 0)
        return;
    text_add(text, "%s", key);
    for (size_t p = 0; p < 2; p++)
        for (size_t i = 0; part[p] && part[p][i]; i++)
            text_add(text, "%s%s", sep, part[p][i]);
    text_add(text, "\n");
}

/* The host's resolv.conf as it is, unless the user-mode network or an
 * option changes it; then podman's: the search domains (--dns-search
 * before the host's; "." for none), the servers (--dns; else libslirp's,
 * which asks the host's resolvers, even on 127.0.0.x; else the host's),
 * the options (--dns-option before the host's). */
static char *
resolv_text(const struct ctr_config *g)
{
    struct resolv_host h;
    struct netns_slirp_addrs a;
    char *const slirp_dns[] = { a.dns, NULL };
    char *const *servers;
    bool no_search = g->dns_search && g->dns_search[0] && strcmp(g->dns_search[0], ".") == 0;
    char *out = NULL;

    if (g->net.mode != NETNS_SLIRP && !g->dns && !g->dns_search && !g->dns_options) {
        out = fs_read_all(AT_FDCWD, "/etc/resolv.conf", 1 << 16, NULL, NULL);
        return out ? out : xstrdup("");
    }
    resolv_host_read(&h);
    netns_slirp_addrs(&g->net, &a);
    servers = g->dns ? g->dns : g->net.mode == NETNS_SLIRP ? slirp_dns : h.nameservers;
    if (!no_search)
        resolv_line(&out, "search", g->dns_search, h.search);
    for (size_t i = 0; servers && servers[i]; i++)
        text_add(&out, "nameserver %s\n", servers[i]);
    resolv_line(&out, "options", g->dns_options, h.options);
    resolv_host_free(&h);
    return out ? out : xstrdup("");
}

unsigned
engine_etc_files_skipped(const struct ctr_config *g)
{
    return (g->no_hosts ? 1u << ETC_HOSTS : 0) | (g->no_resolv_conf ? 1u << ETC_RESOLV_CONF : 0);
}

int
engine_etc_files_write(int rundfd, const struct ctr_config *g, struct pcon_err *err)
{
    cleanup_free char *resolv = resolv_text(g);
    cleanup_free char *hosts = hosts_text(g);
    cleanup_free char *hostname = xasprintf("%s\n", g->hostname);
    cleanup_free char *env = xasprintf(
        "engine=\"%s\"\nname=\"%s\"\nid=\"%s\"\nimage=\"%s\"\nimageid=\"%s\"\nrootless=%d\n",
        PCON_ENGINE_VERSION, g->name, g->id, g->image_name, g->image_id, proc_in_userns() ? 1 : 0);
    const char *text[ETC_FILES] = {
        [ETC_HOSTS] = hosts,
        [ETC_RESOLV_CONF] = resolv,
        [ETC_HOSTNAME] = hostname,
        [ETC_CONTAINERENV] = env,
    };
    unsigned skipped = engine_etc_files_skipped(g);

    for (size_t i = 0; i < ETC_FILES; i++)
        if (!(skipped & (1u << i))
            && fs_write_atomic(rundfd, engine_etc_files[i].name, text[i], strlen(text[i]), 0644,
                               false, err)
                   < 0)
            return -1;
    return 0;
}

char *
engine_etc_file_path(const char *rundir, enum etc_file f)
{
    return xasprintf("%s/%s", rundir, engine_etc_files[f].name);
}
