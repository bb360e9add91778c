/* SPDX-License-Identifier: Apache-2.0 */
/* Optional libraries opened at run time, when the one command that needs
 * them gets there: linked, their own dependencies would load into every
 * pcon command. A library is a table: the file names to try and the
 * symbols to resolve, each into its pointer slot. */
#ifndef PCON_LIB_DYNLIB_H
#define PCON_LIB_DYNLIB_H

#include "err.h"

struct dynlib_sym {
    const char *name;
    void **slot; /* a function pointer, written once every symbol is found */
};

/* an entry of a symbol table: the symbol and the function pointer it fills */
#define DYNLIB_SYM(name, fnptr)                                                                    \
    {                                                                                              \
        name, (void **) &(fnptr)                                                                   \
    }

struct dynlib {
    const char *const *names;      /* file names to try in order, NULL-terminated */
    const struct dynlib_sym *syms; /* until an entry with a NULL name */
    void *handle;                  /* set once loaded: kept for the process's lifetime */
};

/* Loads lib once: the first of its names that opens and resolves every
 * symbol fills the slots. Fails naming the library and what it could not
 * do (its dlerror, or the missing symbol); a later call tries again. */
int dynlib_load(struct dynlib *lib, struct pcon_err *err);

#endif
