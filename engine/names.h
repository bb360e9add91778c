/* SPDX-License-Identifier: Apache-2.0 */
/* Container ids and names: random ids, generated names, and atomic name
 * reservation (one link per name, made with symlinkat). */
#ifndef PCON_ENGINE_NAMES_H
#define PCON_ENGINE_NAMES_H

#include "../lib/err.h"

/* 64 lowercase hex digits from getrandom */
int engine_id_new(char id[65], struct pcon_err *err);
/* reserves name for id (generating one when name is NULL, returned in
 * *out); fails when the name is taken */
int engine_name_reserve(int root_dfd, const char *name, const char *id, char **out,
                        struct pcon_err *err);
int engine_name_release(int root_dfd, const char *name, const char *id);
/* The id name_or_id means among the entries of dir_dfd (64-hex names,
 * containers' or pods'): the one names/<name> links to, when dir_dfd has
 * it (names are one namespace for both); else a full id or a unique
 * prefix. Returns 1 with id set, 0 for none, -1 when several share the
 * prefix, -2 (errno set) when dir_dfd cannot be read. */
int engine_id_resolve(int root_dfd, int dir_dfd, const char *name_or_id, char id[65]);

#endif
