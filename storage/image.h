/* SPDX-License-Identifier: Apache-2.0 */
/* Images: records (names, layers), their OCI configuration, lookup by
 * name, short name or id. */
#ifndef PCON_STORAGE_IMAGE_H
#define PCON_STORAGE_IMAGE_H

#include <stdbool.h>

#include "../lib/err.h"
#include "layer.h"
#include "store.h"

#define MEDIA_OCI_MANIFEST    "application/vnd.oci.image.manifest.v1+json"
#define MEDIA_OCI_CONFIG      "application/vnd.oci.image.config.v1+json"
#define MEDIA_OCI_INDEX       "application/vnd.oci.image.index.v1+json"
#define MEDIA_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MEDIA_DOCKER_CONFIG   "application/vnd.docker.container.image.v1+json"
#define MEDIA_DOCKER_LIST     "application/vnd.docker.distribution.manifest.list.v2+json"

/* what `run` uses of the OCI image configuration */
struct image_config {
    char **env, **cmd, **entrypoint;
    char *workdir, *user;
    char **exposed_ports; /* the keys of ExposedPorts: "8080/tcp", in the config's order */
    char **volumes;       /* the keys of Volumes: paths in the container */
    /* Healthcheck: Test (NULL: none), the times in nanoseconds, 0 unset */
    char **health_test;
    int64_t health_interval, health_timeout, health_start_period;
    int health_retries;
};

struct image {
    char id[65];   /* 64 hex: the digest of the config */
    char **names;  /* "localhost/bb:latest" */
    char **layers; /* chain ids (hex), base first */
    char *created;
    char **names_history; /* every name it had, the newest first (podman's NamesHistory) */
};

/* Finds an image by id, id prefix, full name or short name. Call with the
 * store lock held. Fails with PCON_ERR_NOTFOUND. */
int storage_image_lookup(struct store *st, const char *name, struct image *out,
                         struct pcon_err *err);
int storage_image_config(struct store *st, const struct image *img, struct image_config *out,
                         struct pcon_err *err);
void storage_image_free(struct image *img);
/* Stores img with its config and manifest texts (its names move here from
 * any other image), or adds the names to the identical image already
 * stored. Call with the exclusive store lock. */
int storage_image_commit(struct store *st, const struct image *img, const char *config,
                         const char *manifest, struct pcon_err *err);
/* A manifest (OCI, or Docker v2 schema 2) for the config and the blobs of
 * stored layers. */
char *storage_image_manifest_for(const char *config, const struct layer_info *layers, size_t n,
                                 bool docker);
/* every image, newest first */
int storage_image_list(struct store *st, struct image **out, size_t *n, struct pcon_err *err);
void storage_image_list_free(struct image *v, size_t n);
/* whether one of the n images in v uses the layer (chain id, hex) */
bool storage_image_list_uses(const struct image *v, size_t n, const char *layer);
/* Names (call with the exclusive store lock): a name moves from the image
 * that had it; untag NULL removes every name. */
int storage_image_tag(struct store *st, struct image *img, const char *name, struct pcon_err *err);
int storage_image_untag(struct store *st, struct image *img, const char *name, char **removed,
                        struct pcon_err *err);
/* removes the image and the layers no other image uses (exclusive lock) */
int storage_image_remove(struct store *st, const struct image *img, struct pcon_err *err);
/* uncompressed bytes of its layers */
long long storage_image_size(struct store *st, const struct image *img);
/* config.json or manifest.json as stored */
char *storage_image_raw(struct store *st, const struct image *img, const char *file,
                        struct pcon_err *err);
void storage_image_config_free(struct image_config *c);
/* the digest of the stored manifest: what the registry names the image by */
int storage_image_digest(struct store *st, const struct image *img, char out[72],
                         struct pcon_err *err);

#endif
