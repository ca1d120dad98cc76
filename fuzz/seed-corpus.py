#!/usr/bin/env python3
"""Builds the seed corpus of every fuzz target under fuzz/corpus/<target>/.

Seeds come from files already in the repository (examples, lint corpus, OSV
fixtures, the rpm BDB fixture) plus small inputs built here with the standard
library (tar layers, rpm SQLite database, DSSE envelopes). Run it once, then
minimise with `scripts/fuzz --minimise`; only the minimised corpus is committed.
"""
import base64, glob, gzip, hashlib, io, json, os, re, sqlite3, struct, subprocess, sys, tarfile, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "corpus")


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def small_files(pattern, limit=8192):
    for p in sorted(glob.glob(os.path.join(ROOT, pattern), recursive=True)):
        if os.path.isfile(p) and os.path.getsize(p) <= limit:
            yield p, open(p, "rb").read()


# pipeline YAML: the example pipelines.
for p, data in small_files("**/*.yaml"):
    if "/fuzz/" in p or "/target" in p:
        continue
    if b"stages" in data or b"extends" in data:
        put("pipeline_yaml", os.path.relpath(p, ROOT).replace("/", "_"), data)

# Dockerfiles: the lint corpus and examples; RUN bodies for the shell splitter.
for p, data in small_files("**/*Dockerfile*", 4096):
    if "/fuzz/" in p:
        continue
    name = os.path.relpath(p, ROOT).replace("/", "_")
    put("dockerfile", name, data)
    text = data.decode("utf-8", "replace").replace("\\\n", " ")
    for i, m in enumerate(re.finditer(r"^RUN\s+(.*)$", text, re.M)):
        put("shell_run", f"{name}-{i}", m.group(1))

# dpkg: stanzas of a status file (first byte picks status / status.d).
status = """Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 12986
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Replaces: libc6-amd64
Depends: libgcc-s1
Description: GNU C Library: Shared libraries
 Contains the standard libraries.

Package: curl
Status: install ok installed
Architecture: amd64
Source: curl (7.88.1-10+deb12u5)
Version: 7.88.1-10+deb12u5
Depends: libc6 (>= 2.34), libcurl4 (= 7.88.1-10+deb12u5), zlib1g (>= 1:1.1.4)

Package: removed
Status: deinstall ok config-files
Version: 1:1.0-1
"""
put("dpkg_status", "status", b"\0" + status.encode())
put("dpkg_status", "status.d", b"\1" + status.split("\n\n")[1].encode())

# apk installed database.
put("apk_installed", "installed", """C:Q1p78yvTLG094tHE1+dToJGbmYzQE=
P:musl
V:1.2.4-r2
A:x86_64
S:383152
I:622592
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Natanael Copa <ncopa@alpinelinux.org>
t:1697718458
c:f93af038c3de7146121c2ea8124ba5ce29b4b058
p:so:libc.musl-x86_64.so.1=1
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755

P:busybox
V:1.36.1-r5
A:x86_64
L:GPL-2.0-only
o:busybox
D:so:libc.musl-x86_64.so.1
""")


# rpm: the BDB fixture (first byte odd) and a small SQLite rpmdb (even).
def rpm_header(tags):
    index, store = b"", b""
    for tag, value in tags:
        index += struct.pack(">IIII", tag, 6, len(store), 1)
        store += value.encode() + b"\0"
    return struct.pack(">II", len(tags), len(store)) + index + store


bdb = os.path.join(ROOT, "crates/sbom/tests/fixtures/rpm-bdb-Packages")
put("rpm_db", "bdb-Packages", b"\1" + open(bdb, "rb").read())
with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, "rpmdb.sqlite")
    c = sqlite3.connect(db)
    c.execute("PRAGMA page_size=1024")
    c.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)")
    for name in ["bash", "openssl-libs"]:
        h = rpm_header([(1000, name), (1001, "5.1.8"), (1002, "6.el9"), (1022, "x86_64"),
                        (1014, "GPLv3+"), (1044, f"{name}-5.1.8-6.el9.src.rpm")])
        c.execute("INSERT INTO Packages (blob) VALUES (?)", (h,))
    c.commit()
    c.close()
    put("rpm_db", "rpmdb.sqlite", b"\0" + open(db, "rb").read())

