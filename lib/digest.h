/* SPDX-License-Identifier: Apache-2.0 */
/* SHA-256 digests in the OCI form "sha256:<64 hex>". */
#ifndef PCON_LIB_DIGEST_H
#define PCON_LIB_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

struct digest_ctx;

struct digest_ctx *digest_new(void);
void digest_update(struct digest_ctx *c, const void *buf, size_t len);
/* writes "sha256:<hex>" (72 bytes with the NUL) and frees the context */
void digest_final(struct digest_ctx *c, char out[72]);
void digest_buf(const void *buf, size_t len, char out[72]);

/* "sha256:" followed by exactly 64 lowercase hex digits */
bool digest_valid(const char *d);
/* exactly 64 lowercase hex digits */
bool hex64_valid(const char *s);

#endif
