#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Builds image archives for the load tests from a root file system
# tarball: docker-archive or oci-archive (layer gzipped), optionally broken.
# usage: make-archive.py docker|oci LAYER.tar NAME OUT.tar [bad-diffid|bad-blob|zstd]
import gzip, os, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from imagegen import config_of, descriptor, diff_ids, manifest_of, sha, write_docker_archive, write_oci_archive

kind, layer_path, name, out = sys.argv[1:5]
flaw = sys.argv[5] if len(sys.argv) > 5 else ""
layer = open(layer_path, "rb").read()
config = config_of(["sha256:" + "0" * 64] if flaw == "bad-diffid" else diff_ids([layer]),
                   ["sh", "-c", "echo $LOADED"], env=["PATH=/bin", "LOADED=yes"])

if kind == "docker":
    write_docker_archive(out, config, [layer], name, ["abc/layer.tar"])
else:
    if flaw == "zstd":
        blob = subprocess.run(["zstd", "-q", "-c"], input=layer, capture_output=True, check=True).stdout
    else:
        blob = gzip.compress(layer)
    manifest = manifest_of(config, [blob], "zstd" if flaw == "zstd" else "gzip")
    blobs = {sha(config): config,
             sha(blob): blob if flaw != "bad-blob" else blob[:-10] + b"0" * 10,
             sha(manifest): manifest}
    write_oci_archive(out, blobs, [descriptor(manifest, annotations={
        "org.opencontainers.image.ref.name": name})])
print(sha(config))
