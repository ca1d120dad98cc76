"""The generated vulnerability database for the scan benchmarks.

An OSV export (one zip of JSON records, like OSV's `all.zip`) of N advisories:

- N minus a few thousand synthetic advisories over Debian, Alpine, PyPI, npm,
  Go and Maven, the same records as secchain-scan's `gen_db` example (ids
  BENCH-nnnnnnn, ~6 advisories per package name), so `gen_db` can run its
  matching micro-benchmark on a database `secchain db import` built;
- two advisories for every real package of the benchmark images (dpkg status
  of the Debian rootfs, the PyPI distributions, the npm packages): one that
  affects the installed version (`last_affected`) and one fixed at it, so a
  full scan of an image does real matching and finds something.
"""

import json
import os
import zipfile

# Bump when the generated records change: the cached zip is rebuilt.
VERSION = "v1"

ECOS = [
    ("Debian:12", "Debian"),
    ("Alpine:v3.19", "Alpine"),
    ("PyPI", "PyPI"),
    ("npm", "npm"),
    ("Go", "Go"),
    ("Maven", "Maven"),
]
CVSS = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"


def _name(eco, i):
    if eco == "Go":
        return f"example.com/mod{i}/pkg"
    if eco == "Maven":
        return f"org.example{i % 97}:artifact{i}"
    return f"pkg-{i}"


def _version(eco, major, minor):
    if eco == "Debian":
        return f"{major}.{minor}-1+deb12u1"
    if eco == "Alpine":
        return f"{major}.{minor}.0-r0"
    return f"{major}.{minor}.0"


def _advisory(adv_id, alias, eco_full, pkg, range_type, events, summary):
    return {
        "schema_version": "1.6.0",
        "id": adv_id,
        "modified": "2024-06-01T00:00:00Z",
        "aliases": [alias],
        "summary": summary,
        "severity": [{"type": "CVSS_V3", "score": CVSS}],
        "affected": [{
            "package": {"ecosystem": eco_full, "name": pkg},
            "ranges": [{"type": range_type, "events": events}],
        }],
        "references": [{"type": "ADVISORY", "url": f"https://example.com/advisories/{adv_id}"}],
    }


def synthetic(i, names_per_eco):
    """Record i of gen_db's scheme."""
    eco_full, eco = ECOS[i % len(ECOS)]
    pkg = _name(eco, (i // len(ECOS)) % names_per_eco)
    a, b = i % 7, i % 13
    return _advisory(
        f"BENCH-{i:07d}", f"CVE-2099-{i:07d}", eco_full, pkg,
        "SEMVER" if eco in ("npm", "Go") else "ECOSYSTEM",
        [{"introduced": "0"}, {"fixed": _version(eco, a + 1, b)}],
        f"Generated advisory {i} for {pkg}",
    )


def real_packages(debian_rootfs, pypi_tree, npm_tree):
    """(OSV ecosystem, name, version) of the packages in the benchmark images."""
    pkgs = set()
    status = os.path.join(debian_rootfs, "var/lib/dpkg/status")
    with open(status, encoding="utf-8", errors="replace") as f:
        for para in f.read().split("\n\n"):
            fields = {}
            for line in para.splitlines():
                if line[:1] not in (" ", "\t") and ":" in line:
                    k, _, v = line.partition(":")
                    fields[k] = v.strip()
            if "Package" in fields and "Version" in fields:
                # Debian advisories name the source package (with its version when it differs).
                src = fields.get("Source", fields["Package"])
                name, _, ver = src.partition(" ")
                pkgs.add(("Debian:12", name, ver.strip("()") or fields["Version"]))
    for d in os.listdir(pypi_tree):
        if d.endswith(".dist-info"):
            meta = {}
            with open(os.path.join(pypi_tree, d, "METADATA"), encoding="utf-8", errors="replace") as f:
                for line in f:
                    if not line.strip():
                        break
                    k, _, v = line.partition(":")
                    meta.setdefault(k.strip(), v.strip())
            pkgs.add(("PyPI", meta["Name"], meta["Version"]))
    if npm_tree:
        for root, dirs, files in os.walk(os.path.join(npm_tree, "node_modules")):
            dirs.sort()
            parent = os.path.dirname(root)
            # A package is node_modules/NAME or node_modules/@SCOPE/NAME (at any depth).
            is_pkg = os.path.basename(parent) == "node_modules" or (
                os.path.basename(parent).startswith("@") and os.path.basename(os.path.dirname(parent)) == "node_modules"
            )
            if "package.json" in files and is_pkg:
                try:
                    with open(os.path.join(root, "package.json"), encoding="utf-8") as f:
                        pj = json.load(f)
                except (OSError, ValueError):
                    continue
                if isinstance(pj, dict) and pj.get("name") and pj.get("version"):
                    pkgs.add(("npm", pj["name"], pj["version"]))
    return sorted(pkgs)


def write_zip(path, n, real):
    """Writes the OSV export with `n` advisories in all to `path` (atomically)."""
    names_per_eco = max(n // len(ECOS) // 6, 1)
    n_synthetic = n - 2 * len(real)
    tmp = path + ".tmp"
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for i in range(n_synthetic):
            z.writestr(f"BENCH-{i:07d}.json", json.dumps(synthetic(i, names_per_eco)))
        for j, (eco, name, ver) in enumerate(real):
            range_type = "SEMVER" if eco == "npm" else "ECOSYSTEM"
            for k, (event, word) in enumerate((("last_affected", "affects"), ("fixed", "was fixed in"))):
                adv_id = f"REAL-{j:05d}-{k}"
                adv = _advisory(adv_id, f"CVE-2098-{j:05d}{k}", eco, name, range_type,
                                [{"introduced": "0"}, {event: ver}],
                                f"Generated advisory that {word} {name} {ver}")
                z.writestr(f"{adv_id}.json", json.dumps(adv))
    os.replace(tmp, path)
    return n_synthetic