# Python METADATA.
put("python_metadata", "METADATA", """Metadata-Version: 2.1
Name: requests
Version: 2.31.0
Summary: Python HTTP for Humans.
License: Apache 2.0
Classifier: License :: OSI Approved :: Apache Software License
Requires-Python: >=3.7
Requires-Dist: charset-normalizer (<4,>=2)
Requires-Dist: idna (<4,>=2.5)
Requires-Dist: PySocks (!=1.5.7,>=1.5.6) ; extra == 'socks'

Body text.
""")

# package.json: a few installed manifests from the npm test fixture, if present, and one made here.
put("package_json", "made.json", json.dumps({
    "name": "@scope/pkg", "version": "1.2.3", "license": {"type": "MIT"},
    "licenses": [{"type": "ISC"}], "dependencies": {"a": "^1.0.0"}}))
for i, (p, data) in enumerate(small_files(os.path.expanduser(
        "~/.cache/secchain-test-fixtures/npm-app-v2/node_modules/*/package.json"), 2048)):
    if i < 5:
        put("package_json", f"npm-{i}.json", data)

# Go build info: the build-info blob cut out of a Go binary on this machine.
for tool in ["crane", "cosign", "oras"]:
    path = os.path.expanduser(f"~/.cache/secchain-test-tools/bin/{tool}")
    if not os.path.exists(path):
        continue
    data = open(path, "rb").read()
    at = data.find(b"\xff Go buildinf:")
    while at >= 0 and at % 16:
        at = data.find(b"\xff Go buildinf:", at + 1)
    if at >= 0:
        put("go_buildinfo", f"{tool}-buildinfo", data[at:at + 3072])
        break

# OSV records from the scan fixtures.
for p, data in small_files("crates/scan/tests/fixtures/osv/*.json"):
    put("osv_json", os.path.basename(p), data)

# Ignore files (first byte: even = .trivyignore, odd = .trivyignore.yaml) and VEX.
put("ignore_files", "trivyignore", b"\0# accepted\nCVE-2021-44228\nCVE-2023-4911 exp:2020-01-01\n")
put("ignore_files", "trivyignore.yaml", b"\1vulnerabilities:\n  - id: CVE-2022-25883\n"
    b"    paths: [\"app/**/node_modules/*\"]\n    statement: build only\n    expired_at: 2030-01-01\n"
    b"  - id: CVE-2023-4911\n    purls: [\"pkg:deb/debian/libc6\"]\nmisconfigurations: []\n"
    b"\0app/x/node_modules/semver")
put("vex", "openvex.json", json.dumps({
    "@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1",
    "author": "team", "timestamp": "2024-06-01T00:00:00Z", "version": 1,
    "statements": [
        {"vulnerability": {"name": "CVE-2023-38545"},
         "products": [{"@id": "pkg:oci/app@sha256:0123", "subcomponents": [{"@id": "pkg:deb/debian/curl"}]}],
         "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
         "impact_statement": "never used"},
        {"vulnerability": {"name": "CVE-2021-44228", "aliases": ["GHSA-jfh8-c2jp-5v3q"]},
         "products": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
         "status": "fixed", "timestamp": "2024-06-02T00:00:00Z"}]}, indent=1))

# Image references.
for i, r in enumerate(["alpine", "alpine:3.20", "docker.io/library/alpine:3.20",
                       "ghcr.io/org/app@sha256:" + "a" * 64, "localhost:5000/a/b/c:v1@sha256:" + "b" * 64,
                       "[::1]:5000/x:y", "oci-layout:/tmp/layout:tag", "docker-archive:/tmp/a.tar",
                       "linux/arm64/v8", "registry:ghcr.io/x/y:1"]):
    put("image_reference", f"ref-{i}", r)

# Manifests, indexes and configs.
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {
    "Env": ["PATH=/usr/bin", "TOKEN=x"], "User": "1000:1000", "ExposedPorts": {"8080/tcp": {}},
    "Entrypoint": ["/app"], "Healthcheck": {"Test": ["CMD", "true"], "Interval": 30000000000}},
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + "c" * 64]},
    "history": [{"created_by": "RUN x", "empty_layer": True}, {"created_by": "COPY . /"}]})
put("image_config", "config.json", config)
desc = lambda mt, d, s: {"mediaType": mt, "digest": "sha256:" + d * 64, "size": s}
manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": desc("application/vnd.oci.image.config.v1+json", "1", 100),
            "layers": [desc("application/vnd.oci.image.layer.v1.tar+gzip", "2", 200)],
            "annotations": {"org.opencontainers.image.created": "2024-01-01T00:00:00Z"}}
