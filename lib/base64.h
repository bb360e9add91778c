/* SPDX-License-Identifier: Apache-2.0 */
/* Base64 (RFC 4648, with padding), for credentials. */
#ifndef PCON_LIB_BASE64_H
#define PCON_LIB_BASE64_H

#include <stddef.h>

char *base64_encode(const void *buf, size_t len);
/* NULL when s is not valid base64; *len gets the decoded size (the result
 * is also NUL-terminated) */
char *base64_decode(const char *s, size_t *len);

#endif
