#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Writes the fuzz targets' seed corpora (tests/fuzz/corpus/<target>/):
# small real examples of each input, from the shapes the system tests
# use. The fixed image (empty layer, config, manifest) is the one
# tests/fuzz/fuzz_image.h builds, text for text. Rerun after a change and
# commit the result. Regression inputs a fuzzer found are kept beside
# the seeds as crash-<what>.
import gzip, io, json, os, sys, tarfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "system"))
from imagegen import config_of, diff_ids, tar_of, write_docker_archive, write_oci_archive, sha

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

LAYER = bytes(1024)
LAYER_DIGEST = "sha256:" + sha(LAYER)
CONFIG = ('{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},'
          '"rootfs":{"type":"layers","diff_ids":["%s"]}}' % LAYER_DIGEST).encode()
CONFIG_DIGEST = "sha256:" + sha(CONFIG)
MANIFEST = ('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'
            '"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s",'
            '"size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar",'
            '"digest":"%s","size":1024}]}' % (CONFIG_DIGEST, len(CONFIG), LAYER_DIGEST)).encode()
MANIFEST_DIGEST = "sha256:" + sha(MANIFEST)


def b(s):
    return s if isinstance(s, bytes) else s.encode()


def write(target, seeds):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    # regression inputs (crash-*) stay; the seeds are written anew
    for old in os.listdir(d):
        if old.startswith("seed-"):
            os.unlink(os.path.join(d, old))
    for i, s in enumerate(seeds):
        with open(os.path.join(d, "seed-%02d" % i), "wb") as f:
            f.write(s)


def sel(n, items):
    return [bytes([n]) + b(s) for s in items]


def tar(members, fmt=tarfile.PAX_FORMAT):
    """members: TarInfo fields as dicts, with optional data"""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for m in members:
            m = dict(m)
            data = m.pop("data", None)
            i = tarfile.TarInfo(m.pop("name"))
            for k, v in m.items():
                setattr(i, k, v)
            if data is not None:
                i.size = len(data)
                t.addfile(i, io.BytesIO(data))
            else:
                t.addfile(i)
    return buf.getvalue()


D, F, L, H, FIFO, CHR = tarfile.DIRTYPE, tarfile.REGTYPE, tarfile.SYMTYPE, tarfile.LNKTYPE, \
    tarfile.FIFOTYPE, tarfile.CHRTYPE


def layers():
    plain = tar([{"name": "etc", "type": D, "mode": 0o755},
                 {"name": "etc/hostname", "data": b"box\n", "mode": 0o644, "uid": 0},
                 {"name": "bin", "type": D, "mode": 0o755},
                 {"name": "bin/sh", "data": b"#!", "mode": 0o4755},
                 {"name": "bin/ash", "type": L, "linkname": "sh"},
                 {"name": "bin/hard", "type": H, "linkname": "bin/sh"}])
    return [
        plain,
        gzip.compress(plain, mtime=0),
        tar([{"name": "a/.wh.gone", "data": b""}, {"name": "a/.wh..wh..opq", "data": b""},
             {"name": ".wh.top", "data": b""}]),
        tar([{"name": "x", "data": b"v", "pax_headers": {"SCHILY.xattr.user.k": "v",
                                                           "SCHILY.xattr.security.capability": "\x01",
                                                           "SCHILY.xattr.trusted.overlay.opaque": "y"}}]),
        tar([{"name": "p", "type": FIFO, "mode": 0o600}, {"name": "dev/null", "type": CHR,
                                                          "devmajor": 1, "devminor": 3}]),
        tar([{"name": "../escape", "data": b"x"}, {"name": "/abs", "data": b"x"},
             {"name": "l", "type": L, "linkname": "/"}, {"name": "l/etc/passwd", "data": b"x"}]),
        tar([{"name": "d", "type": L, "linkname": "../../.."}, {"name": "d/x", "data": b"x"},
             {"name": "h", "type": H, "linkname": "../outside"}]),
        tar([{"name": "f", "data": b"1"}, {"name": "f", "type": D}, {"name": "f/g", "data": b"2"},
             {"name": "f", "data": b"3"}]),
        tar([{"name": "n" * 150 + "/" + "m" * 120, "data": b"long"}], tarfile.GNU_FORMAT),
        tar([{"name": "t", "data": b"old", "mtime": 1700000000, "mode": 0o7777, "uid": 65534,
              "gid": 99999}], tarfile.USTAR_FORMAT),
        tar([{"name": "s", "data": b"\0" * 4096, "pax_headers": {"GNU.sparse.major": "1",
                                                                "GNU.sparse.minor": "0",
                                                                "GNU.sparse.name": "sp",
                                                                "GNU.sparse.realsize": "100000"}}]),
        LAYER,
    ]


