// SPDX-License-Identifier: Apache-2.0
/* Quadlet: podman's unit files for containers (NAME.container), volumes
 * (NAME.volume), networks (NAME.network), pods (NAME.pod) and Kubernetes
 * YAML (NAME.kube) in
 * ~/.config/containers/systemd/, turned into services by a systemd
 * generator. pcon is that generator when it runs as pcon-user-generator
 * (or pcon-systemd-generator), or as `pcon quadlet [--dryrun] [DIR]`. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../lib/unitfile.h"
#include "cmd.h"

#define QUADLET_FILE_MAX (1 << 20)

struct quadlet_unit {
    char *name; /* the service's, NAME.service or NAME-volume.service... */
    char *text;
    char **wanted_by;
};

static char *
exec_line(char *const *args)
{
    char *text = NULL;

    for (size_t i = 0; args[i]; i++) {
        cleanup_free char *a = unitfile_quote(args[i], false);
        xappendf(&text, "%s%s", i ? " " : "", a);
    }
    return text;
}

static char *
self_exe(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

    exe[n > 0 ? n : 0] = '\0';
    return xstrdup(n > 0 ? exe : "/usr/bin/pcon");
}

static int
bad_key(const char *file, const struct unit_entry *e, struct pcon_err *err)
{
    return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s:%u: unsupported key %s in [%s]", file,
                          e->line, e->key, e->section);
}

/* the sections systemd reads ([Unit], [Service], [Install]), copied; the
 * [Install] section's WantedBy= also noted (a generator makes the links) */
static void
copy_sections(const struct unit_file *f, const char *own, char **unit, char **service,
              char **install, char ***wanted_by)
{
    for (size_t i = 0; i < f->n; i++) {
        const struct unit_entry *e = &f->v[i];
        if (strcmp(e->section, own) == 0)
            continue;
        if (strcmp(e->section, "Unit") == 0)
            xappendf(unit, "%s=%s\n", e->key, e->value);
        else if (strcmp(e->section, "Service") == 0)
            xappendf(service, "%s=%s\n", e->key, e->value);
        else if (strcmp(e->section, "Install") == 0) {
            xappendf(install, "%s=%s\n", e->key, e->value);
            if (strcmp(e->key, "WantedBy") == 0 || strcmp(e->key, "RequiredBy") == 0) {
                cleanup_strv char **w = unitfile_words(e->value, NULL);
                for (size_t k = 0; w && w[k]; k++)
                    strv_push(wanted_by, w[k]);
            }
        }
    }
}

/* a dependency on another quadlet file's service: X.volume -> X-volume */
static void
depend(char **unit, const char *base, const char *kind)
{
    xappendf(unit, "Requires=%s-%s.service\nAfter=%s-%s.service\n", base, kind, base, kind);
}

/* NAME.volume or NAME.network: the resource systemd-NAME, made once */
static int
resource_unit(const char *file, const char *base, const struct unit_file *f, bool network,
              struct quadlet_unit *out, struct pcon_err *err)
{
    static const char *const vol_keys[] = { "Label", NULL };
    static const char *const net_keys[] = { "Label",    "Subnet",     "Gateway", "IPRange",
                                            "Internal", "DisableDNS", "Options", NULL };
    const char *const *keys = network ? net_keys : vol_keys;
    const char *own = network ? "Network" : "Volume";
    cleanup_strv char **args = NULL;
    cleanup_free char *exe = self_exe(), *unit = NULL, *service = NULL, *install = NULL;
    cleanup_free char *line = NULL, *rname = xasprintf("systemd-%s", base);

