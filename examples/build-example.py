#!/usr/bin/env python3
"""Builds examples/hello/image, the OCI image layout the example pipeline runs against.

No Docker: layers are written as deterministic tarballs (sorted entries, mtime 0,
uid/gid 0) and gzip streams with a zero timestamp, so the same script always writes
byte-identical blobs and the layout's digests never change. The image is small on
purpose (a few KB): a Debian-like base layer with real package metadata (the
Dockerfile's `ADD rootfs.tar.gz /`) and an application layer (`COPY hello.sh`).

Usage: python3 examples/build-example.py [OUT_DIR]   (default: examples/hello/image)
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))

OS_RELEASE = """PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
"""

# Real stanzas (trimmed descriptions) from Debian 12's /var/lib/dpkg/status.
DPKG_STATUS = """Package: base-files
Essential: yes
Status: install ok installed
Priority: required
Section: admin
Installed-Size: 341
Maintainer: Santiago Vila <sanvila@debian.org>
Architecture: amd64
Multi-Arch: foreign
Version: 12.4+deb12u5
Description: Debian base system miscellaneous files

Package: zlib1g
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 168
Maintainer: Mark Brown <broonie@debian.org>
Architecture: amd64
Multi-Arch: same
Source: zlib
Version: 1:1.2.13.dfsg-1
Depends: libc6 (>= 2.14)
Description: compression library - runtime

Package: libssl3
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 6200
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Architecture: amd64
Multi-Arch: same
Source: openssl
Version: 3.0.11-1~deb12u2
Depends: libc6 (>= 2.34)
Description: Secure Sockets Layer toolkit - shared libraries
"""

PASSWD = "root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001::/app:/usr/sbin/nologin\n"


def tar_layer(entries):
    """entries: list of (path, kind, data_or_target, mode). Returns uncompressed tar bytes."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path, kind, data, mode in sorted(entries, key=lambda e: e[0]):
            info = tarfile.TarInfo(path)
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mode = mode
            if kind == "dir":
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def gzip_bytes(data):
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, compresslevel=9, filename="") as gz:
        gz.write(data)
    return out.getvalue()


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def write_blob(out, data):
    digest = sha256(data)
    path = os.path.join(out, "blobs", "sha256", digest.split(":")[1])
    with open(path, "wb") as f:
        f.write(data)
    return digest


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "hello", "image")
    hello = open(os.path.join(HERE, "hello", "hello.sh"), "rb").read()
    layers = [
        tar_layer([
            ("etc", "dir", b"", 0o755),
            ("etc/os-release", "file", OS_RELEASE.encode(), 0o644),
            ("etc/passwd", "file", PASSWD.encode(), 0o644),
            ("var", "dir", b"", 0o755),
            ("var/lib", "dir", b"", 0o755),
            ("var/lib/dpkg", "dir", b"", 0o755),
            ("var/lib/dpkg/status", "file", DPKG_STATUS.encode(), 0o644),
            ("tmp", "dir", b"", 0o1777),
        ]),
        tar_layer([
            ("app", "dir", b"", 0o755),
            ("app/hello.sh", "file", hello, 0o755),
        ]),
    ]
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "blobs", "sha256"))
    descriptors = []
    for layer in layers:
        blob = gzip_bytes(layer)
        descriptors.append({
            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": write_blob(out, blob),
            "size": len(blob),
        })
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": {
            "User": "10001",
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "Entrypoint": ["/app/hello.sh"],
            "WorkingDir": "/app",
            "Labels": {"org.opencontainers.image.source": "https://github.com/secchain/secchain"},
        },
        "rootfs": {"type": "layers", "diff_ids": [sha256(layer) for layer in layers]},
        "history": [
            {"created": "1970-01-01T00:00:00Z", "created_by": "ADD rootfs.tar.gz /"},
            {"created": "1970-01-01T00:00:00Z", "created_by": "COPY hello.sh /app/hello.sh"},
            {"created": "1970-01-01T00:00:00Z", "created_by": "USER 10001", "empty_layer": True},
            {"created": "1970-01-01T00:00:00Z", "created_by": "WORKDIR /app", "empty_layer": True},
            {"created": "1970-01-01T00:00:00Z", "created_by": "ENTRYPOINT [\"/app/hello.sh\"]", "empty_layer": True},
        ],
    }
    config_bytes = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": write_blob(out, config_bytes),
            "size": len(config_bytes),
        },
        "layers": descriptors,
    }
    manifest_bytes = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    index = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": write_blob(out, manifest_bytes),
            "size": len(manifest_bytes),
            "platform": {"architecture": "amd64", "os": "linux"},
            "annotations": {"org.opencontainers.image.ref.name": "1.0"},
        }],
    }
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f, sort_keys=True, separators=(",", ":"))
    with open(os.path.join(out, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    print(f"wrote {out}: manifest {index['manifests'][0]['digest']}")


if __name__ == "__main__":
    main()
