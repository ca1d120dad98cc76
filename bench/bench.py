#!/usr/bin/env python3
"""secchain's benchmark harness (issue #9): the measurement logic behind `bench/run`.

Builds (or reuses) the benchmark images (see images.py), serves them from a
local `docker-registry` and as OCI layouts, runs each secchain command and its
peer alternately, several times, and writes a table with medians, min-max,
ratios and peak RSS to BENCHMARKS.md.

Timing: wall time of each process from spawn to exit; peak RSS is the
maximum resident set size GNU time reports for the child (the largest of
the child and any descendant it waited for). No number is ever made up: a
command that fails is shown as failed, a command that does not exist yet as
"not measured".
"""

import argparse
import datetime
import glob
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the work tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import images  # noqa: E402
import scan_db  # noqa: E402


def log(msg):
    print(f"bench [{time.strftime('%H:%M:%S')}]: {msg}", file=sys.stderr, flush=True)


# -- running and timing commands ---------------------------------------------------


class Run:
    """One timed execution."""

    def __init__(self, wall, rss_kib, rc, stderr_tail):
        self.wall, self.rss_kib, self.rc, self.stderr_tail = wall, rss_kib, rc, stderr_tail


# GNU time (set from --time): measures peak RSS. Python's own wait4 cannot: a
# child forked from this process starts with the interpreter's resident set,
# which would hide every peak below it.
TIME = "/usr/bin/time"


def run_once(cmd, env=None, cwd=None, stdout=None):
    """Runs `cmd` (argv list); returns a Run. stdout goes to the file `stdout` or /dev/null.

    Wall time is measured here; peak RSS is GNU time's `%M` (the child's
    ru_maxrss, which covers the descendants it waited for).
    """
    full_env = dict(os.environ, **(env or {}))
    with tempfile.NamedTemporaryFile(prefix="time-") as tf, tempfile.TemporaryFile() as err, \
            open(stdout or os.devnull, "wb") as out:
        t0 = time.perf_counter()
        p = subprocess.Popen([TIME, "-f", "%M", "-o", tf.name, "--", *cmd], env=full_env, cwd=cwd,
                             stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        p.wait()
        wall = time.perf_counter() - t0
        err.seek(0)
        tail = err.read()[-1500:].decode(errors="replace")
        lines = [ln for ln in open(tf.name).read().splitlines() if ln.strip()]
    # GNU time adds "Command exited with non-zero status N" before the format line.
    rss = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    return Run(wall, rss, p.returncode, tail)


class Side:
    """One side of a comparison: a command, how to prepare each run, which exit codes are fine."""

    def __init__(self, label, cmd, env=None, cwd=None, ok=(0,), prepare=None, warmup=0, keep_output=False):
        self.label = label
        self.cmd = cmd
        self.env = env or {}
        self.cwd = cwd
        self.ok = ok  # None: any exit code is fine (it is reported)
        self.prepare = prepare  # called before each run; returns (extra env, cleanup callable)
        self.warmup = warmup  # untimed runs first (to fill a cache)
        self.keep_output = keep_output
        self.runs = []
        self.failure = None
        self.output = None  # stdout of the last run, when keep_output

    def execute(self, tmp, timed=True):
        if self.failure:
            return
        extra, cleanup = self.prepare() if self.prepare else ({}, None)
        out = os.path.join(tmp, "stdout") if self.keep_output else None
        try:
            r = run_once(self.cmd, env=dict(self.env, **extra), cwd=self.cwd, stdout=out)
        finally:
            if cleanup:
                cleanup()
        if self.ok is not None and r.rc not in self.ok:
            self.failure = f"exit {r.rc}: {r.stderr_tail.strip().splitlines()[-1] if r.stderr_tail.strip() else ''}"
            log(f"{self.label} failed (exit {r.rc}); stderr tail:\n{r.stderr_tail}")
            return
        if out:
            with open(out, "rb") as f:
                self.output = f.read()
        if timed:
            self.runs.append(r)

    def stats(self):
        walls = [r.wall for r in self.runs]
        return {
            "median": statistics.median(walls),
            "min": min(walls),
            "max": max(walls),
            "rss_kib": max(r.rss_kib for r in self.runs),
            "exit_codes": sorted({r.rc for r in self.runs}),
            "runs": walls,
        }


class Row:
    """A line of the results table."""

    def __init__(self, group, name, ours, peer=None, note="", not_measured=None):
        self.group, self.name, self.ours, self.peer = group, name, ours, peer
        self.note, self.not_measured = note, not_measured


def compare(row, runs, tmp):
    """Runs both sides of `row` alternately, `runs` times each (after their warm-ups)."""
    sides = [s for s in (row.ours, row.peer) if s]
    log(f"{row.group}: {row.name} ({runs} runs)")
    for s in sides:
        for _ in range(s.warmup):
            s.execute(tmp, timed=False)
    for _ in range(runs):
        for s in sides:
            s.execute(tmp)
    return row


# -- helpers -----------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalRegistry:
    """A `docker-registry` (distribution 2.8) on a free loopback port, with its own storage."""

    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "registry")
        os.makedirs(self.dir)
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        cfg = os.path.join(self.dir, "config.yml")
        with open(cfg, "w") as f:
            f.write(
                "version: 0.1\n"
                "log: {level: error, accesslog: {disabled: true}}\n"
                f"storage: {{filesystem: {{rootdirectory: {self.dir}/storage}}, delete: {{enabled: true}}}}\n"
                f"http: {{addr: '{self.host}'}}\n"
            )
        self.logfile = open(os.path.join(self.dir, "registry.log"), "wb")
        self.proc = subprocess.Popen(["docker-registry", "serve", cfg], stdout=self.logfile, stderr=self.logfile)
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://{self.host}/v2/", timeout=1).read()
                break
            except Exception:
                if self.proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"docker-registry did not start; see {self.dir}/registry.log")
                time.sleep(0.2)
        log(f"docker-registry listening on {self.host}")

    def stop(self):
        # It does not stop promptly on SIGTERM: wait briefly, then SIGKILL.
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.logfile.close()


