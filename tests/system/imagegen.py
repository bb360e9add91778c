# SPDX-License-Identifier: Apache-2.0
# What the test image generators share (make-archive.py, make-layered.py,
# 13-crash.bats): layer tarballs, OCI configs and manifests, and the two
# archive formats pcon loads. Archive members are owned by whoever unpacks
# them: skopeo, run as a user, chowns to the recorded owner.
import gzip, hashlib, io, json, os, tarfile

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+"


def sha(b):
    return hashlib.sha256(b).hexdigest()


def tar_of(entries, mtime=0):
    """A layer: (name, bytes) files and (name, None) directories."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in entries:
            i = tarfile.TarInfo(name)
            i.mtime = mtime
            if data is None:
                i.type, i.mode = tarfile.DIRTYPE, 0o755
                t.addfile(i)
            else:
                i.size, i.mode = len(data), 0o644
                t.addfile(i, io.BytesIO(data))
    return buf.getvalue()


def config_of(diff_ids, cmd, env=("PATH=/bin",), arch="amd64"):
    return json.dumps({
        "created": "2026-01-02T03:04:05Z", "architecture": arch, "os": "linux",
        "config": {"Env": list(env), "Cmd": cmd},
        "rootfs": {"type": "layers", "diff_ids": list(diff_ids)},
    }).encode()


def diff_ids(layers):
    return ["sha256:" + sha(l) for l in layers]


def manifest_of(config, blobs, compression="gzip"):
    """An OCI manifest for config and the (compressed) layer blobs."""
    return json.dumps({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": "sha256:" + sha(config), "size": len(config)},
        "layers": [{"mediaType": OCI_LAYER + compression, "digest": "sha256:" + sha(b),
                    "size": len(b)} for b in blobs],
    }).encode()


def gzipped(layers, level=9):
    return [gzip.compress(l, compresslevel=level, mtime=0) for l in layers]


def descriptor(manifest, media=OCI_MANIFEST, **extra):
    return dict({"mediaType": media, "digest": "sha256:" + sha(manifest), "size": len(manifest)},
                **extra)


def _add(t, path, data):
    i = tarfile.TarInfo(path)
    i.size, i.uid, i.gid = len(data), os.getuid(), os.getgid()
    t.addfile(i, io.BytesIO(data))


def write_oci_archive(out, blobs, manifests):
    """blobs: {hex: bytes}; manifests: the index's descriptors."""
    with tarfile.open(out, "w") as t:
        _add(t, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        for name in ("blobs", "blobs/sha256"):
            d = tarfile.TarInfo(name)
            d.type, d.mode, d.uid, d.gid = tarfile.DIRTYPE, 0o755, os.getuid(), os.getgid()
            t.addfile(d)
        for h, b in blobs.items():
            _add(t, "blobs/sha256/" + h, b)
        _add(t, "index.json", json.dumps({"schemaVersion": 2, "manifests": manifests}).encode())


def write_oci_dir(out, blobs, manifests):
    os.makedirs(out + "/blobs/sha256", exist_ok=True)
    for h, b in blobs.items():
        with open(f"{out}/blobs/sha256/{h}", "wb") as f:
            f.write(b)
    with open(out + "/oci-layout", "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    with open(out + "/index.json", "w") as f:
        f.write(json.dumps({"schemaVersion": 2, "manifests": manifests}))


def write_docker_archive(out, config, layers, name, paths=None):
    """layers: uncompressed tars, stored as paths (default l<N>/layer.tar)."""
    paths = paths or ["l%d/layer.tar" % k for k in range(len(layers))]
    with tarfile.open(out, "w") as t:
        _add(t, sha(config) + ".json", config)
        for p, l in zip(paths, layers):
            _add(t, p, l)
        _add(t, "manifest.json", json.dumps([{"Config": sha(config) + ".json", "RepoTags": [name],
                                              "Layers": paths}]).encode())
