/* SPDX-License-Identifier: Apache-2.0 */
/* Images as podman reports them: the `image inspect` document, and the
 * repository and tag a name shows as. */
#ifndef PCON_CMD_IMAGE_REPORT_H
#define PCON_CMD_IMAGE_REPORT_H

#include "../lib/err.h"

struct image;
struct store;

/* "repo:tag" into repo and tag; a nameless image (NULL) is <none>:<none> */
void cmd_image_name_split(const char *name, char **repo, char **tag);
/* one `image inspect` object */
char *cmd_image_inspect_json(struct store *st, const struct image *img, struct pcon_err *err);

#endif
