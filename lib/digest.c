// SPDX-License-Identifier: Apache-2.0
/* SHA-256 through OpenSSL's one-algorithm interface: it uses the CPU's SHA
 * extensions and, linked statically, brings no provider machinery along
 * (deprecated in OpenSSL 3, but kept for exactly this use). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"

struct digest_ctx {
    SHA256_CTX sha;
};

struct digest_ctx *
digest_new(void)
{
    struct digest_ctx *c = malloc(sizeof *c);

    if (c == NULL || SHA256_Init(&c->sha) != 1)
        abort();
    return c;
}

void
digest_update(struct digest_ctx *c, const void *buf, size_t len)
{
    if (SHA256_Update(&c->sha, buf, len) != 1)
        abort();
}

void
digest_final(struct digest_ctx *c, char out[72])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[SHA256_DIGEST_LENGTH];
    unsigned int n = SHA256_DIGEST_LENGTH;

    if (SHA256_Final(md, &c->sha) != 1)
        abort();
    memcpy(out, "sha256:", 7);
    for (unsigned int i = 0; i < n; i++) {
        out[7 + 2 * i] = hex[md[i] >> 4];
        out[8 + 2 * i] = hex[md[i] & 15];
    }
    out[71] = '\0';
    free(c);
}

void
digest_buf(const void *buf, size_t len, char out[72])
{
    struct digest_ctx *c = digest_new();

    digest_update(c, buf, len);
    digest_final(c, out);
}

bool
hex64_valid(const char *s)
{
    size_t i;

    for (i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return s[64] == '\0';
}

bool
digest_valid(const char *d)
{
    return strncmp(d, "sha256:", 7) == 0 && hex64_valid(d + 7);
}
