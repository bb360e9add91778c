/* SPDX-License-Identifier: Apache-2.0 */
/* Containers as podman reports them: ps rows and inspect documents, as
 * JSON (for --format json and as the data of --format templates). */
#ifndef PCON_CMD_CTR_REPORT_H
#define PCON_CMD_CTR_REPORT_H

#include <stdbool.h>
#include <yajl/yajl_gen.h>

#include "../engine/container.h"
#include "../storage/store.h"

/* one `ps --format json` object; template adds the fields templates use
 * (ID short unless no_trunc, Names as a string, CreatedHuman...) */
char *cmd_ctr_report_ps(struct store *st, const struct container *c, const char *pod_name,
                        bool template, bool no_trunc, bool size);
/* {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}, the published ports */
yajl_gen_status cmd_ctr_report_ports(yajl_gen g, const struct ctr_config *cf);
/* podman's device lists from limits' io_max ("rbps PATH MAJ:MIN N", those
 * of kind what) or, what NULL, io_weights ("PATH MAJ:MIN W"): key and
 * [{"Path", "Rate"|"Weight"}...]; omit_empty: no key for none */
yajl_gen_status cmd_ctr_report_devices(yajl_gen g, const char *key, char **list, const char *what,
                                       bool omit_empty);
/* podman's own annotations of a container: KEY=VALUE, its TTY, --rm,
 * --init, --privileged, -P (inspect's, and kube generate's per container) */
char **cmd_ctr_podman_annotations(const struct ctr_config *g);
/* whether it was made with -P (its create arguments say) */
bool cmd_ctr_published_all(const struct ctr_config *g);
/* one `inspect` object */
char *cmd_ctr_report_inspect(struct store *st, const struct container *c, bool size);

#endif
