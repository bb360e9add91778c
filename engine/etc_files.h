/* SPDX-License-Identifier: Apache-2.0 */
/* The files of a container's run directory that are bound into its root:
 * /etc/hosts, /etc/resolv.conf, /etc/hostname and /run/.containerenv.
 * One table names them for the writer, the mount plan and inspect. */
#ifndef PCON_ENGINE_ETC_FILES_H
#define PCON_ENGINE_ETC_FILES_H

#include <stddef.h>

#include "../lib/err.h"

struct ctr_config;

enum etc_file { ETC_HOSTS, ETC_RESOLV_CONF, ETC_HOSTNAME, ETC_CONTAINERENV, ETC_FILES };

struct etc_file_name {
    const char *name;   /* in the run directory */
    const char *target; /* in the container */
};

extern const struct etc_file_name engine_etc_files[ETC_FILES];

/* the files g leaves to the image, neither written nor bound (--no-hosts,
 * --dns none): a bit (1u << f) each */
unsigned engine_etc_files_skipped(const struct ctr_config *g);
/* writes every file not skipped anew into the run directory open on rundfd
 * (at every start: the run root may have been lost) */
int engine_etc_files_write(int rundfd, const struct ctr_config *g, struct pcon_err *err);
/* rundir/<name of f> */
char *engine_etc_file_path(const char *rundir, enum etc_file f);

#endif