    memset(out, 0, sizeof *out);
    strv_push(&args, exe);
    strv_push(&args, network ? "network" : "volume");
    strv_push(&args, "create");
    strv_push(&args, "--ignore");
    for (size_t i = 0; i < f->n; i++) {
        const struct unit_entry *e = &f->v[i];
        bool known = false;
        if (strcmp(e->section, own) != 0)
            continue;
        for (size_t k = 0; keys[k] && !known; k++)
            known = strcmp(e->key, keys[k]) == 0;
        if (!known)
            return bad_key(file, e, err);
        if (strcmp(e->key, "Label") == 0) {
            cleanup_strv char **w = unitfile_words(e->value, err);
            if (w == NULL)
                return -1;
            for (size_t k = 0; w[k]; k++) {
                strv_push(&args, "--label");
                strv_push(&args, w[k]);
            }
        } else if (strcmp(e->key, "Internal") == 0 || strcmp(e->key, "DisableDNS") == 0) {
            if (strcmp(e->value, "true") == 0 || strcmp(e->value, "yes") == 0)
                strv_push(&args, strcmp(e->key, "Internal") == 0 ? "--internal" : "--disable-dns");
        } else {
            cleanup_free char *opt = xasprintf("--%s", strcmp(e->key, "IPRange") == 0   ? "ip-range"
                                                       : strcmp(e->key, "Options") == 0 ? "opt"
                                                       : strcmp(e->key, "Subnet") == 0  ? "subnet"
                                                                                       : "gateway");
            strv_push(&args, opt);
            strv_push(&args, e->value);
        }
    }
    strv_push(&args, rname);
    copy_sections(f, own, &unit, &service, &install, &out->wanted_by);
    line = exec_line(args);
    out->name = xasprintf("%s-%s.service", base, network ? "network" : "volume");
    xappendf(&out->text, "# Automatically generated by pcon's quadlet generator\n\n[Unit]\n%s",
             unit ? unit : "");
    xappendf(&out->text, "SourcePath=%s\nRequiresMountsFor=%%t/pcon\n\n[Service]\n", file);
    xappendf(&out->text,
             "ExecStart=%s\nType=oneshot\nRemainAfterExit=yes\nSyslogIdentifier=%%N\n%s", line,
             service ? service : "");
    if (install)
        xappendf(&out->text, "\n[Install]\n%s", install);
    return 0;
}

