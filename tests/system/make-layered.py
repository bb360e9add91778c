#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Builds a multi-layer test image from a busybox root file system tarball:
#   layer 1: the busybox tree
#   layer 2: /data/dir/{a,b}, /data/gone, /data/keep
#   layer 3: a whiteout for /data/gone, /data/dir made opaque, /data/dir/c
# as an oci-archive (gzip layers), or as an OCI layout directory whose index
# holds it for linux/amd64 next to a linux/arm64 image (layer 1 and /arch).
# usage: make-layered.py archive BB.tar NAME OUT.tar
#        make-layered.py index BB.tar OUTDIR
# Prints the config digest of the amd64 image.
import json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from imagegen import (OCI_INDEX, config_of, descriptor, diff_ids, gzipped, manifest_of, sha,
                      tar_of, write_oci_archive, write_oci_dir)


def image(layers, arch, cmd):
    gz = gzipped(layers)
    config = config_of(diff_ids(layers), cmd, arch=arch)
    manifest = manifest_of(config, gz)
    return config, manifest, {sha(b): b for b in gz + [config, manifest]}


base = open(sys.argv[2], "rb").read()
l2 = tar_of([("data/", None), ("data/dir/", None), ("data/dir/a", b"a\n"), ("data/dir/b", b"b\n"),
             ("data/gone", b"gone\n"), ("data/keep", b"keep\n")], mtime=1700000000)
l3 = tar_of([("data/", None), ("data/.wh.gone", b""), ("data/dir/", None),
             ("data/dir/.wh..wh..opq", b""), ("data/dir/c", b"c\n")], mtime=1700000000)
config, manifest, blobs = image([base, l2, l3], "amd64", ["ls", "/data", "/data/dir"])
if sys.argv[1] == "index":
    arm_cfg, arm_manifest, arm_blobs = image([base, tar_of([("arch", b"arm64\n")], mtime=1700000000)],
                                             "arm64", ["cat", "/arch"])
    blobs.update(arm_blobs)
    idx = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        descriptor(manifest, platform={"architecture": "amd64", "os": "linux"}),
        descriptor(arm_manifest, platform={"architecture": "arm64", "os": "linux"})]}).encode()
    blobs[sha(idx)] = idx
    write_oci_dir(sys.argv[3], blobs, [descriptor(idx, OCI_INDEX, annotations={
        "org.opencontainers.image.ref.name": "multi"})])
else:
    write_oci_archive(sys.argv[4], blobs, [descriptor(manifest, annotations={
        "org.opencontainers.image.ref.name": sys.argv[3]})])
print(sha(config))