def archives():
    docker = [
        '[{"Config":"config.json","RepoTags":["localhost/fuzz:1"],"Layers":["layer.tar"]}]',
        '[{"Config":"config.json","RepoTags":["bb","docker.io/library/bb:2","x@sha256:%s"],'
        '"Layers":["layer.tar"]},{"Config":"config.json","Layers":["layer.tar"]}]' % ("0" * 64),
        '[{"Config":"../config.json","Layers":["/layer.tar"]}]',
        '[{"Config":"config.json","Layers":[]}]',
        '[]', '{}', '[{"Config":1,"Layers":[1]}]',
    ]
    oci = [
        json.dumps({"schemaVersion": 2, "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": MANIFEST_DIGEST,
            "size": len(MANIFEST),
            "annotations": {"org.opencontainers.image.ref.name": "localhost/fuzz:1"}}]}),
        json.dumps({"schemaVersion": 2, "manifests": [{"digest": MANIFEST_DIGEST,
                                                       "annotations": {
                                                           "org.opencontainers.image.ref.name": "1"}}]}),
        json.dumps({"manifests": [{"digest": CONFIG_DIGEST}, {"digest": "sha256:../../x"}]}),
        '{"manifests":[]}', '{"manifests":{}}',
    ]
    layer = tar_of([("data", None), ("data/file", b"image data\n")])
    config = config_of(diff_ids([layer]), ["sh"])
    whole_d = "/tmp/fuzz-seed-d.tar"
    write_docker_archive(whole_d, config, [layer], "localhost/whole:1")
    whole_o = "/tmp/fuzz-seed-o.tar"
    gz = gzip.compress(layer, mtime=0)
    man = json.dumps({"schemaVersion": 2, "config": {"digest": "sha256:" + sha(config)},
                      "layers": [{"digest": "sha256:" + sha(gz)}]}).encode()
    write_oci_archive(whole_o, {sha(config): config, sha(gz): gz, sha(man): man},
                      [{"digest": "sha256:" + sha(man), "annotations": {
                          "org.opencontainers.image.ref.name": "localhost/whole:2"}}])
    wholes = [open(whole_d, "rb").read(), open(whole_o, "rb").read()]
    os.unlink(whole_d)
    os.unlink(whole_o)
    return sel(0, docker) + sel(1, oci) + sel(2, wholes)


def images():
    configs = [
        CONFIG,
        ('{"created":"2026-01-02T03:04:05Z","architecture":"amd64","os":"linux",'
         '"config":{"Env":["PATH=/bin","A=b"],"Entrypoint":["/bin/sh","-c"],"Cmd":null,'
         '"WorkingDir":"/w","User":"1000:1000","StopSignal":"SIGINT"},'
         '"rootfs":{"type":"layers","diff_ids":["%s"]}}' % LAYER_DIGEST),
        '{"config":{"Env":"notarray","Cmd":[1]},"rootfs":{"diff_ids":["%s"]}}' % LAYER_DIGEST,
        '{"rootfs":{"diff_ids":["sha256:1234"]}}',
        '{"rootfs":{"diff_ids":[]}}',
    ]
    manifests = [
        MANIFEST,
        MANIFEST.replace(b"application/vnd.oci.image.manifest.v1+json",
                         b"application/vnd.docker.distribution.manifest.v2+json"),
        '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":['
        '{"digest":"%s","platform":{"architecture":"amd64","os":"linux"}}]}' % MANIFEST_DIGEST,
        '{"layers":[{"digest":null}],"config":{}}',
    ]
    any_json = ['{"a":[1,2.5e10,-3,true,false,null,"\\u00e9\\n"],"b":{}}', '[[[[]]]]',
                '"\\ud800"', '18446744073709551616']
    return sel(0, configs) + sel(1, manifests) + sel(2, any_json)