index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
         "manifests": [dict(desc("application/vnd.oci.image.manifest.v1+json", "3", 500),
                            platform={"architecture": "arm64", "os": "linux", "variant": "v8"})]}
docker = dict(manifest, mediaType="application/vnd.docker.distribution.manifest.v2+json")
put("manifest", "oci-manifest", b"\1" + json.dumps(manifest).encode())
put("manifest", "oci-index", b"\2" + json.dumps(index).encode())
put("manifest", "docker-manifest", b"\0" + json.dumps(docker).encode())


# Layers: two tar blobs (plain, gzip, zstd) with whiteouts, links and hostile paths.
def tar_bytes(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        for name, kind, extra in entries:
            ti = tarfile.TarInfo(name)
            ti.mtime = 1700000000
            data = b""
            if kind == "file":
                data = extra
                ti.size = len(data)
            elif kind == "dir":
                ti.type = tarfile.DIRTYPE
            elif kind == "sym":
                ti.type, ti.linkname = tarfile.SYMTYPE, extra
            elif kind == "hard":
                ti.type, ti.linkname = tarfile.LNKTYPE, extra
            elif kind == "chr":
                ti.type, ti.devmajor, ti.devminor = tarfile.CHRTYPE, 1, 3
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


lower = tar_bytes([("etc/", "dir", None), ("etc/passwd", "file", b"root:x:0:0::/root:/bin/sh\n"),
                   ("app/", "dir", None), ("app/secret.txt", "file", b"k"), ("app/lib/x", "file", b"x"),
                   ("bin/sh", "sym", "/bin/busybox"), ("dev/null", "chr", None)])
upper = tar_bytes([("app/.wh.secret.txt", "file", b""), ("app/lib/.wh..wh..opq", "file", b""),
                   ("../../escape", "file", b"e"), ("/abs/x", "file", b"a"),
                   ("link", "sym", "../../../etc/shadow"), ("hl", "hard", "etc/passwd"),
                   ("etc/passwd", "file", b"dup")])


def two(a, b):
    return struct.pack("<H", len(a)) + a + b


put("layer_tar", "plain", two(lower, upper))
put("layer_tar", "gzip", two(gzip.compress(lower, mtime=0), gzip.compress(upper, mtime=0)))
try:
    z = lambda b: subprocess.run(["zstd", "-q", "-c"], input=b, capture_output=True, check=True).stdout
    put("layer_tar", "zstd", two(z(lower), z(upper)))
except (OSError, subprocess.CalledProcessError):
    pass

# DSSE envelopes and cosign payloads.
statement = {"_type": "https://in-toto.io/Statement/v1",
             "subject": [{"name": "ghcr.io/org/app", "digest": {"sha256": "d" * 64}}],
             "predicateType": "https://slsa.dev/provenance/v1",
             "predicate": {"buildDefinition": {"buildType": "x"}, "runDetails": {}}}
payload = json.dumps(statement).encode()
put("dsse_envelope", "envelope", json.dumps({
    "payloadType": "application/vnd.in-toto+json", "payload": base64.b64encode(payload).decode(),
    "signatures": [{"keyid": "", "sig": base64.b64encode(b"0E\x02 " + b"\1" * 32).decode()}]}))
simple = {"critical": {"identity": {"docker-reference": "ghcr.io/org/app"},
                       "image": {"docker-manifest-digest": "sha256:" + "e" * 64},
                       "type": "cosign container image signature"},
          "optional": {"creator": "secchain", "n": 1}}
put("cosign_payload", "simple-signing", json.dumps(simple))
put("cosign_payload", "statement", payload)
put("cosign_payload", "bundle", json.dumps({
    "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
    "verificationMaterial": {"publicKey": {"hint": "abc"}, "tlogEntries": []},
    "messageSignature": {"messageDigest": {"algorithm": "SHA2_256", "digest": "AAAA"}, "signature": "AAAA"}}))

# Falco conditions.
for i, cond in enumerate([
        "evt.type in (execve, execveat) and container.id != host and proc.name = bash",
        "spawned_process and not proc.pname in (runc, \"containerd-shim\") or fd.name startswith /etc/",
        "(open_write and fd.directory pmatch (/usr/bin, /bin)) and not user.uid = 0",
        "proc.args contains \"-c \\\"x\\\"\" and evt.arg[0] exists and proc.aname[2] glob '*sh'",
        "not (a or b) and k8s.ns.name = \"kube system\" and evt.num > 10"]):
    put("falco_condition", f"cond-{i}", cond)
print("seeds written to", OUT)