/* NAME.container: a notify service that runs the container, as quadlet's */
static int
container_unit(const char *file, const char *base, const struct unit_file *f,
               struct quadlet_unit *out, struct pcon_err *err)
{
    static const char *const keys[] = { "Image",
                                        "Exec",
                                        "ContainerName",
                                        "PublishPort",
                                        "Volume",
                                        "Network",
                                        "Environment",
                                        "EnvironmentFile",
                                        "User",
                                        "Group",
                                        "Label",
                                        "Notify",
                                        "AutoUpdate",
                                        "PodmanArgs",
                                        "WorkingDir",
                                        "ReadOnly",
                                        "Tmpfs",
                                        "AddCapability",
                                        "DropCapability",
                                        "HostName",
                                        "UserNS",
                                        "UIDMap",
                                        "GIDMap",
                                        "AddDevice",
                                        "Ulimit",
                                        "Sysctl",
                                        "Timezone",
                                        "EnvironmentHost",
                                        "RunInit",
                                        "NoNewPrivileges",
                                        "SeccompProfile",
                                        "IP",
                                        "Mount",
                                        "Secret",
                                        "Pod",
                                        NULL };
    /* keys that are one option each, as quadlet maps them */
    static const struct {
        const char *key, *opt;
    } plain[] = {
        { "UserNS", "--userns" }, { "UIDMap", "--uidmap" },
        { "GIDMap", "--gidmap" }, { "AddDevice", "--device" },
        { "Ulimit", "--ulimit" }, { "Timezone", "--tz" },
        { "IP", "--ip" },         { "Mount", "--mount" },
        { "Secret", "--secret" },
    };
    cleanup_strv char **args = NULL, **tail = NULL;
    cleanup_free char *exe = self_exe(), *unit = NULL, *service = NULL, *install = NULL;
    cleanup_free char *start = NULL, *stop = NULL, *name = NULL;
    const char *image = NULL, *user = NULL, *group = NULL;
    bool notify = false;

    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < f->n; i++) {
        const struct unit_entry *e = &f->v[i];
        bool known = false;
        if (strcmp(e->section, "Container") != 0)
            continue;
        for (size_t k = 0; keys[k] && !known; k++)
            known = strcmp(e->key, keys[k]) == 0;
        if (!known)
            return bad_key(file, e, err);
        if (strcmp(e->key, "Image") == 0)
            image = e->value;
        else if (strcmp(e->key, "ContainerName") == 0) {
            free(name);
            name = xstrdup(e->value);
        } else if (strcmp(e->key, "User") == 0)
            user = e->value;
        else if (strcmp(e->key, "Group") == 0)
            group = e->value;
        else if (strcmp(e->key, "Notify") == 0)
            notify = strcmp(e->value, "true") == 0 || strcmp(e->value, "yes") == 0;
    }
    if (image == NULL || image[0] == '\0')
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s: no Image= in [Container]", file);
    strv_push(&args, exe);
    strv_push(&args, "run");
    strv_push_take(&args, name ? xasprintf("--name=%s", name) : xstrdup("--name=systemd-%N"));
    strv_push(&args, "--cidfile=%t/%N.cid");
    strv_push(&args, "--replace");
    strv_push(&args, "--rm");
    strv_push(&args, "--cgroups=split");
    strv_push(&args, notify ? "--sdnotify=container" : "--sdnotify=conmon");
    strv_push(&args, "-d");
    if (user)
        strv_push_take(&args, group ? xasprintf("--user=%s:%s", user, group)
                                    : xasprintf("--user=%s", user));
    for (size_t i = 0; i < f->n; i++) {
        const struct unit_entry *e = &f->v[i];
        cleanup_strv char **w = NULL;
        if (strcmp(e->section, "Container") != 0)
            continue;
        if (strcmp(e->key, "Exec") == 0 || strcmp(e->key, "PodmanArgs") == 0
            || strcmp(e->key, "Environment") == 0 || strcmp(e->key, "Label") == 0) {
            if ((w = unitfile_words(e->value, err)) == NULL)
                return pcon_prefix(err, "%s:%u", file, e->line);
        }
        for (size_t k = 0; k < sizeof plain / sizeof plain[0]; k++)
            if (strcmp(e->key, plain[k].key) == 0) {
                strv_push(&args, plain[k].opt);
                strv_push(&args, e->value);
            }
        if (strcmp(e->key, "Exec") == 0)
            for (size_t k = 0; w[k]; k++)
                strv_push(&tail, w[k]);
        else if (strcmp(e->key, "PodmanArgs") == 0)
            for (size_t k = 0; w[k]; k++)
                strv_push(&args, w[k]);
        else if (strcmp(e->key, "Environment") == 0 || strcmp(e->key, "Label") == 0)
            for (size_t k = 0; w[k]; k++) {
                strv_push(&args, strcmp(e->key, "Label") == 0 ? "--label" : "--env");
                strv_push(&args, w[k]);
            }
        else if (strcmp(e->key, "PublishPort") == 0) {
            strv_push(&args, "--publish");
            strv_push(&args, e->value);
        } else if (strcmp(e->key, "EnvironmentFile") == 0) {
            strv_push(&args, "--env-file");
            strv_push(&args, e->value);
        } else if (strcmp(e->key, "WorkingDir") == 0) {
            strv_push(&args, "--workdir");
            strv_push(&args, e->value);
        } else if (strcmp(e->key, "HostName") == 0) {
            strv_push(&args, "--hostname");
            strv_push(&args, e->value);
        } else if (strcmp(e->key, "Tmpfs") == 0) {
            strv_push(&args, "--tmpfs");
            strv_push(&args, e->value);
        } else if (strcmp(e->key, "AddCapability") == 0 || strcmp(e->key, "DropCapability") == 0) {
            cleanup_strv char **caps = unitfile_words(e->value, err);
            if (caps == NULL)
                return -1;
            for (size_t k = 0; caps[k]; k++) {
                strv_push(&args, e->key[0] == 'A' ? "--cap-add" : "--cap-drop");
                strv_push(&args, caps[k]);
            }
        } else if (strcmp(e->key, "ReadOnly") == 0) {
            if (strcmp(e->value, "true") == 0 || strcmp(e->value, "yes") == 0)
                strv_push(&args, "--read-only");
        } else if (strcmp(e->key, "Volume") == 0) {
            /* NAME.volume:/path: the quadlet volume systemd-NAME, made first */
            const char *colon = strchr(e->value, ':');
            size_t sl = colon ? (size_t) (colon - e->value) : strlen(e->value);
            cleanup_free char *src = xstrndup(e->value, sl);
            strv_push(&args, "-v");
            if (sl > 7 && strcmp(src + sl - 7, ".volume") == 0) {
                src[sl - 7] = '\0';
                strv_push_take(&args, xasprintf("systemd-%s%s", src, colon ? colon : ""));
                depend(&unit, src, "volume");
            } else
                strv_push(&args, e->value);
        } else if (strcmp(e->key, "Network") == 0) {
            size_t vl = strlen(e->value);
            strv_push(&args, "--network");
            if (vl > 8 && strcmp(e->value + vl - 8, ".network") == 0) {
                cleanup_free char *n = xstrndup(e->value, vl - 8);
                strv_push_take(&args, xasprintf("systemd-%s", n));
                depend(&unit, n, "network");
            } else
                strv_push(&args, e->value);
        } else if (strcmp(e->key, "Sysctl") == 0) {
            cleanup_strv char **kv = unitfile_words(e->value, err);
            if (kv == NULL)
                return pcon_prefix(err, "%s:%u", file, e->line);
            for (size_t k = 0; kv[k]; k++) {
                strv_push(&args, "--sysctl");
                strv_push(&args, kv[k]);
            }
        } else if (strcmp(e->key, "EnvironmentHost") == 0 || strcmp(e->key, "RunInit") == 0
                   || strcmp(e->key, "NoNewPrivileges") == 0) {
            if (strcmp(e->value, "true") == 0 || strcmp(e->value, "yes") == 0)
                strv_push(&args, e->key[0] == 'E'   ? "--env-host"
                                 : e->key[0] == 'R' ? "--init"
                                                    : "--security-opt=no-new-privileges");
        } else if (strcmp(e->key, "SeccompProfile") == 0) {
            strv_push_take(&args, xasprintf("--security-opt=seccomp=%s", e->value));
        } else if (strcmp(e->key, "AutoUpdate") == 0) {
            strv_push(&args, "--label");
            strv_push_take(&args, xasprintf("io.containers.autoupdate=%s", e->value));
        } else if (strcmp(e->key, "Pod") == 0) {
            /* NAME.pod: a member of the pod NAME-pod.service makes */
            size_t vl = strlen(e->value);
            if (vl <= 4 || strcmp(e->value + vl - 4, ".pod") != 0)
                return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                                      "%s:%u: Pod=%s: a quadlet .pod file's name is needed", file,
                                      e->line, e->value);
            cleanup_free char *pod = xstrndup(e->value, vl - 4);
            strv_push_take(&args, xasprintf("--pod-id-file=%%t/%s-pod.pod-id", pod));
            xappendf(&unit, "BindsTo=%s-pod.service\nAfter=%s-pod.service\n", pod, pod);
        }
    }
    strv_push(&args, image);
    for (size_t k = 0; tail && tail[k]; k++)
        strv_push(&args, tail[k]);
    copy_sections(f, "Container", &unit, &service, &install, &out->wanted_by);
    start = exec_line(args);
    stop = xasprintf("%s rm -f --ignore --cidfile=%%t/%%N.cid", exe);
    out->name = xasprintf("%s.service", base);
    xappendf(&out->text, "# Automatically generated by pcon's quadlet generator\n\n[Unit]\n%s",
             unit ? unit : "");
    xappendf(&out->text, "SourcePath=%s\nRequiresMountsFor=%%t/pcon\n\n[Service]\n", file);
    xappendf(&out->text,
             "Environment=PODMAN_SYSTEMD_UNIT=%%n\nEnvironment=PCON_SYSTEMD_UNIT=%%n\n"
             "KillMode=mixed\nExecStop=%s\nExecStopPost=-%s\nDelegate=yes\nType=notify\n"
             "NotifyAccess=all\nSyslogIdentifier=%%N\nExecStart=%s\n%s",
             stop, stop, start, service ? service : "");
    if (install)
        xappendf(&out->text, "\n[Install]\n%s", install);
    return 0;
}

