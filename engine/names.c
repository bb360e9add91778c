// SPDX-License-Identifier: Apache-2.0
/* Container ids and names. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/digest.h"
#include "../lib/fsutil.h"
#include "names.h"
#include "spec.h"

static const char *const adjectives[] = {
    "admiring", "blissful", "bold",    "brave",    "busy",     "clever",     "cool",
    "dazzling", "eager",    "elegant", "epic",     "focused",  "friendly",   "gallant",
    "gifted",   "happy",    "hopeful", "jolly",    "keen",     "kind",       "loving",
    "lucid",    "magical",  "modest",  "nice",     "nifty",    "optimistic", "peaceful",
    "quirky",   "relaxed",  "serene",  "sharp",    "stoic",    "sweet",      "tender",
    "trusting", "upbeat",   "vibrant", "wizardly", "youthful", "zealous",
};
static const char *const surnames[] = {
    "agnesi",   "babbage",  "bell",       "bohr",   "cerf",    "curie",   "darwin",
    "dijkstra", "einstein", "euler",      "fermat", "feynman", "gauss",   "goldberg",
    "hamilton", "hopper",   "hypatia",    "joliot", "kepler",  "knuth",   "lamport",
    "lovelace", "meitner",  "mirzakhani", "newton", "noether", "pascal",  "ritchie",
    "shannon",  "thompson", "torvalds",   "turing", "wilson",  "wozniak", "yonath",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

int
engine_id_new(char id[65], struct pcon_err *err)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[32];

    if (getrandom(b, sizeof b, 0) != (ssize_t) sizeof b)
        return pcon_fail(err, errno, "generate container id");
    for (size_t i = 0; i < 32; i++) {
        id[2 * i] = hex[b[i] >> 4];
        id[2 * i + 1] = hex[b[i] & 15];
    }
    id[64] = '\0';
    return 0;
}

static int
names_dir(int root_dfd, struct pcon_err *err)
{
    int fd;

    if (mkdirat(root_dfd, "names", 0700) < 0 && errno != EEXIST)
        return pcon_fail(err, errno, "create names directory");
    fd = openat(root_dfd, "names", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return pcon_fail(err, errno, "open names directory");
    return fd;
}

int
engine_name_reserve(int root_dfd, const char *name, const char *id, char **out,
                    struct pcon_err *err)
{
    cleanup_close int dfd = names_dir(root_dfd, err);

    if (dfd < 0)
        return -1;
    if (name) {
        char other[65];
        ssize_t n;

        if (!engine_spec_name_valid(name))
            return pcon_fail_kind(err, PCON_ERR_USAGE, EINVAL,
                                  "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*");
        if (symlinkat(id, dfd, name) == 0) {
            *out = xstrdup(name);
            return 0;
        }
        if (errno != EEXIST)
            return pcon_fail(err, errno, "reserve name \"%s\"", name);
        n = readlinkat(dfd, name, other, sizeof other - 1);
        other[n > 0 ? n : 0] = '\0';
        return pcon_fail_kind(err, PCON_ERR_ENGINE, 0,
                              "the container name \"%s\" is already in use by %s. You have to"
                              " remove that container to be able to reuse that name: that name"
                              " is already in use",
                              name, other);
    }
    for (int tries = 0; tries < 100; tries++) {
        unsigned int r[2];
        cleanup_free char *gen = NULL;

        if (getrandom(r, sizeof r, 0) != (ssize_t) sizeof r)
            return pcon_fail(err, errno, "generate a name");
        gen = xasprintf("%s_%s", adjectives[r[0] % N(adjectives)], surnames[r[1] % N(surnames)]);
        if (symlinkat(id, dfd, gen) == 0) {
            *out = steal_ptr(&gen);
            return 0;
        }
        if (errno != EEXIST)
            return pcon_fail(err, errno, "reserve a name");
    }
    return pcon_fail(err, EEXIST, "generate a free container name");
}

int
engine_name_release(int root_dfd, const char *name, const char *id)
{
    cleanup_close int dfd = openat(root_dfd, "names", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    char other[65];
    ssize_t n;

    if (dfd < 0)
        return -1;
    /* only our own reservation: the name may have been taken over since */
    n = readlinkat(dfd, name, other, sizeof other - 1);
    if (n != 64 || memcmp(other, id, 64) != 0)
        return -1;
    return unlinkat(dfd, name, 0);
}

int
engine_id_resolve(int root_dfd, int dir_dfd, const char *name_or_id, char id[65])
{
    cleanup_closedir DIR *d = NULL;
    cleanup_free char *link = NULL;
    size_t plen = strlen(name_or_id);
    struct dirent *de;
    char target[80];
    int hits = 0;
    ssize_t n;

    if (*name_or_id == '\0' || strchr(name_or_id, '/'))
        return 0;
    /* a name first: names/<name> links to the id */
    link = xasprintf("names/%s", name_or_id);
    n = readlinkat(root_dfd, link, target, sizeof target - 1);
    if (n == 64) {
        target[64] = '\0';
        if (hex64_valid(target) && faccessat(dir_dfd, target, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
            memcpy(id, target, 65);
            return 1;
        }
    }
    if (plen > 64 || strspn(name_or_id, "0123456789abcdef") != plen)
        return 0;
    if (plen == 64) {
        if (faccessat(dir_dfd, name_or_id, F_OK, AT_SYMLINK_NOFOLLOW) != 0)
            return 0;
        memcpy(id, name_or_id, 65);
        return 1;
    }
    d = fs_opendir_at(dir_dfd);
    if (d == NULL)
        return -2;
    while ((de = readdir(d)) != NULL)
        if (hex64_valid(de->d_name) && strncmp(de->d_name, name_or_id, plen) == 0) {
            memcpy(id, de->d_name, 65);
            hits++;
        }
    return hits > 1 ? -1 : hits;
}
