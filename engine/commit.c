// SPDX-License-Identifier: Apache-2.0
/* pcon commit: a container's writable layer becomes an image's top layer. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/timefmt.h"
#include "../storage/changes.h"
#include "../storage/image_store.h"
#include "../storage/instr.h"
#include "../storage/lock.h"
#include "../storage/ociconfig.h"
#include "../storage/reference.h"
#include "container.h"
#include "usermap.h"

int
engine_image_name_canon(const char *name, char **out, struct pcon_err *err)
{
    struct image_ref ref;

    if (storage_ref_parse(name, "localhost", &ref, err) < 0)
        return -1;
    *out = storage_ref_string(&ref);
    storage_ref_free(&ref);
    return 0;
}

const char *const *
engine_ctr_placeholders(void)
{
    /* the targets of engine/etc_files.c's binds, --init's, the notify
     * socket's directory */
    static const char *const list[] = {
        "/etc/hosts",     "/etc/resolv.conf",
        "/etc/hostname",  "/run/.containerenv",
        "/run/pcon-init", "/run/notify",
        "/run",           "/dev",
        "/proc",          "/sys",
        "/etc",           NULL,
    };

    return list;
}

/* a temporary file in the store for a layer's tar */
int
engine_layer_tmpfile(struct store *st, struct pcon_err *err)
{
    int fd = openat(st->root_dfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

    if (fd < 0)
        return pcon_fail(err, errno, "create a temporary file for the layer");
    return fd;
}

int
engine_ctr_commit(struct store *st, const struct container *c, const struct engine_commit_opts *o,
                  char id_out[65], struct pcon_err *err)
{
    struct oci_config cfg = { 0 };
    struct usermap_shift shift;
    struct fs_idshift back = { engine_usermap_unshift, &shift };
    struct changes_tar_opts to = { NULL, -1, engine_ctr_placeholders() };
    cleanup_strv char **names = NULL;
    cleanup_close int fd = -1;
    struct image img = { 0 };
    char created[64];
    int shifted, r = -1;

    if (engine_ctr_imageless(&c->cfg))
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0, "an infra container cannot be committed");
    if (c->cfg.rootfs)
        return pcon_fail_kind(err, PCON_ERR_USAGE, 0,
                              "cannot commit a container that uses an exploded rootfs");
    if (o->image) {
        char *canon;
        if (engine_image_name_canon(o->image, &canon, err) < 0)
            return -1;
        strv_push_take(&names, canon);
    }
    shifted = engine_usermap_shift(&c->cfg, &shift, err);
    if (shifted < 0)
        return -1;
    if (shifted)
        to.ids = &back;
    {
        cleanup_close int lock = storage_lock(st, false, err);
        if (lock < 0 || storage_image_lookup(st, c->cfg.image_id, &img, err) < 0
            || storage_oci_config_load(st, &img, &cfg, err) < 0)
            goto out;
        fd = engine_layer_tmpfile(st, err);
        if (fd < 0 || storage_changes_tar(st, &img, c->cfg.id, fd, &to, err) < 0)
            goto out;
    }
    /* the container's settings podman's commit keeps: its environment (not
     * what pcon adds to every container) */
    for (size_t i = 0; c->cfg.env && c->cfg.env[i]; i++) {
        const char *kv = c->cfg.env[i], *eq = strchr(kv, '=');
        if (eq == NULL || strncmp(kv, "container=", 10) == 0 || strncmp(kv, "HOSTNAME=", 9) == 0)
            continue;
        cleanup_free char *k = strndup(kv, (size_t) (eq - kv));
        storage_oci_kv_set(&cfg.env, k, eq + 1);
    }
    for (size_t i = 0; o->changes && o->changes[i]; i++) {
        const char *ch = o->changes[i];
        size_t kl = strcspn(ch, " =");
        cleanup_free char *kw = strndup(ch, kl);
        if (ch[kl] == '\0' || !instr_is_config(kw)) {
            pcon_fail_kind(err, PCON_ERR_USAGE, 0, "invalid change \"%s\"", ch);
            goto out;
        }
        if (instr_apply(&cfg, kw, ch + kl + 1, err) < 0) {
            pcon_prefix(err, "change \"%s\"", ch);
            goto out;
        }
    }
    time_format_rfc3339(time_now_ns(), created, sizeof created);
    free(cfg.created);
    cfg.created = xstrdup(created);
    if (o->author) {
        free(cfg.author);
        cfg.author = xstrdup(o->author);
    }
    storage_oci_history_add(&cfg, created, o->created_by ? o->created_by : "pcon commit",
                            o->message, false);
    if (o->author)
        cfg.history[cfg.nhistory - 1].author = xstrdup(o->author);
    r = storage_image_derive(st, &img, fd, &cfg, names, id_out, err);
out:
    storage_oci_config_free(&cfg);
    storage_image_free(&img);
    return r;
}
