// SPDX-License-Identifier: Apache-2.0
/* pcon events: the event log (storage/events.h) as podman prints it, past
 * events and (unless --stream=false) those that come, until --until or
 * until interrupted */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/json.h"
#include "../lib/timefmt.h"
#include "../storage/events.h"
#include "cmd.h"
#include "format.h"

enum { EV_FORMAT = 0x300, EV_NO_TRUNC, EV_SINCE, EV_UNTIL, EV_STREAM };

static const struct cmd_opt events_opts[] = {
    { 'f', "filter", 'f', "KEY=VALUE",
      "Filter: container, event (or status), image, label, network, pod, type, volume" },
    { EV_FORMAT, "format", 0, "FORMAT", "Format the output with a Go template, or json" },
    { EV_NO_TRUNC, "no-trunc", 0, NULL, "Accepted: ids are never truncated" },
    { EV_SINCE, "since", 0, "TIME",
      "Show the events since the time (RFC 3339, unix seconds, 10m)" },
    { EV_STREAM, "stream", 0, "BOOL", "Wait for new events (default true)" },
    { EV_UNTIL, "until", 0, "TIME", "Show the events until the time, then stop" },
    { 0, NULL, 0, NULL, NULL },
};

struct ev_args {
    char **filters;
    const char *fmt;
    int64_t since, until; /* -1: not asked */
};

static bool
any_value(char *const *filters, const char *key, const char *have, bool prefix)
{
    size_t kl = strlen(key);
    bool seen = false;

    for (size_t i = 0; filters && filters[i]; i++) {
        const char *v = filters[i] + kl + 1;
        if (strncmp(filters[i], key, kl) != 0 || filters[i][kl] != '=')
            continue;
        seen = true;
        if (have && (strcmp(have, v) == 0 || (prefix && *v && strncmp(have, v, strlen(v)) == 0)))
            return true;
    }
    return !seen;
}

/* podman's keys: values of one key are alternatives, the keys all hold */
static bool
event_match(yajl_val e, char *const *filters)
{
    const char *type = json_get_str(e, "Type"), *status = json_get_str(e, "Status");
    const char *id = json_get_str(e, "ID"), *name = json_get_str(e, "Name");
    const char *image = json_get_str(e, "Image");
    bool ctr = type && strcmp(type, "container") == 0;
    static const char *const typed[] = { "pod", "volume", "network", NULL };

    if (!any_value(filters, "type", type, false))
        return false;
    if (!any_value(filters, "event", status, false) || !any_value(filters, "status", status, false))
        return false;
    if (!any_value(filters, "container", ctr ? name : NULL, false)
        && !any_value(filters, "container", ctr ? id : NULL, true))
        return false;
    if (!any_value(filters, "image",
                   ctr                                    ? image
                   : (type && strcmp(type, "image") == 0) ? name
                                                          : NULL,
                   false)
        && !any_value(filters, "image", type && strcmp(type, "image") == 0 ? id : NULL, true))
        return false;
    for (size_t k = 0; typed[k]; k++) {
        bool mine = type && strcmp(type, typed[k]) == 0;
        if (!any_value(filters, typed[k], mine ? name : NULL, false)
            && !any_value(filters, typed[k], mine ? id : NULL, true))
            return false;
    }
    for (size_t i = 0; filters && filters[i]; i++) {
        yajl_val attrs = json_get_obj(e, "Attributes");
        const char *kv = filters[i] + 6, *eq;
        bool ok = false;
        if (strncmp(filters[i], "label=", 6) != 0)
            continue;
        eq = strchr(kv, '=');
        for (size_t a = 0; attrs && YAJL_IS_OBJECT(attrs) && a < attrs->u.object.len; a++) {
            const char *k = attrs->u.object.keys[a],
                       *v = YAJL_GET_STRING(attrs->u.object.values[a]);
            size_t kl = eq ? (size_t) (eq - kv) : strlen(kv);
            ok |= strlen(k) == kl && strncmp(k, kv, kl) == 0
                  && (!eq || (v && strcmp(v, eq + 1) == 0));
        }
        if (!ok)
            return false;
    }
    return true;
}

/* Go's time.Time as podman prints it: "2026-12-01 18:06:55.14752 +0000 UTC" */
static char *
go_time(int64_t ns)
{
    time_t sec = (time_t) (ns / 1000000000LL);
    long frac = (long) (ns % 1000000000LL);
    char date[32], digits[16];
    struct tm tm;
    size_t n;

    gmtime_r(&sec, &tm);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
    if (frac == 0)
        return xasprintf("%s +0000 UTC", date);
    snprintf(digits, sizeof digits, "%09ld", frac);
    for (n = strlen(digits); n > 0 && digits[n - 1] == '0'; n--)
        digits[n - 1] = '\0';
    return xasprintf("%s.%s +0000 UTC", date, digits);
}

