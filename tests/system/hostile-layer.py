#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Writes one hostile layer tarball of the corpus (modelled on published
# extraction CVEs: docker CVE-2014-6407/9356, umoci CVE-2021-29136,
# containerd CVE-2021-32760, buildah CVE-2020-10696, containers/image
# CVE-2024-3727). OUTSIDE is a host directory the layer tries to reach.
# usage: hostile-layer.py CASE OUT.tar OUTSIDE
import io, sys, tarfile

case, out, outside = sys.argv[1:4]

def f(t, name, data=b"pwned\n", mode=0o644, **kw):
    i = tarfile.TarInfo(name)
    i.size = len(data)
    i.mode = mode
    for k, v in kw.items():
        setattr(i, k, v)
    t.addfile(i, io.BytesIO(data))

def link(t, name, target, kind=tarfile.SYMTYPE):
    i = tarfile.TarInfo(name)
    i.type = kind
    i.linkname = target
    t.addfile(i)

def d(t, name, **kw):
    i = tarfile.TarInfo(name)
    i.type = tarfile.DIRTYPE
    i.mode = 0o755
    for k, v in kw.items():
        setattr(i, k, v)
    t.addfile(i)

with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
    if case == "dotdot":                # ../ in the name
        f(t, "../../../../../../.." + outside + "/dotdot")
    elif case == "dotdot-middle":       # a/../../x climbs above the root
        f(t, "a/../../../../../../.." + outside + "/middle")
    elif case == "absolute":            # an absolute name stays below the root
        f(t, outside + "/absolute")
    elif case == "symlink-parent":      # a link, then a file through it (CVE-2021-29136-like)
        link(t, "escape", outside)
        f(t, "escape/through-link")
    elif case == "symlink-relative":    # a relative link climbing out, then a file through it
        link(t, "up", "../../../../../../../../.." + outside)
        f(t, "up/through-relative")
    elif case == "symlink-chain":       # a link to a link to outside
        link(t, "one", "two")
        link(t, "two", outside)
        f(t, "one/through-chain")
    elif case == "hardlink-outside":    # a hard link to a host file
        link(t, "hard", outside + "/canary", tarfile.LNKTYPE)
    elif case == "hardlink-dotdot":
        link(t, "hard", "../../../../../../.." + outside + "/canary", tarfile.LNKTYPE)
    elif case == "hardlink-through-symlink":  # the target reached through a link to outside
        link(t, "lnk", outside)
        link(t, "hard", "lnk/canary", tarfile.LNKTYPE)
    elif case == "device":              # a device node (cannot be made, must not be)
        i = tarfile.TarInfo("dev-null-copy")
        i.type = tarfile.CHRTYPE
        i.devmajor, i.devminor = 1, 3
        t.addfile(i)
        f(t, "after-device", b"ok\n")
    elif case == "overlay-xattr":       # overlay's own xattrs in a layer
        d(t, "opaque-by-xattr", pax_headers={"SCHILY.xattr.trusted.overlay.opaque": "y",
                                             "SCHILY.xattr.user.overlay.opaque": "y",
                                             "SCHILY.xattr.user.kept": "v"})
        f(t, "opaque-by-xattr/file", b"ok\n")
    elif case == "whiteout-escape":     # a whiteout naming something outside
        f(t, "../../../../../../.." + outside + "/.wh.canary", b"")
    elif case == "setuid":              # set-id bits survive the chown
        f(t, "suid", b"#!/bin/sh\n", mode=0o4755, uid=1000, gid=1000)
    else:
        sys.exit("unknown case " + case)