REFS = ["bb", "localhost/bb", "localhost/bb:latest", "docker.io/library/busybox:1.36",
        "127.0.0.1:5000/team/bb:1", "quay.io/a/b/c@sha256:" + "e" * 64,
        "team/app:v1@sha256:" + "0" * 64, "[::1]:5000/x", "UPPER/case", "a:b:c", "x/", "@sha256:",
        "localhost:5000", "sha256:" + "a" * 64, "a" * 300]

REGISTRIES = [
    open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "unit",
                      "test_regconf.c")).read().split("static const char conf[] =")[1]
    .split(";")[0].replace('"\n    "', "").strip().strip('"').encode().decode("unicode_escape"),
    'unqualified-search-registries = ["docker.io"]\n[[registry]]\nlocation = "127.0.0.1:5000"\n'
    'insecure = true\n',
    '[[registry]]\nprefix = "example.com/foo"\nlocation = "example.com"\nblocked = true\n',
    '[[registry]]\nlocation = ""\n',
    '[aliases]\n"bb" = "quay.io/bb"\nn = 10\nt = {a = "b"}\n[ registry . x ]\n',
]
STORAGE = [
    '[storage]\ndriver = "overlay"\n[storage.options.overlay]\nmount_program = "/usr/bin/fuse-overlayfs"\n',
    '[storage]\ndriver = "vfs"\ngraphroot = "/var/lib/containers"\n',
    "[storage]\ndriver = 'btrfs'\n", '[storage]\ndriver = ""\n',
]

AUTH = [
    '{"auths":{"docker.io":{"auth":"dXNlcjpwYXNz"},"127.0.0.1:5000":{"auth":"YTpi"}}}',
    '{"auths":{"quay.io":{"auth":"bm9jb2xvbg=="}}}', '{"auths":{"docker.io":{"auth":"***"}}}',
    '{"auths":[]}', '{}', '',
]
CHALLENGES = [
    'Bearer realm="http://127.0.0.1:5001/token",service="registry",scope="repository:team/bb:pull"',
    'Basic realm="Registry Realm"', 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"',
    'Bearer error="invalid_token", realm="x', 'bearer scope=""realm="a"',
]

TEMPLATES = [
    "{{.Names}}\n{\"Names\":\"web\",\"State\":{\"Status\":\"running\",\"Pid\":42}}",
    "table {{.ID}}\\t{{.Names}}\\t{{.State}}\n{\"ID\":\"abc\",\"Names\":\"web\",\"State\":\"up\"}",
    "{{.State.Status}} {{.State.ExitCode}}\n{\"State\":{\"Status\":\"exited\",\"ExitCode\":0}}",
    "{{range .RootFS.Layers}}{{.}}{{end}}\n{\"RootFS\":{\"Layers\":[\"sha256:a\",\"sha256:b\"]}}",
    "{{.Digest}} {{join .RepoDigests \",\"}}\n{\"Digest\":\"d\",\"RepoDigests\":[\"x@d\",\"y@d\"]}",
    "{{if .Empty}}yes{{else}}no{{end}} {{json .List}} {{upper .N}} {{lower .N}}\n"
    "{\"Empty\":[],\"List\":[1,\"a\"],\"N\":\"Mixed\"}",
    "{{len .Layers}} {{.Os}}\n{\"Layers\":[1,2],\"Os\":\"linux\"}",
    "{{.NoSuchField}}\n{}", "{{range .A}}{{range .}}{{.B}}{{end}}{{end}}\n{\"A\":[[{\"B\":1}]]}",
    "{{.}}\n\"s\"", "{{json .}}\n[1,[2,[3]]]",
]

LOGS = [
    b"2026-11-23T02:56:49.123456789Z stdout F hello\n2026-11-23T02:56:49.2Z stderr F oops\n",
    b"2026-11-23T02:56:50+01:00 stdout P part\n2026-11-23T02:56:50Z stdout F ial\n",
    b"2026-11-23T02:56:51Z stdout F\n2026-11-23T02:56:51Z stderr P \n",
    b"garbage\nx y\nx y Z\n2026 stdout F \xff\xfe\n",
]

