// SPDX-License-Identifier: Apache-2.0
/* Writing the run directory's /etc files of a container. */
#include <fcntl.h>
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

/* the host's own names too when it shares the host's network; on the
 * user-mode network its address, and the host as the gateway */
static char *
hosts_text(const struct ctr_config *g)
{
    cleanup_free char *host = NULL;

    if (g->net.mode == NETNS_HOST) {
        host = fs_read_all(AT_FDCWD, "/etc/hosts", 1 << 20, NULL, NULL);
        return xasprintf("%s127.0.1.1\t%s %s\n", host ? host : "", g->hostname, g->name);
    }
    if (g->net.mode == NETNS_SLIRP)
        return xasprintf("127.0.0.1\tlocalhost localhost.localdomain\n"
                         "::1\tlocalhost localhost.localdomain\n"
                         "%s\t%s %s\n"
                         "%s\thost.containers.internal host.docker.internal\n",
                         NETNS_SLIRP_ADDRESS, g->hostname, g->name, NETNS_SLIRP_GATEWAY);
    return xasprintf("127.0.0.1\tlocalhost localhost.localdomain\n"
                     "::1\tlocalhost localhost.localdomain\n"
                     "127.0.1.1\t%s %s\n",
                     g->hostname, g->name);
}

/* The host's resolv.conf, but on the user-mode network libslirp's DNS
 * (which asks the host's resolvers, even on 127.0.0.x) with the host's
 * search domains and options. */
static char *
resolv_text(const struct ctr_config *g)
{
    cleanup_free char *host = fs_read_all(AT_FDCWD, "/etc/resolv.conf", 1 << 16, NULL, NULL);
    char *out, *save = NULL;

    if (g->net.mode != NETNS_SLIRP)
        return xstrdup(host ? host : "");
    out = xasprintf("nameserver %s\n", NETNS_SLIRP_DNS);
    for (char *l = host ? strtok_r(host, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
        char *next;
        if (strncmp(l, "search", 6) != 0 && strncmp(l, "domain", 6) != 0
            && strncmp(l, "options", 7) != 0)
            continue;
        next = xasprintf("%s%s\n", out, l);
        free(out);
        out = next;
    }
    return out;
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

    for (size_t i = 0; i < ETC_FILES; i++)
        if (fs_write_atomic(rundfd, engine_etc_files[i].name, text[i], strlen(text[i]), 0644, false,
                            err)
            < 0)
            return -1;
    return 0;
}

char *
engine_etc_file_path(const char *rundir, enum etc_file f)
{
    return xasprintf("%s/%s", rundir, engine_etc_files[f].name);
}
