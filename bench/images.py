"""Benchmark images, built without Docker and cached between runs.

Every layer is a tarball written here with Python's tarfile: entries in sorted
order, mtime 0, uid/gid 0, no user or group names, gzip header without name or
time, so the same inputs always give the same digests. Whiteouts are ordinary
entries named `.wh.NAME` (and `.wh..wh..opq` for an opaque directory).

Images are written as OCI image layouts (index.json + blobs/sha256/...), one
directory per image, tagged `latest`; `bench.py` pushes them to a local
registry with `crane push`. Layers shared by several images (the Debian base)
are built once into a content store and hard-linked into each layout.

Cache layout (under `CACHE`, i.e. ~/.cache/secchain-bench/images-<VERSION>):
    store/sha256/<hex>       layer blobs
    store/layers/<key>.json  what each built layer is (digest, diff_id, sizes)
    layouts/<image>/         OCI layouts; `<image>.json` next to it is the summary

The rootfs trees come from the sbom tests' fixture script
(crates/sbom/tests/fixtures/build.sh): a `debootstrap --variant=minbase`
Debian 12, `pip install --target` of 22 requirements (58 distributions with
their dependencies), `npm install` of 12 packages (~480 with dependencies).
"""

import gzip
import io
import hashlib
import json
import os
import random
import shutil
import stat
import tarfile
import tempfile
from typing import Iterator

# Bump when anything below changes what an image contains: old caches are ignored.
VERSION = "v1"

MiB = 1 << 20

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def canonical_json(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


class _HashingWriter:
    """A write-only file object that hashes and counts what passes through."""

    def __init__(self, inner):
        self.inner = inner
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data):
        self.sha.update(data)
        self.size += len(data)
        self.inner.write(data)
        return len(data)

    def flush(self):
        self.inner.flush()


class PseudoRandom:
    """A seeded, file-like stream of `size` bytes that gzip halves but cannot collapse.

    Each 4 KiB block is 2 KiB of pseudo-random bytes written twice: the repeat
    is found by deflate, the random half is not, so the blob is about half the
    size of the content (like real binaries) and decompression does real work.
    """

    def __init__(self, seed, size):
        self.rng = random.Random(seed)
        self.left = size
        self.buf = b""

    def read(self, n=-1):
        if n is None or n < 0:
            n = self.left
        n = min(n, self.left)
        while len(self.buf) < n:
            half = self.rng.randbytes(2048)
            self.buf += half + half
        out, self.buf = self.buf[:n], self.buf[n:]
        self.left -= n
        return out


