// SPDX-License-Identifier: Apache-2.0
/* pcon top: the processes of a running container, as ps(1) shows them */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../engine/container.h"
#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/proc.h"
#include "../lib/template.h"
#include "cmd.h"

struct proc_row {
    long pid, ppid_host, nspid;
    unsigned long uid;
    unsigned long long start, cpu;
    char tty[32];
    char *cmd;
};

/* the last NSpid of a process: its pid inside the container */
static void
read_status(int pid, long *nspid, unsigned long *uid, long *ppid)
{
    char path[64], line[256];
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/status", pid);
    f = fopen(path, "re");
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "NSpid:", 6) == 0) {
            char *last = strrchr(line, '\t');
            *nspid = strtol(last ? last + 1 : line + 6, NULL, 10);
        } else if (strncmp(line, "Uid:", 4) == 0) {
            *uid = strtoul(line + 4, NULL, 10);
        } else if (strncmp(line, "PPid:", 5) == 0) {
            *ppid = strtol(line + 5, NULL, 10);
        }
    }
    fclose(f);
}

static bool
read_stat(int pid, unsigned long long *start, unsigned long long *cpu, int *tty_nr)
{
    struct proc_stat ps;

    if (proc_stat_read((pid_t) pid, &ps) < 0)
        return false;
    *start = ps.starttime;
    *cpu = ps.utime + ps.stime;
    *tty_nr = ps.tty_nr;
    return true;
}

static char *
read_cmdline(int pid)
{
    char path[64];
    size_t n = 0;
    char *text;

    snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
    text = fs_read_all(AT_FDCWD, path, 65536, &n, NULL);
    if (text == NULL)
        return xstrdup("");
    for (size_t i = 0; i + 1 < n; i++)
        if (text[i] == '\0')
            text[i] = ' ';
    return text;
}

/* The container's /etc/passwd, NULL when it has none. Read inside its root:
 * by path, /proc/PID/root/etc/passwd would resolve a link the container made
 * there (or at etc) on the host's side, and show a host file's names. */
static char *
passwd_read(int initpid)
{
    char path[64];
    cleanup_close int rootfd = -1, fd = -1;

    snprintf(path, sizeof path, "/proc/%d/root", initpid);
    rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return NULL;
    fd = fs_open_regular_in_root(rootfd, "etc/passwd", NULL);
    if (fd < 0)
        return NULL;
    return fs_read_fd(fd, 1 << 20, NULL, NULL);
}

/* the name of uid in passwd's text, else the number */
static char *
user_name(const char *pw, unsigned long uid)
{
    for (const char *line = pw; line && *line;) {
        const char *end = strchrnul(line, '\n');
        const char *c1 = memchr(line, ':', (size_t) (end - line));
        const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t) (end - c1 - 1)) : NULL;
        char *num_end = NULL;

        if (c2 && strtoul(c2 + 1, &num_end, 10) == uid && num_end != c2 + 1 && *num_end == ':')
            return xstrndup(line, (size_t) (c1 - line));
        line = *end ? end + 1 : end;
    }
    return xasprintf("%lu", uid);
}

/* one row for pid when it is in the pid namespace initns names, else NULL */
static char *
top_row(int pid, const struct stat *initns, const char *pw, double uptime, long hz)
{
    char path[64];
    struct stat ns;
    long nspid = 0, ppid = 0, ppid_ns = 0;
    unsigned long uid = 0, puid = 0;
    unsigned long long start, cpu;
    int tty_nr = 0;
    double elapsed;
    cleanup_free char *cmd = NULL, *user = NULL;
    char tty[32] = "?";

    snprintf(path, sizeof path, "/proc/%d/ns/pid", pid);
    if (stat(path, &ns) < 0 || ns.st_ino != initns->st_ino || ns.st_dev != initns->st_dev)
        return NULL;
    read_status(pid, &nspid, &uid, &ppid);
    if (!read_stat(pid, &start, &cpu, &tty_nr))
        return NULL;
    if (nspid != 1)
        read_status((int) ppid, &ppid_ns, &puid, &(long){ 0 });
    if (tty_nr != 0)
        snprintf(tty, sizeof tty, "pts/%d", (tty_nr & 0xff) | ((tty_nr >> 12) & 0xfff00));
    elapsed = uptime - (double) start / (double) hz;
    cmd = read_cmdline(pid);
    user = user_name(pw, uid);
    return xasprintf("%s\t%ld\t%ld\t%.3f\t%.6fs\t%s\t%llus\t%s\n", user, nspid,
                     nspid == 1 ? 0 : ppid_ns,
                     elapsed > 0 ? 100.0 * ((double) cpu / (double) hz) / elapsed : 0.0, elapsed,
                     tty, cpu / (unsigned long long) hz, cmd);
}