/* the value of key in the section of the quadlet file at path (NULL: none
 * there, or the file cannot be read); malloc'd */
static char *
key_of(const char *path, const char *section, const char *key)
{
    cleanup_free char *text = fs_read_all(AT_FDCWD, path, QUADLET_FILE_MAX, NULL, NULL);
    struct unit_file f;
    char *v = NULL;

    if (text == NULL || unitfile_parse(text, &f, NULL) < 0)
        return NULL;
    for (size_t i = 0; i < f.n; i++)
        if (strcmp(f.v[i].section, section) == 0 && strcmp(f.v[i].key, key) == 0) {
            free(v);
            v = xstrdup(f.v[i].value);
        }
    unitfile_free(&f);
    return v;
}

/* NAME.pod: a forking service that makes the pod (systemd-NAME, or
 * PodName=) and starts it, wanting the services of the .container files
 * (among all) that name it with Pod= */
static int
pod_unit(const char *file, const char *base, const struct unit_file *f, char *const *all,
         struct quadlet_unit *out, struct pcon_err *err)
{
    static const char *const keys[] = { "PodName", "PublishPort", "Network",   "PodmanArgs",
                                        "UserNS",  "UIDMap",      "GIDMap",    "AddHost",
                                        "DNS",     "DNSSearch",   "DNSOption", NULL };
    static const struct {
        const char *key, *opt;
    } plain[] = {
        { "PublishPort", "--publish" },  { "UserNS", "--userns" },        { "UIDMap", "--uidmap" },
        { "GIDMap", "--gidmap" },        { "AddHost", "--add-host" },     { "DNS", "--dns" },
        { "DNSSearch", "--dns-search" }, { "DNSOption", "--dns-option" },
    };
    cleanup_strv char **args = NULL;
    cleanup_free char *exe = self_exe(), *unit = NULL, *service = NULL, *install = NULL;
    cleanup_free char *create = NULL, *name = NULL, *me = xasprintf("%s.pod", base);
    const char *idf = "--pod-id-file=%t/%N.pod-id";