VALUES = (sel(0, ["2026-11-23T02:56:49.123456789Z", "2026-11-23T02:56:49+05:30",
                  "1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999-23:59", "2026-02-30T00:00:00Z"])
          + sel(1, ["10m", "1h30m", "5s", "1700000000", "1700000000.5", "2026-11-23",
                    "2026-11-23T02:56:49Z", "-1s", "99999999999h", "1.5h"])
          + sel(2, ["SIGTERM", "term", "KILL", "9", "64", "65", "0", "RTMIN+3", "SIGRTMIN+30",
                    "rtmin+-1", "SIGWINCH"])
          + sel(3, ["CMD [\"/bin/sh\",\"-c\",\"echo hi\"]\nENV A=b\nENV C d\nWORKDIR /w",
                    "ENTRYPOINT /bin/sh -c\nUSER 1000:1000\nLABEL a=b\nEXPOSE 80 443/udp",
                    "VOLUME [\"/data\",\"/x\"]\nSTOPSIGNAL SIGINT\ncmd=[1]",
                    "FROB x", "CMD [\"unterminated\"", "EXPOSE [1,2]"])
          + sel(4, ["slirp4netns", "slirp4netns:cidr=10.5.0.0/16,enable_ipv6=false,mtu=1500",
                    "slirp4netns:allow_host_loopback=true,port_handler=slirp4netns",
                    "slirp4netns:outbound_addr=eth0,outbound_addr6=fd00::1", "none", "host",
                    "private", "ns:/proc/1/ns/net", "container:web", "slirp4netns:cidr=10.0.2.100/24",
                    "slirp4netns:enable_ipv6=false,outbound_addr6=lo", "bridge",
                    "alias=db,alias=x,ip=10.89.1.5,mac=02:00:00:00:00:01,interface_name=net1",
                    "ip=10.89.1.5,ip=10.89.1.6,alias=db,alias=db", "mac=01:00:00:00:00:01,ip6=fd00::1"])
          + sel(5, ["net_admin\nCAP_CHOWN", "ALL", "all\nkill", "cap_foo", "CAP_\nNET_RAW",
                    "sys_time\nsys_time\nSYS_TIME"])
          + sel(6, ["/data:size=1m,mode=0700", "/tmp:ro,exec,suid,dev", "/a/../../b:nr_inodes=5",
                    "rel:size=1", "/x:frob", "/h:/c:ro,z", "./h:/c:z,ro,rbind", "/h:../c",
                    "type=bind,src=/h,dst=/c,ro", "type=volume,source=data,target=/v",
                    "type=tmpfs,destination=/t,tmpfs-size=1m,tmpfs-mode=0700", "type=volume,dst=/anon"]))


def dns_query(name, qtype=1):
    q = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".") if l) + b"\0"
    return b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" + q + bytes([0, qtype, 0, 1])


DNS = [dns_query("db"), dns_query("database.dns.podman"), dns_query("Web.Example.COM", 28),
       dns_query("a" * 63 + ".b", 255),
       dns_query("db") + b"\x00\x00\x29\x10\x00\x00\x00\x00\x00\x00\x00",
       dns_query("2.1.89.10.in-addr.arpa", 12), dns_query("1.2.3.in-addr.arpa", 12),
       dns_query("300.1.89.10.in-addr.arpa", 12),
       dns_query(".".join("2000000000000000a8b4c3d2e1f0ffdf") + ".ip6.arpa", 12),
       dns_query(".".join("g000000000000000a8b4c3d2e1f0ffdf") + ".ip6.arpa", 12)]

