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
import gzip, hashlib, io, json, os, sys, tarfile

sha = lambda b: hashlib.sha256(b).hexdigest()


def tar_of(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in entries:
            i = tarfile.TarInfo(name)
            i.mtime = 1700000000
            if data is None:
                i.type, i.mode = tarfile.DIRTYPE, 0o755
                t.addfile(i)
            else:
                i.size, i.mode = len(data), 0o644
                t.addfile(i, io.BytesIO(data))
    return buf.getvalue()


def image(layers, arch, cmd):
    gz = [gzip.compress(l, mtime=0) for l in layers]
    config = json.dumps({
        "created": "2026-01-02T03:04:05Z", "architecture": arch, "os": "linux",
        "config": {"Env": ["PATH=/bin"], "Cmd": cmd},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + sha(l) for l in layers]},
    }).encode()
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": "sha256:" + sha(config), "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": "sha256:" + sha(g), "size": len(g)} for g in gz],
    }).encode()
    blobs = {sha(b): b for b in gz + [config, manifest]}
    return config, manifest, blobs


base = open(sys.argv[2], "rb").read()
l2 = tar_of([("data/", None), ("data/dir/", None), ("data/dir/a", b"a\n"), ("data/dir/b", b"b\n"),
             ("data/gone", b"gone\n"), ("data/keep", b"keep\n")])
l3 = tar_of([("data/", None), ("data/.wh.gone", b""), ("data/dir/", None),
             ("data/dir/.wh..wh..opq", b""), ("data/dir/c", b"c\n")])
config, manifest, blobs = image([base, l2, l3], "amd64", ["ls", "/data", "/data/dir"])
index = [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
          "digest": "sha256:" + sha(manifest), "size": len(manifest)}]
if sys.argv[1] == "index":
    arm_cfg, arm_manifest, arm_blobs = image([base, tar_of([("arch", b"arm64\n")])], "arm64",
                                             ["cat", "/arch"])
    blobs.update(arm_blobs)
    index[0]["platform"] = {"architecture": "amd64", "os": "linux"}
    index.append({"mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "digest": "sha256:" + sha(arm_manifest), "size": len(arm_manifest),
                  "platform": {"architecture": "arm64", "os": "linux"}})
    out = sys.argv[3]
    os.makedirs(out + "/blobs/sha256", exist_ok=True)
    for h, b in blobs.items():
        open(f"{out}/blobs/sha256/{h}", "wb").write(b)
    open(out + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
    open(out + "/index.json", "w").write(json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.index.v1+json",
         "digest": "sha256:" + sha(idx := json.dumps({"schemaVersion": 2,
                                                      "mediaType": "application/vnd.oci.image.index.v1+json",
                                                      "manifests": index}).encode()),
         "size": len(idx), "annotations": {"org.opencontainers.image.ref.name": "multi"}}]}))
    open(f"{out}/blobs/sha256/{sha(idx)}", "wb").write(idx)
else:
    index[0]["annotations"] = {"org.opencontainers.image.ref.name": sys.argv[3]}
    with tarfile.open(sys.argv[4], "w") as t:
        def add(path, data):
            i = tarfile.TarInfo(path)
            i.size, i.uid, i.gid = len(data), os.getuid(), os.getgid()
            t.addfile(i, io.BytesIO(data))
        add("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        # owned by whoever unpacks it (skopeo chowns to the recorded owner)
        for dname in ("blobs", "blobs/sha256"):
            di = tarfile.TarInfo(dname)
            di.type, di.mode, di.uid, di.gid = tarfile.DIRTYPE, 0o755, os.getuid(), os.getgid()
            t.addfile(di)
        for h, b in blobs.items():
            add("blobs/sha256/" + h, b)
        add("index.json", json.dumps({"schemaVersion": 2, "manifests": index}).encode())
print(sha(config))