    memset(out, 0, sizeof *out);
    strv_push(&args, exe);
    strv_push(&args, "pod");
    strv_push(&args, "create");
    strv_push(&args, "--infra-conmon-pidfile=%t/%N.pid");
    strv_push(&args, idf);
    strv_push(&args, "--exit-policy=stop");
    strv_push(&args, "--replace");
    for (size_t i = 0; i < f->n; i++) {
        const struct unit_entry *e = &f->v[i];
        bool known = false;
        if (strcmp(e->section, "Pod") != 0)
            continue;
        for (size_t k = 0; keys[k] && !known; k++)
            known = strcmp(e->key, keys[k]) == 0;
        if (!known)
            return bad_key(file, e, err);
        for (size_t k = 0; k < sizeof plain / sizeof plain[0]; k++)
            if (strcmp(e->key, plain[k].key) == 0) {
                strv_push(&args, plain[k].opt);
                strv_push(&args, e->value);
            }
        if (strcmp(e->key, "PodName") == 0) {
            free(name);
            name = xstrdup(e->value);
        } else if (strcmp(e->key, "PodmanArgs") == 0) {
            cleanup_strv char **w = unitfile_words(e->value, err);
            if (w == NULL)
                return pcon_prefix(err, "%s:%u", file, e->line);
            for (size_t k = 0; w[k]; k++)
                strv_push(&args, w[k]);
        } else if (strcmp(e->key, "Network") == 0) {
            size_t vl = strlen(e->value);
            strv_push(&args, "--network");
            if (vl > 8 && strcmp(e->value + vl - 8, ".network") == 0) {
                cleanup_free char *n = xstrndup(e->value, vl - 8);
                strv_push_take(&args, xasprintf("systemd-%s", n));
                depend(&unit, n, "network");
            } else
                strv_push(&args, e->value);
        }
    }
    strv_push_take(&args,
                   name ? xasprintf("--name=%s", name) : xasprintf("--name=systemd-%s", base));
    /* its members: the .container files that name it */
    for (size_t i = 0; all && all[i]; i++) {
        size_t l = strlen(all[i]);
        const char *slash = strrchr(all[i], '/'), *fname = slash ? slash + 1 : all[i];
        cleanup_free char *pod = NULL;
        if (l < 10 || strcmp(all[i] + l - 10, ".container") != 0)
            continue;
        pod = key_of(all[i], "Container", "Pod");
        if (pod && strcmp(pod, me) == 0)
            xappendf(&unit, "Wants=%.*s.service\nBefore=%.*s.service\n", (int) (strlen(fname) - 10),
                     fname, (int) (strlen(fname) - 10), fname);
    }
    copy_sections(f, "Pod", &unit, &service, &install, &out->wanted_by);
    create = exec_line(args);
    out->name = xasprintf("%s-pod.service", base);
    xappendf(&out->text, "# Automatically generated by pcon's quadlet generator\n\n[Unit]\n%s",
             unit ? unit : "");
    xappendf(&out->text, "SourcePath=%s\nRequiresMountsFor=%%t/pcon\n\n[Service]\n", file);
    xappendf(&out->text,
             "Environment=PODMAN_SYSTEMD_UNIT=%%n\nEnvironment=PCON_SYSTEMD_UNIT=%%n\n"
             "Restart=on-failure\n"
             "ExecStartPre=/bin/rm -f %%t/%%N.pid %%t/%%N.pod-id\nExecStartPre=%s\n"
             "ExecStart=%s pod start %s\nExecStop=%s pod stop --ignore %s -t 10\n"
             "ExecStopPost=%s pod rm --ignore -f %s\nPIDFile=%%t/%%N.pid\nType=forking\n"
             "SyslogIdentifier=%%N\n%s",
             create, exe, idf, exe, idf, exe, idf, service ? service : "");
    if (install)
        xappendf(&out->text, "\n[Install]\n%s", install);
    return 0;
}

