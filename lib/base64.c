// SPDX-License-Identifier: Apache-2.0
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "mem.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *
base64_encode(const void *buf, size_t len)
{
    const unsigned char *p = buf;
    char *out = xmalloc((len + 2) / 3 * 4 + 1), *o = out;

    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t) p[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t) p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        *o++ = alphabet[(v >> 18) & 63];
        *o++ = alphabet[(v >> 12) & 63];
        *o++ = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
        *o++ = i + 2 < len ? alphabet[v & 63] : '=';
    }
    *o = '\0';
    return out;
}

char *
base64_decode(const char *s, size_t *len)
{
    size_t n = strlen(s), pad = 0;
    char *out, *o;

    if (n % 4 != 0)
        return NULL;
    if (n && s[n - 1] == '=')
        pad++;
    if (n > 1 && s[n - 2] == '=')
        pad++;
    out = o = xmalloc(n / 4 * 3 + 1);
    for (size_t i = 0; i < n; i += 4) {
        uint32_t v = 0;
        for (size_t k = 0; k < 4; k++) {
            const char *c = strchr(alphabet, s[i + k]);
            bool tail = s[i + k] == '=' && i + 4 == n && k >= 4 - pad;
            if (!tail && (s[i + k] == '\0' || c == NULL)) {
                free(out);
                return NULL;
            }
            v = v << 6 | (tail ? 0 : (uint32_t) (c - alphabet));
        }
        *o++ = (char) (v >> 16);
        if (!(i + 4 == n && pad == 2))
            *o++ = (char) (v >> 8 & 0xff);
        if (!(i + 4 == n && pad >= 1))
            *o++ = (char) (v & 0xff);
    }
    *o = '\0';
    if (len)
        *len = (size_t) (o - out);
    return out;
}
