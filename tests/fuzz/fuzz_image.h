/* SPDX-License-Identifier: Apache-2.0 */
/* The fixed image the manifest, config and archive targets build around:
 * one empty layer (the end-of-archive blocks), its config and its OCI
 * manifest. tests/fuzz/seeds.py writes the same texts into the seeds. */
#ifndef PCON_TESTS_FUZZ_IMAGE_H
#define PCON_TESTS_FUZZ_IMAGE_H

#include "fuzz.h"
#include "../../lib/digest.h"

struct fuzz_image {
    char layer[1024];
    char layer_digest[72]; /* also the DiffID: the layer is not compressed */
    char *config;
    char config_digest[72];
    char *manifest;
    char manifest_digest[72];
};

static inline const struct fuzz_image *
fuzz_image(void)
{
    static struct fuzz_image fi;

    if (fi.config)
        return &fi;
    digest_buf(fi.layer, sizeof fi.layer, fi.layer_digest);
    fi.config =
        xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"sh\"]},"
                  "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}",
                  fi.layer_digest);
    digest_buf(fi.config, strlen(fi.config), fi.config_digest);
    fi.manifest = xasprintf(
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"%s\","
        "\"size\":%zu},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
        "\"digest\":\"%s\",\"size\":1024}]}",
        fi.config_digest, strlen(fi.config), fi.layer_digest);
    digest_buf(fi.manifest, strlen(fi.manifest), fi.manifest_digest);
    return &fi;
}

#endif