/* a path of a quadlet file's: an absolute one, or one beside the file */
static char *
beside(const char *file, const char *path)
{
    const char *slash = strrchr(file, '/');

    if (path[0] == '/' || slash == NULL)
        return xstrdup(path);
    return xasprintf("%.*s/%s", (int) (slash - file), file, path);
}

/* NAME.kube: its YAML played (a oneshot service that stays active: pcon
 * has no service container to track) and taken down at stop */
static int
kube_unit(const char *file, const char *base, const struct unit_file *f, struct quadlet_unit *out,
          struct pcon_err *err)
{
    static const char *const keys[] = { "Yaml", "Network", "ConfigMap", "LogDriver", NULL };
    cleanup_strv char **args = NULL, **down = NULL;
    cleanup_free char *exe = self_exe(), *unit = NULL, *service = NULL, *install = NULL;
    cleanup_free char *start = NULL, *stop = NULL, *yaml = NULL;

    memset(out, 0, sizeof *out);
    strv_push(&args, exe);
    strv_push(&args, "kube");
    strv_push(&args, "play");
    strv_push(&args, "--replace");
    for (size_t i = 0; i < f->n; i++) {
        const struct unit_entry *e = &f->v[i];
        bool known = false;
        if (strcmp(e->section, "Kube") != 0)
            continue;
        for (size_t k = 0; keys[k] && !known; k++)
            known = strcmp(e->key, keys[k]) == 0;
        if (!known)
            return bad_key(file, e, err);
        if (strcmp(e->key, "Yaml") == 0) {
            free(yaml);
            yaml = beside(file, e->value);
        } else if (strcmp(e->key, "ConfigMap") == 0) {
            strv_push(&args, "--configmap");
            strv_push_take(&args, beside(file, e->value));
        } else if (strcmp(e->key, "LogDriver") == 0) {
            strv_push(&args, "--log-driver");
            strv_push(&args, e->value);
        } else {
            size_t vl = strlen(e->value);
            strv_push(&args, "--network");
            if (vl > 8 && strcmp(e->value + vl - 8, ".network") == 0) {
                cleanup_free char *n = xstrndup(e->value, vl - 8);
                strv_push_take(&args, xasprintf("systemd-%s", n));
                depend(&unit, n, "network");
            } else
                strv_push(&args, e->value);
        }
    }
    if (yaml == NULL || yaml[0] == '\0')
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "%s: no Yaml= in [Kube]", file);
    strv_push(&args, yaml);
    strv_push(&down, exe);
    strv_push(&down, "kube");
    strv_push(&down, "down");
    strv_push(&down, yaml);
    copy_sections(f, "Kube", &unit, &service, &install, &out->wanted_by);
    start = exec_line(args);
    stop = exec_line(down);
    out->name = xasprintf("%s.service", base);
    xappendf(&out->text, "# Automatically generated by pcon's quadlet generator\n\n[Unit]\n%s",
             unit ? unit : "");
    xappendf(&out->text, "SourcePath=%s\nRequiresMountsFor=%%t/pcon\n\n[Service]\n", file);
    xappendf(&out->text,
             "Environment=PODMAN_SYSTEMD_UNIT=%%n\nEnvironment=PCON_SYSTEMD_UNIT=%%n\n"
             "Type=oneshot\nRemainAfterExit=yes\nExecStart=%s\nExecStop=%s\n"
             "SyslogIdentifier=%%N\n%s",
             start, stop, service ? service : "");
    if (install)
        xappendf(&out->text, "\n[Install]\n%s", install);
    return 0;
}