KUBE_POD = """apiVersion: v1
kind: Pod
metadata:
  name: shop
  labels: {tier: front}
spec:
  restartPolicy: Never
  containers:
  - name: web
    image: localhost/bb
    command: [httpd, -f, -p, "80"]
    ports: [{containerPort: 80, hostPort: 8080, protocol: TCP}]
    env: [{name: A, value: "1"}, {name: C, valueFrom: {configMapKeyRef: {name: cm, key: k}}}]
    envFrom: [{configMapRef: {name: cm}}]
    volumeMounts: [{name: data, mountPath: /data, readOnly: true}]
    securityContext: {runAsUser: 1000, capabilities: {drop: [CAP_NET_RAW]}}
  volumes:
  - {name: data, persistentVolumeClaim: {claimName: d}}
"""
KUBE_CM = """apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data: {k: v}
"""
KUBE_DEP = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 1
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: main, image: x, args: [a, b]}]
      volumes: [{name: e, emptyDir: {}}, {name: h, hostPath: {path: /tmp}}]
"""
KUBE = [b"\0" + (KUBE_CM + "---\n" + KUBE_POD).encode(), b"\0" + KUBE_DEP.encode(),
        b"\1" + KUBE_POD.encode() + KUBE_CM.encode().ljust(len(KUBE_POD), b" "),
        b"\0apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: a, image: b, bad: 1}]}\n"]

UNITS = [b"[Unit]\nDescription=web\n\n[Container]\nImage=localhost/bb\nExec=sh -c \"echo hi; \\\n  sleep 1\"\nPublishPort=8080:80\n# c\n; c\n[Install]\nWantedBy=default.target\n",
         b"[Volume]\nLabel=k=v 'a=b c'\n", b"[Network]\nSubnet=10.0.0.0/24\nInternal=true\n",
         b"Image=x\n", b"[Container\n", b"[Container]\nnot an entry\n"]

write("fuzz_layer", layers())
write("fuzz_archive", archives())
write("fuzz_image", images())
write("fuzz_reference", [b(r) for r in REFS])
write("fuzz_conf", sel(0, REGISTRIES) + sel(1, STORAGE))
write("fuzz_auth", sel(0, AUTH) + sel(1, CHALLENGES))
write("fuzz_template", [b(t) for t in TEMPLATES])
write("fuzz_logline", LOGS)
write("fuzz_values", VALUES)
write("fuzz_dns", DNS)
D = "sha256:" + "ab" * 32
write("fuzz_mlist", [b(t) for t in [
    '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",'
    '"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":343,'
    '"digest":"%s","platform":{"architecture":"arm64","os":"linux","variant":"v8",'
    '"os.version":"1.0","features":["sse4"]},"annotations":{"k":"v"}}]}' % D,
    '{"manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json",'
    '"size":1,"digest":"%s"},{"mediaType":"x","size":1,"digest":"%s"}]}' % (D, D),
    '{"manifests":[]}', '{"manifests":[{"size":-1}]}']])
write("fuzz_kube", KUBE)
write("fuzz_unitfile", UNITS)
write("fuzz_seccomp", [b(t) for t in [
    '{"defaultAction":"SCMP_ACT_ALLOW"}',
    '{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38,"archMap":[{"architecture":'
    '"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86","SCMP_ARCH_X32"]}],"syscalls":['
    '{"names":["read","write","exit_group"],"action":"SCMP_ACT_ALLOW"},'
    '{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,'
    '"valueTwo":0,"op":"SCMP_CMP_EQ"}]},'
    '{"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2114060288,'
    '"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"}],"excludes":{"caps":["CAP_SYS_ADMIN"]}},'
    '{"names":["chroot"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_CHROOT"]}},'
    '{"names":["arch_prctl"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["amd64"]}},'
    '{"names":["socket"],"action":"SCMP_ACT_ERRNO","errnoRet":22,"args":[{"index":0,"value":16,'
    '"op":"SCMP_CMP_EQ"},{"index":2,"value":9,"op":"SCMP_CMP_EQ"}]},'
    '{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":16,"op":'
    '"SCMP_CMP_NE"},{"index":0,"value":2,"op":"SCMP_CMP_GE"}]}]}',
    '{"defaultAction":"SCMP_ACT_KILL_PROCESS","syscalls":[{"name":"mkdir","action":"SCMP_ACT_LOG"},'
    '{"names":["kill"],"action":"SCMP_ACT_TRAP","includes":{"minKernel":"4.8"}}]}',
    '{"defaultAction":"SCMP_ACT_FROB"}', '{"syscalls":5}', '[]',
]])
