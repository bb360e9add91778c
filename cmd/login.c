// SPDX-License-Identifier: Apache-2.0
/* pcon login, pcon logout */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../lib/cleanup.h"
#include "../lib/fsutil.h"
#include "../registry/conf.h"
#include "../registry/registry.h"
#include "cmd.h"

enum { LOGIN_PASSWORD_STDIN = 0x300, LOGIN_GET_LOGIN };

static const struct cmd_opt login_opts[] = {
    { LOGIN_GET_LOGIN, "get-login", 0, NULL, "Print the user name stored for the registry" },
    { 'p', "password", 'p', "PASSWORD", "Password for the registry" },
    { LOGIN_PASSWORD_STDIN, "password-stdin", 0, NULL, "Read the password from stdin" },
    { 'u', "username", 'u', "USER", "User name for the registry" },
    { 'v', "verbose", 'v', NULL, "Print the authentication file used" },
    CMD_REG_OPTS,
    { 0 },
};

/* one line from fd, without its line end */
static char *
read_line(FILE *f)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, f);

    if (n < 0) {
        free(line);
        return xstrdup("");
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

/* a prompt on the terminal; no echo for a password */
static char *
prompt(const char *what, bool secret)
{
    struct termios old, quiet;
    bool restore = false;
    char *v;

    fprintf(stderr, "%s: ", what);
    fflush(stderr);
    if (secret && tcgetattr(0, &old) == 0) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t) ECHO;
        restore = tcsetattr(0, TCSAFLUSH, &quiet) == 0;
    }
    v = read_line(stdin);
    if (restore) {
        (void) tcsetattr(0, TCSAFLUSH, &old); /* the terminal as it was, come what may */
        fputc('\n', stderr);
    }
    return v;
}

static int
get_login(const struct registry_opts *o, const char *host)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *creds = NULL;
    int r = registry_conf_auth_get(o->authfile, host, &creds, &err);

    if (r <= 0) {
        if (r == 0)
            pcon_fail(&err, 0, "not logged into %s", host);
        return cmd_report(&err);
    }
    *strchr(creds, ':') = '\0';
    printf("%s\n", creds);
    return 0;
}

static int
cmd_login(struct cmd_ctx *ctx, int argc, char **argv)
{
    struct registry_opts o = { .tls_verify = -1, .quiet = true };
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *host = NULL, *user_in = NULL, *pass_in = NULL;
    const char *user = NULL, *password = NULL;
    bool from_stdin = false, get = false, verbose = false;
    char *arg;
    int opt;

    (void) ctx;
    while ((opt = cmd_getopt(&cmd_login_def, argc, argv, &arg)) != -1) {
        if (opt == 'u')
            user = arg;
        else if (opt == 'p')
            password = arg;
        else if (opt == LOGIN_PASSWORD_STDIN)
            from_stdin = cmd_flag_value(arg);
        else if (opt == LOGIN_GET_LOGIN)
            get = cmd_flag_value(arg);
        else if (opt == 'v')
            verbose = cmd_flag_value(arg);
        else if (!cmd_reg_opt(&o, opt, arg))
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (argc - optind != 1)
        return cmd_usage_error(&cmd_login_def, "requires exactly 1 registry, received %d",
                               argc - optind);
    host = registry_login_host(argv[optind]);
    if (get)
        return get_login(&o, host);
    if (password && from_stdin)
        return cmd_usage_error(&cmd_login_def,
                               "can't specify both --password-stdin and --password");
    if (from_stdin && user == NULL)
        return cmd_usage_error(&cmd_login_def, "must provide --username with --password-stdin");
    if ((user == NULL || (password == NULL && !from_stdin)) && !isatty(0))
        return cmd_usage_error(&cmd_login_def,
                               "cannot prompt for the %s without a terminal:"
                               " use --username and --password(-stdin)",
                               user == NULL ? "user name" : "password");
    if (user == NULL)
        user = user_in = prompt("Username", false);
    if (from_stdin)
        password = pass_in = read_line(stdin);
    else if (password == NULL)
        password = pass_in = prompt("Password", true);
    if (*user == '\0' || strchr(user, ':'))
        return cmd_usage_error(&cmd_login_def, "invalid user name \"%s\"", user);
    if (verbose) {
        cleanup_free char *path = registry_conf_authfile_path(o.authfile);
        printf("Used: %s\n", path);
    }
    if (registry_login(host, user, password, &o, &err) < 0)
        return cmd_report(&err);
    printf("Login Succeeded!\n");
    return 0;
}

const struct cmd_def cmd_login_def = {
    "login", cmd_login, "Log in to a container registry", "[options] REGISTRY", login_opts,
};

static const struct cmd_opt logout_opts[] = {
    { 'a', "all", 'a', NULL, "Remove the credentials of every registry" },
    { CMD_OPT_AUTHFILE, "authfile", 0, "PATH",
      "Path of the authentication file (default $XDG_RUNTIME_DIR/containers/auth.json)" },
    { 0 },
};

static int
cmd_logout(struct cmd_ctx *ctx, int argc, char **argv)
{
    cleanup_err struct pcon_err err = { 0 };
    cleanup_free char *host = NULL;
    const char *authfile = NULL;
    bool all = false;
    char *arg;
    int opt;

    (void) ctx;
    while ((opt = cmd_getopt(&cmd_logout_def, argc, argv, &arg)) != -1) {
        if (opt == 'a')
            all = cmd_flag_value(arg);
        else if (opt == CMD_OPT_AUTHFILE)
            authfile = arg;
        else
            return opt == CMD_OPT_HELP ? 0 : PCON_EXIT_ENGINE;
    }
    if (all == (argc - optind == 1) || argc - optind > 1)
        return cmd_usage_error(&cmd_logout_def, all ? "--all takes no registry"
                                                    : "requires exactly 1 registry, or --all");
    if (!all)
        host = registry_login_host(argv[optind]);
    if (registry_logout(authfile, host, &err) < 0)
        return cmd_report(&err);
    if (all)
        printf("Removed login credentials for all registries\n");
    else
        printf("Removed login credentials for %s\n", host);
    return 0;
}

const struct cmd_def cmd_logout_def = {
    "logout", cmd_logout, "Log out of a container registry", "[options] REGISTRY", logout_opts,
};
