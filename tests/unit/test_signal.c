// SPDX-License-Identifier: Apache-2.0
/* Signal names and numbers as kill -s and --stop-signal take them. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/container.h"
#include "tap.h"

/* the signal s names, or -1 with the error checked to be a usage error
 * saying "invalid signal: S" */
static int
sig(const char *s)
{
    struct pcon_err err = { 0 };
    int n = -1;

    if (engine_signal_parse(s, &n, &err) == 0)
        return n;
    if (err.kind != PCON_ERR_USAGE || err.msg == NULL)
        n = -2;
    else {
        char want[128];
        snprintf(want, sizeof want, "invalid signal: %s", s);
        n = strcmp(err.msg, want) == 0 ? -1 : -3;
    }
    pcon_err_clear(&err);
    return n;
}

int
main(void)
{
    is_int(sig("SIGTERM"), SIGTERM, "SIGTERM");
    is_int(sig("TERM"), SIGTERM, "TERM");
    is_int(sig("15"), SIGTERM, "15");
    is_int(sig("sigkill"), SIGKILL, "sigkill: case does not matter");
    is_int(sig("Kill"), SIGKILL, "Kill");
    is_int(sig("SigHup"), SIGHUP, "SigHup");
    is_int(sig("USR1"), SIGUSR1, "USR1");
    is_int(sig("SIGWINCH"), SIGWINCH, "SIGWINCH");
    is_int(sig("IOT"), SIGABRT, "IOT is ABRT");
    is_int(sig("CHLD"), SIGCHLD, "CHLD");
    is_int(sig("SYS"), SIGSYS, "SYS");
    is_int(sig("1"), 1, "the smallest number");
    is_int(sig("64"), 64, "the largest number");
    is_int(sig("RTMIN+1"), SIGRTMIN + 1, "RTMIN+1");
    is_int(sig("SIGRTMIN+3"), SIGRTMIN + 3, "SIGRTMIN+3");
    is_int(sig("rtmin+0"), SIGRTMIN, "rtmin+0");
    is_int(sig("RTMIN+30"), SIGRTMIN + 30, "RTMIN+30 is SIGRTMAX");

    /* refused, with "invalid signal: S" as a usage error */
    is_int(sig(""), -1, "an empty name");
    is_int(sig("SIG"), -1, "SIG alone");
    is_int(sig("0"), -1, "0");
    is_int(sig("65"), -1, "65");
    is_int(sig("-9"), -1, "a negative number");
    is_int(sig("9x"), -1, "a number with text after it");
    is_int(sig("SIGFROB"), -1, "an unknown name");
    is_int(sig("NOTASIG"), -1, "NOTASIG");
    is_int(sig("SIGSIGTERM"), -1, "SIG twice");
    is_int(sig("TERM "), -1, "a trailing space");
    is_int(sig("RTMIN+31"), -1, "past SIGRTMAX");
    is_int(sig("RTMIN+-1"), -1, "RTMIN minus one");
    is_int(sig("RTMIN+1x"), -1, "RTMIN+1x");
    is_int(sig("RTMAX"), -1, "RTMIN and RTMAX are not names of their own");

    /* a number is digits only; RTMIN+ needs one */
    is_int(sig(" 15"), -1, "a leading space before a number");
    is_int(sig("+15"), -1, "a plus sign before a number");
    is_int(sig("RTMIN+"), -1, "RTMIN+ with no number");
    is_int(sig("RTMIN+ 1"), -1, "RTMIN+ with a space before the number");
    is_int(sig("RTMIN+9223372036854775807"), -1, "RTMIN+ a number that would overflow the sum");
    return tap_done();
}
