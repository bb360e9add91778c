// SPDX-License-Identifier: Apache-2.0
/* The event log (podman's file backend, in pcon's run root). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/timefmt.h"
#include "events.h"

static bool disabled;

void
storage_events_disable(void)
{
    disabled = true;
}

char *
storage_events_path(const struct store *st, bool rotated)
{
    return xasprintf("%s/events/events.log%s", st->runroot, rotated ? ".1" : "");
}

static char *
event_json(const char *type, const char *status, const char *id, const char *name,
           const char *image, char *const *attrs)
{
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    char now[64];

    time_format_rfc3339(time_now_ns(), now, sizeof now);
    JG(yajl_gen_map_open(g));
    if (id)
        JG(json_gen_kv_str(g, "ID", id));
    if (image)
        JG(json_gen_kv_str(g, "Image", image));
    if (name)
        JG(json_gen_kv_str(g, "Name", name));
    JG(json_gen_kv_str(g, "Status", status));
    JG(json_gen_kv_str(g, "Time", now));
    JG(json_gen_kv_str(g, "Type", type));
    JG(json_gen_str(g, "Attributes"));
    JG(yajl_gen_map_open(g));
    for (size_t i = 0; attrs && attrs[i]; i++) {
        const char *eq = strchr(attrs[i], '=');
        cleanup_free char *k = xstrndup(attrs[i], eq ? (size_t) (eq - attrs[i]) : strlen(attrs[i]));
        JG(json_gen_kv_str(g, k, eq ? eq + 1 : ""));
    }
    JG(yajl_gen_map_close(g));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    abort(); /* only an allocation or a nesting bug can get here */
}

void
storage_event(struct store *st, const char *type, const char *status, const char *id,
              const char *name, const char *image, char *const *attrs)
{
    cleanup_close int dfd = -1, fd = -1;
    cleanup_free char *dir = NULL, *line = NULL, *text = NULL;
    struct stat sb;

    if (disabled || st == NULL || st->runroot == NULL)
        return;
    dir = xasprintf("%s/events", st->runroot);
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return;
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    /* one writer at a time: the rotation and the append together */
    if (dfd < 0 || flock(dfd, LOCK_EX) < 0)
        return;
    if (fstatat(dfd, "events.log", &sb, AT_SYMLINK_NOFOLLOW) == 0 && sb.st_size > EVENTS_LOG_MAX)
        (void) renameat(dfd, "events.log", dfd, "events.log.1");
    fd = openat(dfd, "events.log", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return;
    text = event_json(type, status, id, name, image, attrs);
    line = xasprintf("%s\n", text);
    (void) fs_write_all(fd, line, strlen(line)); /* an event never fails its command */
}
