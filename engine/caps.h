/* SPDX-License-Identifier: Apache-2.0 */
/* Capabilities by name, and a container's set: podman's default with
 * --cap-add and --cap-drop ("ALL" for every one the kernel has). */
#ifndef PCON_ENGINE_CAPS_H
#define PCON_ENGINE_CAPS_H

#include <stdint.h>

#include "../lib/err.h"

/* the kernel's highest capability number */
int engine_cap_last(void);
/* names as given ("net_admin", "CAP_NET_ADMIN", "all") as podman stores
 * them ("CAP_NET_ADMIN", "ALL"), each once; an unknown one is a usage
 * error ("CAP_FOO": unknown capability) */
int engine_caps_normalize(char *const *in, char ***out, struct pcon_err *err);
/* podman's default set */
uint64_t engine_caps_default(void);
/* the container's set, and of it what was added (a non-root user of the
 * container gets only those, as ambient capabilities) */
void engine_caps_compute(char *const *add, char *const *drop, uint64_t *set, uint64_t *added);
/* a container's: engine_caps_compute of its --cap-add (every capability
 * with --privileged) and --cap-drop */
struct ctr_config;
void engine_ctr_caps(const struct ctr_config *g, uint64_t *set, uint64_t *added);
/* the names in set, sorted */
char **engine_caps_names(uint64_t set);

#endif