class LayerWriter:
    """Writes one deterministic layer tarball (gzip) and hashes it on the way."""

    def __init__(self, path):
        self.path = path
        self.file = open(path, "wb")
        self.blob = _HashingWriter(self.file)
        self.gz = gzip.GzipFile(filename="", mode="wb", fileobj=self.blob, mtime=0, compresslevel=6)
        self.diff = _HashingWriter(self.gz)
        self.tar = tarfile.open(fileobj=self.diff, mode="w|", format=tarfile.PAX_FORMAT)
        self.dirs = set()
        self.files = 0
        self.whiteouts = 0

    def _info(self, name, kind, mode, size=0, linkname=""):
        ti = tarfile.TarInfo(name)
        ti.type = kind
        ti.mode = mode
        ti.size = size
        ti.linkname = linkname
        ti.mtime = 0
        ti.uid = ti.gid = 0
        ti.uname = ti.gname = ""
        return ti

    def add_parents(self, name):
        """Adds the directory entries above `name` that this layer has not written yet."""
        parts = name.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in self.dirs:
                self.add_dir(d)

    def add_dir(self, name, mode=0o755):
        name = name.strip("/")
        self.add_parents(name)
        self.dirs.add(name)
        self.tar.addfile(self._info(name, tarfile.DIRTYPE, mode))

    def add_file(self, name, fileobj, size, mode=0o644):
        self.add_parents(name)
        self.tar.addfile(self._info(name, tarfile.REGTYPE, mode, size), fileobj)
        self.files += 1

    def add_bytes(self, name, data, mode=0o644):
        self.add_file(name, io.BytesIO(data), len(data), mode)

    def add_whiteout(self, path):
        """Deletes `path` (file or directory) of a lower layer."""
        head, _, base = path.strip("/").rpartition("/")
        self.add_bytes(f"{head}/.wh.{base}" if head else f".wh.{base}", b"")
        self.whiteouts += 1

    def add_opaque(self, directory):
        """Hides everything lower layers put in `directory`."""
        self.add_bytes(f"{directory.strip('/')}/.wh..wh..opq", b"")
        self.whiteouts += 1

    def add_files(self, src: str, dest: str, rels: list[str]) -> None:
        """Adds the regular files `rels` (paths relative to `src`, in the given order) under `dest`."""
        for rel in rels:
            path = os.path.join(src, rel)
            mode = stat.S_IMODE(os.stat(path).st_mode)
            with open(path, "rb") as f:
                self.add_file(f"{dest.strip('/')}/{rel}", f, os.path.getsize(path), mode)

    def add_tree(self, src, dest, skip=()):
        """Adds the tree at `src` as `dest`, depth first in sorted order.

        `skip` holds paths relative to `src` whose contents are left out (the
        directory itself is kept). Hard links become tar hard links; sockets,
        pipes and device nodes are left out.
        """
        dest = dest.strip("/")
        if dest and dest not in self.dirs:
            self.add_dir(dest)
        links = {}
        self._add_tree(src, "", dest, set(skip), links)

    def _add_tree(self, src, rel, dest, skip, links):
        if rel in skip:
            return
        with os.scandir(os.path.join(src, rel) if rel else src) as it:
            entries = sorted(it, key=lambda e: e.name)
        for e in entries:
            r = f"{rel}/{e.name}" if rel else e.name
            name = f"{dest}/{r}" if dest else r
            st = e.stat(follow_symlinks=False)
            mode = stat.S_IMODE(st.st_mode)
            if stat.S_ISDIR(st.st_mode):
                self.dirs.add(name)
                self.tar.addfile(self._info(name, tarfile.DIRTYPE, mode))
                self._add_tree(src, r, dest, skip, links)
            elif stat.S_ISLNK(st.st_mode):
                self.tar.addfile(self._info(name, tarfile.SYMTYPE, mode, linkname=os.readlink(e.path)))
            elif stat.S_ISREG(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if st.st_nlink > 1 and key in links:
                    self.tar.addfile(self._info(name, tarfile.LNKTYPE, mode, linkname=links[key]))
                    continue
                links[key] = name
                with open(e.path, "rb") as f:
                    self.add_file(name, f, st.st_size, mode)

    def close(self):
        """Finishes the tarball; returns (blob digest, diff_id, blob size, tar size)."""
        self.tar.close()
        self.gz.close()
        self.file.close()
        return (
            "sha256:" + self.blob.sha.hexdigest(),
            "sha256:" + self.diff.sha.hexdigest(),
            self.blob.size,
            self.diff.size,
        )


class Builder:
    """Builds layers into the content store and images into OCI layouts, with caching."""

    def __init__(self, cache, fixtures, quick, log):
        self.cache = cache
        self.fixtures = fixtures  # {"debian": DIR, "pypi": DIR, "npm": DIR or None}
        self.quick = quick
        self.log = log
        self.store = os.path.join(cache, "store")
        os.makedirs(os.path.join(self.store, "sha256"), exist_ok=True)
        os.makedirs(os.path.join(self.store, "layers"), exist_ok=True)
        os.makedirs(os.path.join(cache, "layouts"), exist_ok=True)

    def blob_path(self, digest):
        return os.path.join(self.store, "sha256", digest.split(":", 1)[1])

    # -- layers ---------------------------------------------------------------

    def layer(self, key, fill, created_by):
        """Returns the layer `key`, building it with `fill(LayerWriter)` unless cached."""
        meta_path = os.path.join(self.store, "layers", key + ".json")
        if os.path.exists(meta_path):
            with open(meta_path) as f:
                meta = json.load(f)
            if os.path.exists(self.blob_path(meta["digest"])):
                return meta
        self.log(f"building layer {key}")
        fd, tmp = tempfile.mkstemp(dir=self.store, prefix=".layer-")
        os.close(fd)
        try:
            w = LayerWriter(tmp)
            fill(w)
            digest, diff_id, size, tar_size = w.close()
            os.replace(tmp, self.blob_path(digest))
        except BaseException:
            os.unlink(tmp)
            raise
        meta = {
            "key": key,
            "digest": digest,
            "diff_id": diff_id,
            "size": size,
            "uncompressed": tar_size,
            "files": w.files,
            "whiteouts": w.whiteouts,
            "created_by": created_by,
        }
        with open(meta_path + ".tmp", "w") as f:
            json.dump(meta, f, indent=1)
        os.replace(meta_path + ".tmp", meta_path)
        return meta

    def debian_base(self):
        def fill(w):
            # Like the official images: no apt lists or package caches.
            w.add_tree(self.fixtures["debian"], "", skip={"var/lib/apt/lists", "var/cache/apt"})

        return self.layer("debian-base", fill, "debootstrap --variant=minbase bookworm")

    # -- images ---------------------------------------------------------------

    def image(self, name, layers, config):
        """Writes the OCI layout `layouts/NAME` (tag `latest`) unless it is up to date."""
        layout = os.path.join(self.cache, "layouts", name)
        summary_path = layout + ".json"
        diff_ids = [m["diff_id"] for m in layers]
        cfg = {
            "architecture": "amd64",
            "os": "linux",
            "created": "1970-01-01T00:00:00Z",
            "config": config,
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": [{"created": "1970-01-01T00:00:00Z", "created_by": m["created_by"]} for m in layers],
        }
        cfg_bytes = canonical_json(cfg)
        cfg_digest = "sha256:" + hashlib.sha256(cfg_bytes).hexdigest()
        manifest = {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "digest": cfg_digest, "size": len(cfg_bytes)},
            "layers": [{"mediaType": OCI_LAYER_GZIP, "digest": m["digest"], "size": m["size"]} for m in layers],
        }
        man_bytes = canonical_json(manifest)
        man_digest = "sha256:" + hashlib.sha256(man_bytes).hexdigest()
        if os.path.exists(summary_path):
            with open(summary_path) as f:
                old = json.load(f)
            if old.get("digest") == man_digest and os.path.isdir(layout):
                return old
        self.log(f"writing OCI layout {layout}")
        shutil.rmtree(layout, ignore_errors=True)
        blobs = os.path.join(layout, "blobs", "sha256")
        os.makedirs(blobs)
        for m in layers:
            os.link(self.blob_path(m["digest"]), os.path.join(blobs, m["digest"].split(":", 1)[1]))
        for digest, data in ((cfg_digest, cfg_bytes), (man_digest, man_bytes)):
            with open(os.path.join(blobs, digest.split(":", 1)[1]), "wb") as f:
                f.write(data)
        with open(os.path.join(layout, "oci-layout"), "w") as f:
            f.write('{"imageLayoutVersion":"1.0.0"}')
        index = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [{
                "mediaType": OCI_MANIFEST,
                "digest": man_digest,
                "size": len(man_bytes),
                "annotations": {"org.opencontainers.image.ref.name": "latest"},
            }],
        }
        with open(os.path.join(layout, "index.json"), "wb") as f:
            f.write(canonical_json(index))
        summary = {
            "name": name,
            "layout": layout,
            "digest": man_digest,
            "layers": len(layers),
            "compressed": sum(m["size"] for m in layers),
            "uncompressed": sum(m["uncompressed"] for m in layers),
            "files": sum(m["files"] for m in layers),
            "whiteouts": sum(m["whiteouts"] for m in layers),
            "layer_digests": [m["digest"] for m in layers],
        }
        with open(summary_path + ".tmp", "w") as f:
            json.dump(summary, f, indent=1)
        os.replace(summary_path + ".tmp", summary_path)
        return summary

    def debian(self):
        return self.image("debian", [self.debian_base()], {"Env": [PATH_ENV], "Cmd": ["bash"]})

    def python(self):
        """Debian + a layer of PyPI packages in site-packages + the application."""
        src = self.fixtures["pypi"]
        site = "usr/local/lib/python3.11/site-packages"

        def packages(w):
            w.add_tree(src, site, skip={"bin"})
            if os.path.isdir(os.path.join(src, "bin")):
                w.add_tree(os.path.join(src, "bin"), "usr/local/bin")

        reqs = []
        for d in sorted(os.listdir(src)):
            if d.endswith(".dist-info"):
                fields = {}
                with open(os.path.join(src, d, "METADATA"), encoding="utf-8", errors="replace") as f:
                    for line in f:
                        if not line.strip():
                            break
                        k, _, v = line.partition(":")
                        fields.setdefault(k.strip(), v.strip())
                reqs.append(f"{fields['Name']}=={fields['Version']}\n")

        def app(w):
            w.add_bytes("app/requirements.txt", "".join(reqs).encode())
            w.add_bytes("app/app.py", b"import flask\napp = flask.Flask(__name__)\n")

        layers = [
            self.debian_base(),
            self.layer("python-packages", packages, f"pip install --target {site} -r requirements.txt"),
            self.layer("python-app", app, "COPY app /app"),
        ]
        return self.image("python", layers, {
            "Env": [PATH_ENV, f"PYTHONPATH=/{site}"],
            "Cmd": ["python3", "/app/app.py"],
            "WorkingDir": "/app",
        })

    def node(self):
        """Debian + a layer with node_modules (several hundred npm packages) + the application."""
        src = self.fixtures["npm"]

        def modules(w):
            w.add_tree(os.path.join(src, "node_modules"), "app/node_modules")

        def app(w):
            for f in ("package.json", "package-lock.json"):
                with open(os.path.join(src, f), "rb") as fh:
                    w.add_bytes(f"app/{f}", fh.read())
            w.add_bytes("app/index.js", b"const express = require('express');\nexpress().listen(8080);\n")

        layers = [
            self.debian_base(),
            self.layer("node-modules", modules, "npm ci --ignore-scripts"),
            self.layer("node-app", app, "COPY . /app"),
        ]
        return self.image("node", layers, {
            "Env": [PATH_ENV, "NODE_ENV=production"],
            "Cmd": ["node", "/app/index.js"],
            "WorkingDir": "/app",
        })

    def large(self):
        """At least 1 GB uncompressed (about 380 MB with --quick) over 6 layers, with whiteouts.

        Layers: the Debian base; vendor libraries (seeded pseudo-random, 2:1
        compressible); many small real files (copies of the PyPI and npm
        trees); model files (pseudo-random); an update layer that deletes
        files and directories of lower layers (whiteouts, an opaque
        directory) and replaces some; the application.
        """
        q = self.quick
        tag = "quick" if q else "full"
        n_libs, lib_size = (4, 16 * MiB) if q else (10, 36 * MiB)
        n_models, model_size = (2, 32 * MiB) if q else (4, 80 * MiB)
        trees = [("pypi", self.fixtures["pypi"])]
        if not q:
            trees.append(("npm", os.path.join(self.fixtures["npm"], "node_modules")))

        def libs(w):
            for i in range(n_libs):
                w.add_file(f"opt/vendor/lib/libvendor{i:02d}.so", PseudoRandom(100 + i, lib_size), lib_size, 0o755)

        def small(w):
            # Twice in the full image: ~500 MB of real small files.
            for copy in range(1 if q else 2):
                for name, src in trees:
                    w.add_tree(src, f"srv/data/{name}{copy}")

        def models(w):
            for i in range(n_models):
                w.add_file(f"opt/models/model-{i}.bin", PseudoRandom(200 + i, model_size), model_size)

        def update(w):
            w.add_whiteout("opt/vendor/lib/libvendor01.so")
            w.add_whiteout("opt/vendor/lib/libvendor03.so")
            w.add_file("opt/vendor/lib/libvendor03.so.2", PseudoRandom(300, lib_size // 2), lib_size // 2, 0o755)
            w.add_whiteout("opt/models/model-1.bin")
            w.add_file("opt/models/model-0.bin", PseudoRandom(301, model_size // 4), model_size // 4)
            w.add_whiteout("srv/data/pypi0/django")          # a whole directory
            w.add_opaque("srv/data/pypi0/botocore")          # its contents replaced
            w.add_bytes("srv/data/pypi0/botocore/__init__.py", b"# replaced\n")
            w.add_whiteout("usr/share/doc")
            if not q:
                w.add_whiteout("srv/data/npm1/webpack")

        def app(w):
            w.add_file("usr/local/bin/server", PseudoRandom(400, 24 * MiB), 24 * MiB, 0o755)
            for i in range(200):
                w.add_bytes(f"etc/server/conf.d/{i:03d}.conf", f"# part {i}\nlisten {8000 + i}\n".encode())

        layers = [
            self.debian_base(),
            self.layer(f"large-{tag}-libs", libs, "COPY vendor /opt/vendor"),
            self.layer(f"large-{tag}-small", small, "COPY data /srv/data"),
            self.layer(f"large-{tag}-models", models, "COPY models /opt/models"),
            self.layer(f"large-{tag}-update", update, "RUN update.sh"),
            self.layer(f"large-{tag}-app", app, "COPY server /usr/local/bin/server"),
        ]
        return self.image(f"large-{tag}", layers, {
            "Env": [PATH_ENV],
            "Cmd": ["/usr/local/bin/server"],
        })

    # -- the scale family -----------------------------------------------------

    def scale(self, name: str, target: int) -> dict:
        """An image of about `target` uncompressed bytes made only of real PyPI distributions.

        The same material at every size, so the scale rows show how time grows
        with size alone: whole copies of the PyPI tree (one layer each, under
        /opt/appN/site-packages), then one partial copy holding the
        distributions (whole, in name order, skipping those that do not fit)
        that fill the rest. Every copy keeps its `.dist-info`, so an SBOM
        finds the packages of every copy.
        """
        dists = python_distributions(self.fixtures["pypi"])
        full = sum(size for _, _, size in dists)
        # Tar headers (512 bytes per entry and PAX records) add a few percent: aim a little lower.
        content = int(target * 0.95)
        copies, rest = divmod(content, full)
        layers = [self._scale_copy(i, [rels for _, rels, _ in dists], "all") for i in range(copies)]
        partial = list(fill_greedily(dists, rest))
        if partial:
            layers.append(self._scale_copy(copies, partial, f"{rest}"))
        return self.image(name, layers, {"Env": [PATH_ENV], "Cmd": ["python3"]})

    def _scale_copy(self, index: int, parts: list[list[str]], what: str) -> dict:
        """Layer `index` of a scale image: the files `parts` of the PyPI tree under /opt/appN."""
        src = self.fixtures["pypi"]
        rels = sorted(rel for part in parts for rel in part)
        dest = f"opt/app{index}/site-packages"

        def fill(w: LayerWriter) -> None:
            w.add_files(src, dest, rels)

        return self.layer(f"scale-{index}-{what}", fill, f"pip install --target /{dest} (copy {index})")


def python_distributions(site: str) -> list[tuple[str, list[str], int]]:
    """(name, files relative to `site`, bytes) of each distribution installed in `site`, by name.

    The files are those of the distribution's RECORD that exist under `site`
    (scripts installed elsewhere, `../../bin/...`, are left out).
    """
    out = []
    for d in sorted(os.listdir(site)):
        record = os.path.join(site, d, "RECORD")
        if not (d.endswith(".dist-info") and os.path.isfile(record)):
            continue
        rels = sorted(set(_record_paths(site, record)))
        size = sum(os.path.getsize(os.path.join(site, r)) for r in rels)
        out.append((d, rels, size))
    return out


def _record_paths(site: str, record: str) -> Iterator[str]:
    with open(record, encoding="utf-8", errors="replace") as f:
        for line in f:
            rel = line.rsplit(",", 2)[0].strip().strip('"')
            if rel and not rel.startswith(("..", "/")) and os.path.isfile(os.path.join(site, rel)):
                yield os.path.normpath(rel)


def fill_greedily(dists: list[tuple[str, list[str], int]], budget: int) -> Iterator[list[str]]:
    """The file lists of the distributions, in order, that fit in `budget` bytes together."""
    used = 0
    for _, rels, size in dists:
        if used + size <= budget:
            used += size
            yield rels
