/* SPDX-License-Identifier: Apache-2.0 */
/* The one error type of pcon: set once where the failure is seen, prefixed
 * with context on the way up, printed once by cmd/. */
#ifndef PCON_LIB_ERR_H
#define PCON_LIB_ERR_H

/* What the top level should make of an error: which exit code it maps to. */
enum pcon_errkind {
    PCON_ERR_ENGINE = 0, /* 125 */
    PCON_ERR_EXEC,       /* the command could not be run: 126, or 127 for ENOENT */
    PCON_ERR_NOTFOUND,   /* no such object: 125 for most commands, 1 for rm/exists */
    PCON_ERR_INUSE,      /* object in use: 2 for rm */
    PCON_ERR_USAGE,      /* bad command line: 125 */
    PCON_ERR_STATE,      /* exec in a container that does not run: podman's 255 */
};

struct pcon_err {
    int errnum; /* errno, or 0 */
    enum pcon_errkind kind;
    char *msg;
};

int pcon_fail(struct pcon_err *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int pcon_fail_kind(struct pcon_err *err, enum pcon_errkind kind, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int pcon_prefix(struct pcon_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pcon_err_clear(struct pcon_err *err);
/* "msg: strerror", malloc'd (the caller frees it) */
char *pcon_err_text(const struct pcon_err *err);

#endif
