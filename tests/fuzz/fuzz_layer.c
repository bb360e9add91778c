// SPDX-License-Identifier: Apache-2.0
/* Layer extraction: the input is a layer stream (any compression) that
 * storage_layer_extract unpacks into an empty directory, as a pull or
 * load does: names, link targets, modes, owners, xattrs, whiteouts. An
 * entry that lands outside that directory is a finding too. */
#include <dirent.h>

#include "fuzz.h"
#include "../../storage/layer.h"

/* the scratch directory must hold nothing but the layer root */
static void
check_contained(int topfd)
{
    cleanup_closedir DIR *d = fdopendir(dup(topfd));
    struct dirent *de;

    if (d == NULL)
        fuzz_die("opendir");
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0
            && strcmp(de->d_name, "root") != 0) {
            fprintf(stderr, "layer entry escaped its root: %s\n", de->d_name);
            abort();
        }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int topfd = -1;
    cleanup_close int tarfd = fuzz_memfd(data, size), rootfd = -1;
    struct pcon_err err = { 0 };
    char diff_id[72];
    long long n;

    if (topfd < 0 && (topfd = open(fuzz_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        fuzz_die("open the scratch directory");
    if (mkdirat(topfd, "root", 0755) < 0
        || (rootfd = openat(topfd, "root", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        fuzz_die("create the layer root");
    (void) storage_layer_extract(rootfd, tarfd, diff_id, &n, &err);
    pcon_err_clear(&err);
    check_contained(topfd);
    if (fs_rm_rf_at(topfd, "root", &err) < 0)
        fuzz_die(err.msg ? err.msg : "remove the layer root");
    return 0;
}
