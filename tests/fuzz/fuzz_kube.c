// SPDX-License-Identifier: Apache-2.0
/* Kubernetes YAML as kube play reads it (untrusted: a file from anywhere):
 * a parsed file has pods with names, containers with names and images,
 * every mount naming a volume of its pod, ports in range; a refusal is
 * one usage error and leaves nothing. Each container's seccomp profile
 * from the annotations is the default, unconfined, a file below the
 * profile root, or one error. The input's first byte chooses whether its
 * second half is --configmap's file. */
#include "fuzz.h"
#include "../../pod/kube.h"

#define FUZZ_KUBE_MAX_INPUT 16384

/* no way out of the profile root */
static void
seccomp_check(const struct kube_pod *p, const char *ctr)
{
    static const char root[] = "/profiles";
    struct pcon_err err = { 0 };
    cleanup_free char *out = NULL;
    const char *rel;

    if (kube_seccomp_profile(p, ctr, root, &out, &err) < 0) {
        if (err.msg == NULL || out != NULL)
            fuzz_die("a refused seccomp annotation without its error, or with a profile");
        pcon_err_clear(&err);
        return;
    }
    if (out == NULL || strcmp(out, "seccomp=unconfined") == 0)
        return;
    if (strncmp(out, "seccomp=/profiles/", 18) != 0 || out[18] == '\0')
        fuzz_die("a seccomp profile outside the profile root");
    for (rel = out + 18; *rel; rel += strcspn(rel, "/"), rel += *rel == '/')
        if (strncmp(rel, "..", 2) == 0 && (rel[2] == '/' || rel[2] == '\0'))
            fuzz_die("a seccomp profile that climbs out of the profile root");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pcon_err err = { 0 };
    struct kube_file f;
    cleanup_free char *text = NULL, *cmaps = NULL;
    size_t len;

    if (size < 1 || size > FUZZ_KUBE_MAX_INPUT)
        return 0;
    if (data[0] & 1) {
        size_t half = (size - 1) / 2;
        text = fuzz_str(data + 1, half);
        cmaps = fuzz_str(data + 1 + half, size - 1 - half);
    } else
        text = fuzz_str(data + 1, size - 1);
    len = strlen(text);
    if (kube_parse(text, len, cmaps, &f, &err) < 0) {
        if (err.msg == NULL || strncmp(err.msg, "kube: ", 6) != 0 || f.pods || f.npods)
            fuzz_die("a refusal without its one error, or with pods");
        pcon_err_clear(&err);
        return 0;
    }
    if (f.npods == 0)
        fuzz_die("a parsed file without a pod");
    for (size_t i = 0; i < f.npods; i++) {
        const struct kube_pod *p = &f.pods[i];
        if (p->name == NULL || p->nctrs == 0)
            fuzz_die("a pod without a name or a container");
        for (size_t c = 0; c < p->nctrs; c++) {
            const struct kube_container *k = &p->ctrs[c];
            if (k->name == NULL || k->image == NULL || !k->name[0] || !k->image[0])
                fuzz_die("a container without a name or an image");
            for (size_t n = 0; n < k->nports; n++)
                if (k->ports[n].container_port == 0)
                    fuzz_die("a port 0");
            for (size_t m = 0; m < k->nmounts; m++) {
                bool found = false;
                for (size_t v = 0; v < p->nvols && !found; v++)
                    found = strcmp(p->vols[v].name, k->mounts[m].name) == 0;
                if (!found || k->mounts[m].path[0] != '/')
                    fuzz_die("a mount of no volume, or not absolute");
            }
            for (size_t e = 0; k->env && k->env[e]; e++)
                if (strchr(k->env[e], '=') == NULL)
                    fuzz_die("an env entry without =");
            seccomp_check(p, k->name);
        }
    }
    kube_file_free(&f);
    return 0;
}