static void
event_print(const char *line, yajl_val e, const struct ev_args *a)
{
    cleanup_err struct pcon_err err = { 0 };
    const char *type = json_get_str(e, "Type"), *status = json_get_str(e, "Status");
    const char *id = json_get_str(e, "ID"), *name = json_get_str(e, "Name");
    const char *image = json_get_str(e, "Image");
    cleanup_free char *when = go_time(time_parse_rfc3339(json_get_str(e, "Time")));

    if (a->fmt && strcmp(a->fmt, "json") == 0) {
        printf("%s\n", line);
    } else if (a->fmt) {
        char *one[] = { (char *) line, NULL };
        if (cmd_format_print(a->fmt, one, NULL, &err) < 0)
            cmd_report(&err);
    } else if (type && (strcmp(type, "container") == 0 || strcmp(type, "pod") == 0)) {
        yajl_val attrs = json_get_obj(e, "Attributes");
        printf("%s %s %s %s (image=%s, name=%s", when, type, status ? status : "", id ? id : "",
               image ? image : "", name ? name : "");
        for (size_t i = 0; attrs && YAJL_IS_OBJECT(attrs) && i < attrs->u.object.len; i++) {
            const char *v = YAJL_GET_STRING(attrs->u.object.values[i]);
            printf(", %s=%s", attrs->u.object.keys[i], v ? v : "");
        }
        printf(")\n");
    } else if (type && strcmp(type, "volume") == 0) {
        printf("%s volume %s %s\n", when, status ? status : "", name ? name : "");
    } else {
        printf("%s %s %s %s %s\n", when, type ? type : "", status ? status : "", id ? id : "",
               name ? name : "");
    }
}

/* the complete lines of text from *off on: shown when they match; *off
 * after the last one */
static void
lines_show(const char *text, size_t len, size_t *off, const struct ev_args *a)
{
    while (*off < len) {
        const char *l = text + *off, *nl = memchr(l, '\n', len - *off);
        cleanup_free char *line = NULL;
        cleanup_yajl_val yajl_val e = NULL;
        int64_t t;
        if (nl == NULL)
            break; /* a line being written: the next look has it whole */
        line = xstrndup(l, (size_t) (nl - l));
        *off += (size_t) (nl - l) + 1;
        e = json_parse(line, NULL);
        if (e == NULL || !YAJL_IS_OBJECT(e))
            continue;
        t = time_parse_rfc3339(json_get_str(e, "Time"));
        if (t < 0)
            continue; /* not an event of ours */
        if ((a->since >= 0 && t < a->since) || (a->until >= 0 && t > a->until)
            || !event_match(e, a->filters))
            continue;
        event_print(line, e, a);
    }
    fflush(stdout);
}

static char *
read_log(const char *path, size_t *len, ino_t *ino)
{
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;

    *len = 0;
    if (fd < 0 || fstat(fd, &st) < 0)
        return NULL;
    if (ino)
        *ino = st.st_ino;
    return fs_read_fd(fd, EVENTS_LOG_MAX * 4, len, NULL);
}

static int
cmd_events(struct cmd_ctx *ctx, int argc, char **argv)
{
    static const char *const keys[] = { "container=", "event=", "status=", "image=",  "label=",
                                        "network=",   "pod=",   "type=",   "volume=", NULL };
    cleanup_err struct pcon_err err = { 0 };
    cleanup_strv char **filters = NULL;
    cleanup_free char *path = NULL, *old = NULL;
    struct ev_args a = { .since = -1, .until = -1 };
    bool stream = true;
    size_t off = 0, len = 0;
    ino_t ino = 0;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_events_def, argc, argv, &arg)) != -1) {
        switch (opt) {
        case 'f': {
            bool known = false;
            for (size_t k = 0; keys[k]; k++)
                known |= strncmp(arg, keys[k], strlen(keys[k])) == 0;
            if (!known) {
                fprintf(stderr, "Error: %.*s is an invalid filter\n", (int) strcspn(arg, "="), arg);
                return PCON_EXIT_ENGINE;
            }
            strv_push(&filters, arg);
            break;
        }
        case EV_FORMAT:
            a.fmt = arg;
            break;
        case EV_NO_TRUNC:
            break;
        case EV_SINCE:
        case EV_UNTIL: {
            int64_t t = time_parse_point(arg, time_now_ns());
            if (t < 0) {
                fprintf(stderr, "Error: invalid time \"%s\"\n", arg);
                return PCON_EXIT_ENGINE;
            }
            *(opt == EV_SINCE ? &a.since : &a.until) = t;
            break;
        }
        case EV_STREAM:
            if (arg && strcmp(arg, "true") != 0 && strcmp(arg, "false") != 0)
                return cmd_usage_error(&cmd_events_def,
                                       "invalid argument \"%s\" for \"--stream\" flag", arg);
            stream = cmd_flag_value(arg);
            break;
        default:
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "Error: `pcon events` takes no arguments\n");
        return PCON_EXIT_ENGINE;
    }
    a.filters = filters;
    if (cmd_store_open(ctx, &err) < 0)
        return cmd_report(&err);
    path = storage_events_path(&ctx->st, false);
    old = storage_events_path(&ctx->st, true);
    {
        size_t olen = 0, ooff = 0;
        cleanup_free char *text = read_log(old, &olen, NULL);
        if (text)
            lines_show(text, olen, &ooff, &a);
    }
    for (;;) {
        cleanup_free char *text = NULL;
        struct stat sb;
        ino_t now_ino = 0;
        /* read again only when it changed */
        if (ino != 0 && stat(path, &sb) == 0 && sb.st_ino == ino && (size_t) sb.st_size == len) {
            if (!stream || (a.until >= 0 && time_now_ns() > a.until))
                return 0;
            usleep(100000);
            continue;
        }
        text = read_log(path, &len, &now_ino);
        /* made anew (rotated): from its start */
        if (now_ino != ino || len < off) {
            off = 0;
            ino = now_ino;
        }
        if (text)
            lines_show(text, len, &off, &a);
        if (!stream || (a.until >= 0 && time_now_ns() > a.until))
            return 0;
        usleep(100000);
    }
}

const struct cmd_def cmd_events_def = {
    "events", cmd_events, "Show pcon events", "[options]", events_opts,
};
