// SPDX-License-Identifier: Apache-2.0
/* Table-driven dlopen of optional libraries. */
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>

#include "dynlib.h"

#define DYNLIB_MAX_SYMS 32

/* every symbol of syms from handle into addrs: -1, or the missing one's index */
static int
resolve(void *handle, const struct dynlib_sym *syms, void **addrs)
{
    for (int i = 0; syms[i].name; i++) {
        addrs[i] = dlsym(handle, syms[i].name);
        if (addrs[i] == NULL)
            return i;
    }
    return -1;
}

int
dynlib_load(struct dynlib *lib, struct pcon_err *err)
{
    void *addrs[DYNLIB_MAX_SYMS];
    const char *missing = NULL, *missing_in = NULL;
    char why[256] = "";
    size_t n = 0;

    if (lib->handle)
        return 0;
    while (lib->syms[n].name)
        n++;
    if (n > DYNLIB_MAX_SYMS)
        return pcon_fail(err, 0, "load %s: too many symbols", lib->names[0]);
    for (size_t k = 0; lib->names[k]; k++) {
        void *handle = dlopen(lib->names[k], RTLD_NOW | RTLD_LOCAL);
        int bad;

        if (handle == NULL) {
            /* the first candidate's reason: its usual name; copied, as the
             * next dlopen may reuse dlerror's buffer */
            if (why[0] == '\0')
                snprintf(why, sizeof why, "%s", dlerror());
            continue;
        }
        bad = resolve(handle, lib->syms, addrs);
        if (bad >= 0) {
            missing = lib->syms[bad].name;
            missing_in = lib->names[k];
            dlclose(handle);
            continue;
        }
        /* the slots change only now: a half-resolved table is never seen */
        for (size_t i = 0; i < n; i++)
            *lib->syms[i].slot = addrs[i];
        lib->handle = handle;
        return 0;
    }
    if (missing)
        return pcon_fail(err, 0, "%s lacks the function %s", missing_in, missing);
    return pcon_fail(err, 0, "cannot load %s: %s", lib->names[0], why);
}