def version_of(cmd, pattern=r"\d+\.\d+(\.\d+)?"):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        m = re.search(pattern, out.stdout + out.stderr)
        return m.group(0) if m else "?"
    except OSError:
        return "?"


def deb_version(name):
    """The version of a tool unpacked by scripts/install-test-tools (from its packages.txt)."""
    path = os.path.join(os.environ.get("SECCHAIN_TOOLS_DIR", ""), "packages.txt")
    try:
        with open(path) as f:
            for line in f:
                pkg, _, ver = line.strip().partition(" ")
                if pkg == name:
                    return ver
    except OSError:
        pass
    return "?"


def works(cmd):
    """Whether `cmd` runs and exits 0 (used to detect unfinished subcommands)."""
    try:
        return subprocess.run(cmd, capture_output=True, timeout=60).returncode == 0
    except OSError:
        return False


def count_components(data):
    try:
        return len(json.loads(data).get("components", []))
    except (ValueError, AttributeError, TypeError):
        return None


def md_cell(text):
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def human_bytes(n):
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.2f} {unit}" if unit == "GB" else f"{n / size:.0f} {unit}"
    return f"{n} B"


def machine_info():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    return {
        "cores": os.cpu_count(),
        "memory": f"{mem_kib / (1 << 20):.1f} GiB",
        "cpu": cpu,
        "kernel": platform.release(),
    }


