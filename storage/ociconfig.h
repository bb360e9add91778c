/* SPDX-License-Identifier: Apache-2.0 */
/* An image's whole OCI config (what commit and build change and write
 * again): the run settings, the layers' DiffIDs and the history. Fields
 * it does not know (Healthcheck, OnBuild, ...) pass through as JSON. */
#ifndef PCON_STORAGE_OCICONFIG_H
#define PCON_STORAGE_OCICONFIG_H

#include <stdbool.h>

#include "../lib/err.h"
#include "image.h"
#include "store.h"

struct oci_history {
    char *created, *created_by, *comment, *author;
    bool empty_layer;
};

struct oci_config {
    char *created, *architecture, *os, *author;
    char *variant, *os_version; /* "variant", "os.version": NULL when absent */
    char **os_features;         /* "os.features" */
    char **env, **cmd, **entrypoint, **shell;
    bool cmd_null, entrypoint_null; /* set explicitly to none (ENTRYPOINT [] / CMD []) */
    char *workdir, *user, *stop_signal;
    char **labels;  /* KEY=VALUE, in order */
    char **exposed; /* "80/tcp" */
    char **volumes;
    char **onbuild;
    char *healthcheck; /* the JSON object as it is, or NULL */
    char **diff_ids;
    struct oci_history *history;
    size_t nhistory;
};

int storage_oci_config_parse(const char *text, struct oci_config *out, struct pcon_err *err);
/* the config text of a stored image */
char *storage_oci_config_text(struct store *st, const struct image *img, struct pcon_err *err);
int storage_oci_config_load(struct store *st, const struct image *img, struct oci_config *out,
                            struct pcon_err *err);
char *storage_oci_config_json(const struct oci_config *c);
void storage_oci_config_free(struct oci_config *c);
void storage_oci_history_add(struct oci_config *c, const char *created, const char *created_by,
                             const char *comment, bool empty_layer);
/* KEY=VALUE set in a list of them (env, labels) */
void storage_oci_kv_set(char ***v, const char *key, const char *value);

#endif
