/* SPDX-License-Identifier: Apache-2.0 */
/* Private directories: owned by this user, writable by nobody else, on a
 * path nobody else can change. */
#ifndef PCON_LIB_PRIVDIR_H
#define PCON_LIB_PRIVDIR_H

#include "err.h"

/* dir (what names it in errors: "graph root") is a directory owned by the
 * real uid and not writable by group or others, and every directory above
 * its real path belongs to the user or root and is not writable by others
 * unless sticky. Run in the initial user namespace: inside pcon's, root
 * and other users both show as the overflow uid. */
int privdir_check(const char *what, const char *dir, struct pcon_err *err);
/* the directory open on dfd is owned by the effective uid (in any
 * namespace) and not writable by group or others */
int privdir_check_fd(const char *what, int dfd, const char *name, struct pcon_err *err);

#endif