/* the user's quadlet directories: $QUADLET_UNIT_DIRS (':'-separated), else
 * $XDG_CONFIG_HOME/containers/systemd, else ~/.config/containers/systemd */
static char **
source_dirs(void)
{
    const char *env = getenv("QUADLET_UNIT_DIRS"), *xdg = getenv("XDG_CONFIG_HOME");
    char **dirs = NULL;

    if (env && *env) {
        cleanup_free char *buf = xstrdup(env);
        char *save = NULL;
        for (char *d = strtok_r(buf, ":", &save); d; d = strtok_r(NULL, ":", &save))
            strv_push(&dirs, d);
        return dirs;
    }
    if (xdg && xdg[0] == '/')
        strv_push_take(&dirs, xasprintf("%s/containers/systemd", xdg));
    else if (getenv("HOME"))
        strv_push_take(&dirs, xasprintf("%s/.config/containers/systemd", getenv("HOME")));
    return dirs;
}

static int
unit_from(const char *path, char *const *all, struct quadlet_unit *out, struct pcon_err *err)
{
    const char *slash = strrchr(path, '/'), *file = slash ? slash + 1 : path;
    const char *dot = strrchr(file, '.');
    cleanup_free char *text = fs_read_all(AT_FDCWD, path, QUADLET_FILE_MAX, NULL, err);
    cleanup_free char *base = dot ? xstrndup(file, (size_t) (dot - file)) : NULL;
    struct unit_file f;
    int r;

    if (text == NULL)
        return pcon_prefix(err, "read %s", path);
    if (unitfile_parse(text, &f, err) < 0)
        return pcon_prefix(err, "%s", path);
    if (strcmp(dot, ".container") == 0)
        r = container_unit(path, base, &f, out, err);
    else if (strcmp(dot, ".kube") == 0)
        r = kube_unit(path, base, &f, out, err);
    else if (strcmp(dot, ".pod") == 0)
        r = pod_unit(path, base, &f, all, out, err);
    else
        r = resource_unit(path, base, &f, strcmp(dot, ".network") == 0, out, err);
    unitfile_free(&f);
    return r;
}

static void
quadlet_unit_free(struct quadlet_unit *u)
{
    free(u->name);
    free(u->text);
    strv_free(u->wanted_by);
}