def git_commit(repo):
    def git(*a):
        return subprocess.run(["git", "-C", repo, *a], capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "?"
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    return commit


# -- the benchmarks ----------------------------------------------------------------


class Bench:
    def __init__(self, args):
        self.args = args
        self.repo = args.repo
        self.secchain = args.secchain
        self.read_all = args.read_all
        self.runs = args.runs
        self.rows = []
        self.work = tempfile.mkdtemp(prefix="secchain-bench-", dir=args.tmp)
        self.registry = None
        self.scan_db = None  # the generated vulnerability database, once imported
        self.images = {}
        self.refs = {}

    # The image set: Debian, Python, Node (not with --quick), large.
    def build_images(self):
        fixtures = {"debian": self.args.debian_rootfs, "pypi": self.args.pypi_tree, "npm": self.args.npm_tree}
        cache = os.path.join(self.args.cache, f"images-{images.VERSION}")
        b = images.Builder(cache, fixtures, self.args.quick, log)
        self.images["debian"] = b.debian()
        self.images["python"] = b.python()
        if not self.args.quick:
            self.images["node"] = b.node()
        self.images["large"] = b.large()

    def serve_images(self):
        self.registry = LocalRegistry(self.work)
        for name, img in self.images.items():
            ref = f"{self.registry.host}/bench/{name}:latest"
            log(f"pushing {name} to {ref}")
            subprocess.run(["crane", "push", "--insecure", img["layout"], ref], check=True, capture_output=True)
            digest = subprocess.run(["crane", "digest", "--insecure", ref], check=True, capture_output=True, text=True).stdout.strip()
            if digest != img["digest"]:
                raise RuntimeError(f"{ref} is {digest}, expected {img['digest']}")
            self.refs[name] = ref

    def fresh(self, var):
        """A `prepare` callback: `var` names a new empty directory, removed after the run."""

        def prepare():
            d = tempfile.mkdtemp(dir=self.work, prefix="fresh-")
            return {var: d}, lambda: shutil.rmtree(d, ignore_errors=True)

        return prepare

    def wanted(self, name):
        return self.args.only is None or self.args.only == name

    def add(self, row):
        self.rows.append(row)
        if not row.not_measured:
            compare(row, self.runs, self.work)
        return row

    # image read: secchain's layer walk vs `crane export` (cold), vs gunzip of the cached blobs (warm)
    def bench_read(self):
        for name in ("large", "node" if "node" in self.images else "python"):
            img, ref = self.images[name], self.refs[name]
            size = f"{human_bytes(img['uncompressed'])}, {img['layers']} layers"
            row = self.add(Row(
                "image read", f"{name} ({size}) from the registry, cold cache",
                Side("secchain read_all", [self.read_all, ref], prepare=self.fresh("SECCHAIN_CACHE_DIR"),
                     keep_output=True),
                Side("crane export", ["crane", "export", "--insecure", ref, "-"]),
            ))
            m = re.search(rb"(\d+) files, (\d+) whiteouts, (\d+) bytes", row.ours.output or b"")
            read = f"{int(m[1]):,} files ({human_bytes(int(m[3]))}) and {int(m[2])} whiteouts" if m else "?"
            row.note = (f"read_all reads the content of every file of every layer through walk_layers ({read}); "
                        "crane export writes the flattened tar to /dev/null")
            warm = tempfile.mkdtemp(dir=self.work, prefix="warm-")
            blobs = [os.path.join(warm, "sha256", d.split(":", 1)[1]) for d in img["layer_digests"]]
            self.add(Row(
                "image read", f"{name} from the registry, warm cache",
                Side("secchain read_all", [self.read_all, ref], env={"SECCHAIN_CACHE_DIR": warm}, warmup=1),
                Side("gzip -dc of the cached blobs", ["gzip", "-dc", *blobs]),
                note="the peer only decompresses the blobs secchain cached: a lower bound for any reader",
            ))
            shutil.rmtree(warm, ignore_errors=True)

    # SBOM: `secchain sbom` vs `syft`, from the registry and from OCI layouts
    def bench_sbom(self):
        syft_env = {
            "SYFT_REGISTRY_INSECURE_USE_HTTP": "true",
            "SYFT_CHECK_FOR_APP_UPDATE": "false",
        }
        for name in ("debian", "python", "node"):
            if name not in self.images:
                continue
            img, ref = self.images[name], self.refs[name]
            for where, ours_src, peer_src, prep in (
                ("registry", ref, f"registry:{ref}", self.fresh("SECCHAIN_CACHE_DIR")),
                ("OCI layout", f"oci:{img['layout']}", f"oci-dir:{img['layout']}", None),
            ):
                row = Row(
                    "sbom", f"{name} ({human_bytes(img['uncompressed'])}) from {'the registry, cold cache' if where == 'registry' else 'an OCI layout'}",
                    Side("secchain sbom", [self.secchain, "sbom", ours_src, "-o", "cyclonedx-json"],
                         prepare=prep, keep_output=True),
                    Side("syft", [self.args.syft, peer_src, "-o", "cyclonedx-json"], env=syft_env,
                         prepare=self.fresh("TMPDIR"), keep_output=True),
                )
                self.add(row)
                counts = [count_components(s.output) if s.output else None for s in (row.ours, row.peer)]
                row.note = f"components: secchain {counts[0]}, syft {counts[1]}"

    # lint: the lint corpus, secchain vs hadolint (empty config, never failing)
    def bench_lint(self):
        files = sorted(glob.glob(os.path.join(self.repo, "crates/lint/tests/corpus/*.Dockerfile")))
        empty = os.path.join(self.work, "hadolint.yaml")
        with open(empty, "w") as f:
            f.write("ignored: []\n")
        row = self.add(Row(
            "lint", f"{len(files)} Dockerfiles of the lint corpus",
            Side("secchain lint", [self.secchain, "lint", "-f", "json", *files], ok=(0, 1), cwd=self.work,
                 keep_output=True),
            Side("hadolint", ["hadolint", "--no-fail", "--config", empty, "-f", "json", *files], cwd=self.work,
                 keep_output=True),
        ))
        try:
            ours = [f["rule"] for file in json.loads(row.ours.output)["files"] for f in file["findings"]]
            ours_note = f"secchain {len(ours)} ({sum(r.startswith('DL') for r in ours)} DL, " \
                        f"{sum(r.startswith('SEC') for r in ours)} SEC)"
        except (TypeError, ValueError, KeyError):
            ours_note = "secchain ?"
        try:
            peer_note = f"hadolint {len(json.loads(row.peer.output))}"
        except (TypeError, ValueError):
            peer_note = "hadolint ?"
        row.note = f"one process for the whole corpus, JSON output; findings: {ours_note}, {peer_note}" \
                   " (exit 1: secchain's error gate fails on the corpus' bad files, as it should)"

    # sign + verify: only once `secchain sign` exists
    def bench_sign(self):
        name = "sign + verify (key pair, local registry)"
        if not (works([self.secchain, "sign", "--help"]) and works([self.secchain, "verify", "--help"])):
            self.add(Row("sign", name, None, not_measured="not measured: secchain sign not available yet"))
            return
        keys = os.path.join(self.work, "keys")
        os.makedirs(keys)
        env = {"COSIGN_PASSWORD": "bench-password"}
        subprocess.run(["cosign", "generate-key-pair"], cwd=keys, env=dict(os.environ, **env), check=True, capture_output=True)
        key, pub = os.path.join(keys, "cosign.key"), os.path.join(keys, "cosign.pub")
        # Each tool signs its own copy of the Debian image, so neither sees the other's signatures.
        img = self.images["debian"]
        refs = {}
        for tool in ("secchain", "cosign"):
            r = f"{self.registry.host}/bench/sign-{tool}"
            subprocess.run(["crane", "push", "--insecure", img["layout"], f"{r}:latest"], check=True, capture_output=True)
            refs[tool] = f"{r}@{img['digest']}"
        ours = ["bash", "-c", 'set -e; "$0" sign --key "$1" "$3"; "$0" verify --key "$2" "$3"',
                self.secchain, key, pub, refs["secchain"]]
        peer = ["bash", "-c",
                'set -e; cosign sign --key "$0" --use-signing-config=false --tlog-upload=false '
                '--allow-insecure-registry -y "$2"; '
                'cosign verify --key "$1" --insecure-ignore-tlog=true --allow-insecure-registry "$2"',
                key, pub, refs["cosign"]]
        self.add(Row("sign", name, Side("secchain sign+verify", ours, env=env), Side("cosign sign+verify", peer, env=env),
                     note="debian image; one signature more on every run"))

    # scan: only once `secchain scan` and `secchain db` exist
    def bench_scan(self):
        if not (works([self.secchain, "scan", "--help"]) and works([self.secchain, "db", "--help"])):
            self.add(Row("scan", "database import, matching micro-benchmark and full scans", None,
                         not_measured="not measured yet: secchain scan / secchain db not available"))
            return
        n = 300_000
        npm = self.args.npm_tree
        zip_path = os.path.join(self.args.cache, f"scan-{scan_db.VERSION}", f"osv-{n}-{'with' if npm else 'no'}-npm.zip")
        os.makedirs(os.path.dirname(zip_path), exist_ok=True)
        if not os.path.exists(zip_path):
            log(f"generating the OSV export of {n:,} advisories (once)")
            real = scan_db.real_packages(self.args.debian_rootfs, self.args.pypi_tree, npm)
            scan_db.write_zip(zip_path, n, real)
        real_note = f"{n:,} advisories ({human_bytes(os.path.getsize(zip_path))} zip)"

        # Import: a fresh database file on every run.
        db_dir = os.path.join(self.work, "scan-db")
        os.makedirs(db_dir)
        db = os.path.join(db_dir, "vuln.db")
        fresh_db = self.fresh("SECCHAIN_BENCH_DB_DIR")
        self.add(Row(
            "scan", f"`secchain db import` of {n:,} OSV advisories",
            Side("secchain db import", ["bash", "-c", '"$0" db import --db "$SECCHAIN_BENCH_DB_DIR/vuln.db" "$1"',
                                        self.secchain, zip_path], prepare=fresh_db),
            note=real_note + "; no peer (grype and trivy are not installable here and import their own databases)",
        ))
        setup = run_once([self.secchain, "db", "import", "--db", db, zip_path])
        if setup.rc != 0:
            log(f"db import failed:\n{setup.stderr_tail}")
            return
        self.scan_db = db

        # Matching micro-benchmark: secchain-scan's gen_db example on the imported database.
        if self.args.scan_gen_db:
            row = Row("scan", f"matching micro-benchmark: 5,000 packages × {n:,} advisories (gen_db example)",
                      Side("gen_db", [self.args.scan_gen_db, str(n), "5000", "1", db_dir], keep_output=True))
            self.add(row)
            m = re.search(r"match: .*", (row.ours.output or b"").decode(errors="replace"))
            row.note = "the time is the whole process (open + 11 matching rounds); its own line: " + (
                f"`{m.group(0)}`" if m else "missing")
        else:
            self.add(Row("scan", "matching micro-benchmark", None,
                         not_measured="not measured: the secchain-scan gen_db example did not build"))

        # Full scans of the images from the registry (cold blob cache), JSON report.
        for name in ("debian", "python", "node"):
            if name not in self.refs:
                continue
            row = Row(
                "scan", f"full scan of {name} from the registry, cold cache",
                Side("secchain scan", [self.secchain, "scan", "--db", db, "-f", "json", self.refs[name]], ok=(0, 1),
                     prepare=self.fresh("SECCHAIN_CACHE_DIR"), keep_output=True),
            )
            self.add(row)
            found = len(set(re.findall(rb"REAL-\d{5}-\d", row.ours.output or b"")))
            row.note = f"{found} distinct generated advisories reported; no peer"

    # the whole example pipeline, dry run (no peer; its exit code and the stages' outcomes are reported)
    def bench_pipeline(self):
        targets = [("pipeline.example.yaml (examples/hello, a 3-package OCI layout)", [])]
        if "python" in self.refs:
            targets.append((f"pipeline.example.yaml with `--image` the python image ({human_bytes(self.images['python']['uncompressed'])}) "
                            "from the registry, cold cache", ["--image", self.refs["python"]]))
        env = {"SECCHAIN_DB": self.scan_db} if self.scan_db else {}
        for i, (what, extra) in enumerate(targets):
            out = os.path.join(self.work, f"pipeline-out-{i}")
            row = self.add(Row(
                "pipeline", f"`secchain run --dry-run -f` {what}",
                Side("secchain run", [self.secchain, "run", "--dry-run", "-q", "-f", "pipeline.example.yaml",
                                      "--out", out, *extra],
                     cwd=self.repo, ok=None, env=env, prepare=self.fresh("SECCHAIN_CACHE_DIR")),
            ))
            try:
                with open(os.path.join(out, "report.json")) as f:
                    stages = json.load(f)["stages"]
                outcomes = {}
                for st in stages:
                    outcomes.setdefault(st.get("outcome", "?"), []).append(st.get("name", "?"))
                row.note = "stages: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(outcomes.items()))
                errors = [st for st in stages if st.get("outcome") == "error"]
                if errors:
                    row.note += " (" + "; ".join(f"{st['name']}: {st.get('reason', '')}" for st in errors) + ")"
            except (OSError, ValueError, KeyError):
                row.note = "no report.json"
            if self.scan_db:
                row.note += "; scan uses the generated database"

    def run(self):
        try:
            # lint needs no images
            if any(self.wanted(n) for n in ("read", "sbom", "sign", "scan", "pipeline")):
                self.build_images()
                self.serve_images()
            for name in ("read", "sbom", "lint", "sign", "scan", "pipeline"):
                if self.wanted(name):
                    getattr(self, f"bench_{name}")()
        finally:
            if self.registry:
                self.registry.stop()
            shutil.rmtree(self.work, ignore_errors=True)
        self.report()

    # -- the report ------------------------------------------------------------------

    def report(self):
        m = machine_info()
        versions = {
            "crane": deb_version("crane"),
            "cosign": deb_version("cosign"),
            "docker-registry": deb_version("docker-registry"),
            "syft": version_of([self.args.syft, "version"]),
            "hadolint": version_of(["hadolint", "--version"]),
        }
        mode = "quick" if self.args.quick else "full"
        if self.args.only:
            mode += f", only {self.args.only}"
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        lines = [
            "# secchain benchmarks",
            "",
            "Written by `bench/run` (see [bench/README.md](bench/README.md)); do not edit by hand.",
            "",
            f"- **Machine:** {m['cores']} cores ({m['cpu']}), {m['memory']} memory, Linux {m['kernel']}",
            f"- **Date:** {now}; **secchain commit:** {git_commit(self.repo)}; **mode:** {mode}, {self.runs} runs per command",
            "- **Peers:** " + ", ".join(f"{k} {v}" for k, v in versions.items()),
            "- **Method:** each command runs alternately with its peer; wall time median (min–max) in seconds; "
            "peak RSS is the largest over the runs (GNU time's maximum resident set size of the process and the children it waited for). "
            "Ratio = secchain median / peer median (below 1: secchain is faster). "
            "\"Cold cache\": secchain's blob cache (`SECCHAIN_CACHE_DIR`) and syft's temp dir are fresh, empty directories "
            "on every run; the OS page cache is warm. The registry is `docker-registry` on loopback.",
            "",
            "## Images",
            "",
            "| image | layers | files | whiteouts | compressed | uncompressed | digest |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for name, img in self.images.items():
            lines.append(f"| {name} | {img['layers']} | {img['files']} | {img['whiteouts']} | "
                         f"{human_bytes(img['compressed'])} | {human_bytes(img['uncompressed'])} | `{img['digest'][:19]}…` |")
        lines += [
            "",
            "## Results",
            "",
            "| benchmark | secchain (s) | peer | peer (s) | ratio | peak RSS secchain | peak RSS peer | notes |",
            "|---|---|---|---|---:|---:|---:|---|",
        ]
        raw = []
        for r in self.rows:
            lines.append(self.format_row(r))
            raw.append({
                "group": r.group, "name": r.name, "note": r.note, "not_measured": r.not_measured,
                "secchain": self.side_json(r.ours), "peer": self.side_json(r.peer),
            })
        lines += [
            "",
            "## Notes",
            "",
            "- Warm image read: the peer is one `gzip -dc` over the cached blobs, a lower bound for any reader; "
            "secchain also parses the tar, checks each blob's digest (twice: on the cache hit and while streaming) "
            "and diff_id, and opens the next layer from the cache while it walks the current one (2 cores).",
            "- syft is timed through its binary (not the PyPI wrapper script), with update checks off and "
            "`SYFT_REGISTRY_INSECURE_USE_HTTP=true`.",
            "- Rows without a peer: no vulnerability scanner is installable here (grype and trivy are in none of the "
            "reachable registries and need their own databases); the pipeline has no single-tool equivalent.",
        ]
        missing = [r for r in self.rows if r.not_measured]
        failed = [r for r in self.rows if any(s and s.failure for s in (r.ours, r.peer))]
        for r in missing:
            lines.append(f"- Not measured: {r.group}: {r.name}: {r.not_measured}.")
        for r in failed:
            lines.append(f"- Failed: {r.group}: {r.name} (see the table).")
        lines.append("")
        text = "\n".join(lines)
        print(text)
        with open(self.args.output, "w") as f:
            f.write(text)
        raw_path = os.path.join(self.args.cache, "last-run.json")
        with open(raw_path, "w") as f:
            json.dump({"machine": m, "versions": versions, "mode": mode, "images": self.images, "rows": raw}, f, indent=1)
        log(f"wrote {self.args.output} (raw numbers in {raw_path})")

    @staticmethod
    def side_json(side):
        if side is None:
            return None
        return {"label": side.label, "failure": side.failure, **(side.stats() if side.runs else {})}

    @staticmethod
    def cell(side):
        """(time cell, rss cell, median) for one side."""
        if side is None:
            return "—", "—", None
        if side.failure:
            return f"failed ({md_cell(side.failure)})", "—", None
        s = side.stats()
        t = f"{s['median']:.3f} ({s['min']:.3f}–{s['max']:.3f})"
        if side.ok is None or s["exit_codes"] != [0]:
            t += f", exit {'/'.join(map(str, s['exit_codes']))}"
        return t, f"{s['rss_kib'] / 1024:.0f} MiB", s["median"]

    def format_row(self, r):
        r.note = md_cell(r.note)
        name = f"**{r.group}**: {r.name}"
        if r.not_measured:
            return f"| {name} | {r.not_measured} | | | | | | |"
        ours_t, ours_rss, a = self.cell(r.ours)
        peer_t, peer_rss, b = self.cell(r.peer)
        ratio = f"{a / b:.2f}×" if a is not None and b else "—"
        peer_label = r.peer.label if r.peer else "no peer"
        return f"| {name} | {ours_t} | {peer_label} | {peer_t} | {ratio} | {ours_rss} | {peer_rss} | {r.note} |"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="smaller large image, no Node image, 3 runs")
    p.add_argument("--only", choices=["read", "sbom", "lint", "sign", "scan", "pipeline"])
    p.add_argument("--runs", type=int, default=None, help="runs per command (default 5, 3 with --quick; at least 3)")
    p.add_argument("--repo", required=True)
    p.add_argument("--secchain", required=True)
    p.add_argument("--read-all", required=True)
    p.add_argument("--syft", required=True, help="the syft binary itself (not the PyPI wrapper script)")
    p.add_argument("--scan-gen-db", default=None)
    p.add_argument("--debian-rootfs", required=True)
    p.add_argument("--pypi-tree", required=True)
    p.add_argument("--npm-tree", default=None)
    p.add_argument("--cache", required=True)
    p.add_argument("--tmp", default=None, help="where per-run scratch space goes (default: under --cache)")
    p.add_argument("--output", required=True)
    p.add_argument("--time", default="/usr/bin/time", help="GNU time, for peak RSS")
    args = p.parse_args()
    if args.runs is None:
        args.runs = 3 if args.quick else 5
    if args.runs < 3:
        p.error("--runs must be at least 3")
    if not args.quick and not args.npm_tree:
        p.error("--npm-tree is required without --quick")
    if args.tmp is None:
        args.tmp = os.path.join(args.cache, "tmp")
    os.makedirs(args.tmp, exist_ok=True)
    global TIME
    TIME = args.time
    Bench(args).run()


if __name__ == "__main__":
    main()
