// SPDX-License-Identifier: Apache-2.0
/* The `image inspect` document of an image. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cleanup.h"
#include "../lib/json.h"
#include "../storage/image.h"
#include "../storage/rootfs.h"
#include "image_report.h"

void
cmd_image_name_split(const char *name, char **repo, char **tag)
{
    const char *colon = name ? strrchr(name, ':') : NULL;

    if (name == NULL || colon == NULL || strchr(colon, '/')) {
        *repo = xstrdup(name ? name : "<none>");
        *tag = xstrdup("<none>");
        return;
    }
    *repo = xstrndup(name, (size_t) (colon - name));
    *tag = xstrdup(colon + 1);
}

/* a copied JSON value, or an empty one of its kind when absent */
static yajl_gen_status
gen_copy(yajl_gen g, yajl_val v, bool array)
{
    if (v)
        return json_gen_value(g, v) == 0 ? yajl_gen_status_ok : yajl_gen_invalid_string;
    if ((array ? yajl_gen_array_open(g) : yajl_gen_map_open(g)) != yajl_gen_status_ok)
        return yajl_gen_invalid_string;
    return array ? yajl_gen_array_close(g) : yajl_gen_map_close(g);
}

char *
cmd_image_inspect_json(struct store *st, const struct image *img, struct pcon_err *err)
{
    cleanup_free char *config = storage_image_raw(st, img, "config.json", err);
    cleanup_yajl_val yajl_val cv = config ? json_parse(config, err) : NULL;
    cleanup_yajl_gen yajl_gen g = json_gen_new(false);
    cleanup_strv char **repo_digests = NULL;
    char digest[72];
    yajl_val rootfs;
    const char *s;

    /* the manifest's digest, as the registry knows the image */
    if (cv == NULL || storage_image_digest(st, img, digest, err) < 0)
        return NULL;
    for (size_t i = 0; img->names && img->names[i]; i++) {
        cleanup_free char *repo = NULL, *tag = NULL, *rd = NULL;
        cmd_image_name_split(img->names[i], &repo, &tag);
        rd = xasprintf("%s@%s", repo, digest);
        if (!strv_contains(repo_digests, rd))
            strv_push(&repo_digests, rd);
    }
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Id", img->id));
    JG(json_gen_kv_str(g, "Digest", digest));
    JG(json_gen_kv_strv(g, "RepoTags", img->names ? img->names : (char *[]){ NULL }));
    JG(json_gen_kv_strv(g, "RepoDigests", repo_digests ? repo_digests : (char *[]){ NULL }));
    JG(json_gen_kv_str(g, "Parent", ""));
    JG(json_gen_kv_str(g, "Comment", ""));
    JG(json_gen_kv_str(g, "Created", img->created));
    JG(json_gen_str(g, "Config"));
    JG(gen_copy(g, json_get_obj(cv, "config"), false));
    JG(json_gen_kv_str(g, "Version", ""));
    JG(json_gen_kv_str(g, "Author", (s = json_get_str(cv, "author")) ? s : ""));
    JG(json_gen_kv_str(g, "Architecture", (s = json_get_str(cv, "architecture")) ? s : ""));
    JG(json_gen_kv_str(g, "Os", (s = json_get_str(cv, "os")) ? s : ""));
    JG(json_gen_kv_int(g, "Size", storage_image_size(st, img)));
    JG(json_gen_kv_int(g, "VirtualSize", storage_image_size(st, img)));
    JG(json_gen_str(g, "GraphDriver"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Name", storage_driver_name(st->driver)));
    JG(yajl_gen_map_close(g));
    JG(json_gen_str(g, "RootFS"));
    JG(yajl_gen_map_open(g));
    JG(json_gen_kv_str(g, "Type", "layers"));
    JG(json_gen_str(g, "Layers"));
    rootfs = json_get_obj(cv, "rootfs");
    JG(gen_copy(g, json_get_arr(rootfs, "diff_ids"), true));
    JG(yajl_gen_map_close(g));
    JG(json_gen_str(g, "History"));
    JG(gen_copy(g, json_get_arr(cv, "history"), true));
    JG(json_gen_kv_strv(g, "NamesHistory",
                        img->names_history ? img->names_history
                        : img->names       ? img->names
                                           : (char *[]){ NULL }));
    JG(yajl_gen_map_close(g));
    return json_gen_take(g, NULL);
fail:
    pcon_fail(err, EINVAL, "generate the inspect document");
    return NULL;
}