/* writes (or, dryrun, prints) every unit; outdir: where systemd wants them */
static int
quadlet_run(bool dryrun, const char *outdir)
{
    cleanup_strv char **dirs = source_dirs(), **files = NULL;
    int code = 0;

    for (size_t i = 0; dirs && dirs[i]; i++) {
        DIR *d = opendir(dirs[i]);
        struct dirent *de;
        if (d == NULL)
            continue;
        while ((de = readdir(d)) != NULL) {
            const char *dot = strrchr(de->d_name, '.');
            if (de->d_name[0] == '.' || dot == NULL || dot == de->d_name
                || (strcmp(dot, ".container") != 0 && strcmp(dot, ".volume") != 0
                    && strcmp(dot, ".network") != 0 && strcmp(dot, ".kube") != 0
                    && strcmp(dot, ".pod") != 0))
                continue;
            strv_push_take(&files, xasprintf("%s/%s", dirs[i], de->d_name));
        }
        closedir(d);
    }
    strv_sort(files);
    for (size_t i = 0; files && files[i]; i++) {
        struct pcon_err err = { 0 };
        struct quadlet_unit u;
        if (unit_from(files[i], files, &u, &err) < 0) {
            fprintf(stderr, "Error: %s\n", err.msg);
            pcon_err_clear(&err);
            code = 1;
            continue;
        }
        if (dryrun)
            printf("---%s---\n%s\n", u.name, u.text);
        else {
            cleanup_free char *path = xasprintf("%s/%s", outdir, u.name);
            if (fs_write_atomic_path(path, u.text, strlen(u.text), 0644, false, &err) < 0) {
                fprintf(stderr, "Error: %s\n", err.msg);
                pcon_err_clear(&err);
                code = 1;
            }
            for (size_t k = 0; u.wanted_by && u.wanted_by[k]; k++) {
                cleanup_free char *wants = xasprintf("%s/%s.wants", outdir, u.wanted_by[k]);
                cleanup_free char *link = xasprintf("%s/%s", wants, u.name);
                cleanup_free char *target = xasprintf("../%s", u.name);
                if ((mkdir(wants, 0755) < 0 && errno != EEXIST)
                    || (symlink(target, link) < 0 && errno != EEXIST)) {
                    fprintf(stderr, "Error: link %s: %s\n", link, strerror(errno));
                    code = 1;
                }
            }
        }
        quadlet_unit_free(&u);
    }
    return code;
}

int
cmd_quadlet_generator(int argc, char **argv)
{
    bool dryrun = false;
    const char *outdir = NULL;

    /* as systemd runs generators: NORMAL_DIR [EARLY_DIR LATE_DIR] */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dryrun") == 0 || strcmp(argv[i], "-dryrun") == 0)
            dryrun = true;
        else if (strcmp(argv[i], "--user") == 0 || strcmp(argv[i], "-user") == 0)
            continue;
        else if (argv[i][0] != '-') {
            if (outdir == NULL)
                outdir = argv[i]; /* the early and late directories are not used */
        } else {
            fprintf(stderr, "Error: unknown argument %s\n", argv[i]);
            return PCON_EXIT_ENGINE;
        }
    }
    if (!dryrun && outdir == NULL) {
        fprintf(stderr, "Error: missing output directory (or --dryrun)\n");
        return PCON_EXIT_ENGINE;
    }
    return quadlet_run(dryrun, outdir);
}

static int
cmd_quadlet(struct cmd_ctx *ctx, int argc, char **argv)
{
    (void) ctx;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("Turn quadlet files (NAME.container, NAME.volume, NAME.network in\n"
                   "$QUADLET_UNIT_DIRS or ~/.config/containers/systemd) into systemd units\n\n"
                   "Usage:\n  pcon quadlet --dryrun | OUTPUT_DIR\n");
            return 0;
        }
    return cmd_quadlet_generator(argc, argv);
}

const struct cmd_def cmd_quadlet_def = {
    "quadlet",
    cmd_quadlet,
    "Turn quadlet files into systemd units (the user generator)",
    "--dryrun | OUTPUT_DIR",
    NULL,
};