int
cmd_top_rows(const struct container *c, char **out, struct pcon_err *err)
{
    char path[64];
    struct stat initns;
    cleanup_closedir DIR *d = opendir("/proc");
    cleanup_free char *pw = NULL;
    long hz = sysconf(_SC_CLK_TCK);
    double uptime = 0;
    struct dirent *de;
    FILE *f;

    if (c->state.status != CTR_RUNNING || !engine_ctr_alive(c))
        return pcon_fail(err, 0, "top can only be used on running containers");
    snprintf(path, sizeof path, "/proc/%d/ns/pid", (int) c->state.pid);
    if (stat(path, &initns) < 0 || d == NULL)
        return pcon_fail(err, errno, "read the processes of %s", c->cfg.name);
    pw = passwd_read((int) c->state.pid);
    f = fopen("/proc/uptime", "re");
    if (f) {
        if (fscanf(f, "%lf", &uptime) != 1)
            uptime = 0;
        fclose(f);
    }
    while ((de = readdir(d)) != NULL) {
        int pid = atoi(de->d_name);
        cleanup_free char *line = pid > 0 ? top_row(pid, &initns, pw, uptime, hz) : NULL;
        char *t;
        if (line == NULL)
            continue;
        t = xasprintf("%s%s", *out ? *out : "", line);
        free(*out);
        *out = t;
    }
    return 0;
}

void
cmd_top_print(const char *rows)
{
    cleanup_free char *text =
        xasprintf("USER\tPID\tPPID\t%%CPU\tELAPSED\tTTY\tTIME\tCOMMAND\n%s", rows ? rows : "");
    cleanup_free char *aligned = template_align(text);

    fputs(aligned, stdout);
}

static int
top_one(struct cmd_ctx *ctx, struct container *c, const char *name, void *opaque,
        struct pcon_err *err)
{
    cleanup_free char *rows = NULL;

    (void) ctx;
    (void) name;
    (void) opaque;
    if (cmd_top_rows(c, &rows, err) < 0)
        return -1;
    cmd_top_print(rows);
    return 0;
}

static const struct cmd_opt top_opts[] = {
    CMD_LATEST_OPT,
    { 0, NULL, 0, NULL, NULL },
};

static int
cmd_top(struct cmd_ctx *ctx, int argc, char **argv)
{
    bool latest = false;
    char *arg;
    int opt;

    while ((opt = cmd_getopt(&cmd_top_def, argc, argv, &arg)) != -1) {
        if (opt != 'l')
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
        latest = true;
    }
    if (latest && (opt = cmd_latest_insert(ctx, false, &argc, &argv)) >= 0)
        return opt;
    if (argc - optind < 1)
        return cmd_usage_error(&cmd_top_def, "requires at least 1 arg(s), only received 0");
    /* descriptors after the name are podman's ps(1)-like fields: the
     * default set is all that is offered */
    return cmd_each_container(ctx, (char *[]){ argv[optind], NULL }, false, false, PCON_EXIT_ENGINE,
                              top_one, NULL);
}

const struct cmd_def cmd_top_def = {
    "top", cmd_top, "Display the running processes of a container", "[options] CONTAINER", top_opts,
};
