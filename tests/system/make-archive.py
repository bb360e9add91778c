#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Builds image archives for the load tests from a root file system
# tarball: docker-archive or oci-archive (layer gzipped), optionally broken.
# usage: make-archive.py docker|oci LAYER.tar NAME OUT.tar [bad-diffid|bad-blob|zstd]
import gzip, hashlib, io, json, os, sys, tarfile

kind, layer_path, name, out = sys.argv[1:5]
flaw = sys.argv[5] if len(sys.argv) > 5 else ""
layer = open(layer_path, "rb").read()
diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
if flaw == "bad-diffid":
    diff_id = "sha256:" + "0" * 64
config = json.dumps({
    "created": "2026-01-02T03:04:05Z", "architecture": "amd64", "os": "linux",
    "config": {"Env": ["PATH=/bin", "LOADED=yes"], "Cmd": ["sh", "-c", "echo $LOADED"]},
    "rootfs": {"type": "layers", "diff_ids": [diff_id]},
}).encode()
sha = lambda b: hashlib.sha256(b).hexdigest()

def add(t, path, data):
    i = tarfile.TarInfo(path)
    i.size = len(data)
    # owned by whoever unpacks it (skopeo chowns to the recorded owner)
    i.uid, i.gid = os.getuid(), os.getgid()
    t.addfile(i, io.BytesIO(data))

with tarfile.open(out, "w") as t:
    if kind == "docker":
        add(t, sha(config) + ".json", config)
        add(t, "abc/layer.tar", layer)
        add(t, "manifest.json", json.dumps([{"Config": sha(config) + ".json",
                                             "RepoTags": [name], "Layers": ["abc/layer.tar"]}]).encode())
    else:
        if flaw == "zstd":
            import subprocess
            gz = subprocess.run(["zstd", "-q", "-c"], input=layer, capture_output=True, check=True).stdout
        else:
            gz = gzip.compress(layer)
        manifest = json.dumps({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": "sha256:" + sha(config), "size": len(config)},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+" + ("zstd" if flaw == "zstd" else "gzip"),
                        "digest": "sha256:" + sha(gz), "size": len(gz)}],
        }).encode()
        add(t, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        for dname in ("blobs", "blobs/sha256"):
            di = tarfile.TarInfo(dname)
            di.type, di.mode = tarfile.DIRTYPE, 0o755
            di.uid, di.gid = os.getuid(), os.getgid()
            t.addfile(di)
        add(t, "blobs/sha256/" + sha(config), config)
        add(t, "blobs/sha256/" + sha(gz), gz if flaw != "bad-blob" else gz[:-10] + b"0" * 10)
        add(t, "blobs/sha256/" + sha(manifest), manifest)
        add(t, "index.json", json.dumps({"schemaVersion": 2, "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": "sha256:" + sha(manifest), "size": len(manifest),
            "annotations": {"org.opencontainers.image.ref.name": name}}]}).encode())
print(sha(config))
