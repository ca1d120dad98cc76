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
from typing import Callable, Optional

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
        self.outputs: list[bytes] = []  # stdout of every timed run, when keep_output

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
            self.failure = f"exit {r.rc}: " + (r.stderr_tail.strip().splitlines()[-1] if r.stderr_tail.strip()
                                               else "nothing on stderr")
            log(f"{self.label} failed (exit {r.rc}); stderr tail:\n{r.stderr_tail}")
            return
        if out:
            with open(out, "rb") as f:
                self.output = f.read()
        if timed:
            self.runs.append(r)
            if out:
                self.outputs.append(self.output)

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

    def __init__(self, group, name, ours, peer=None, note="", not_measured=None, targets=()):
        self.group, self.name, self.ours, self.peer = group, name, ours, peer
        self.note, self.not_measured = note, not_measured
        self.targets: list["Target"] = list(targets)
        self.value: Optional[float] = None  # a number the command printed itself (e.g. gen_db's ms)


def median_of(side: Optional[Side]) -> Optional[float]:
    """The median wall time of a side that ran without failing, else None."""
    if side is None or side.failure or not side.runs:
        return None
    return statistics.median(r.wall for r in side.runs)


def ratio_of(row: Row) -> Optional[float]:
    """secchain's median over the peer's (None when either is missing)."""
    a, b = median_of(row.ours), median_of(row.peer)
    return a / b if a is not None and b else None


def speedup_of(row: Row) -> Optional[float]:
    """How many times faster secchain is than the peer (peer median over secchain's)."""
    r = ratio_of(row)
    return 1 / r if r else None


def ours_rss_mb(row: Row) -> Optional[float]:
    """secchain's peak RSS over the runs, in MB (10^6 bytes)."""
    if row.ours is None or row.ours.failure or not row.ours.runs:
        return None
    return max(r.rss_kib for r in row.ours.runs) * 1024 / 1e6


class Target:
    """A goal from the issues, checked against the numbers of one row.

    `measure` takes the row's number (a ratio, a speed-up, MB, ms); `at_most`
    says which side of `limit` passes; `text` is how the goal reads in the table.
    """

    def __init__(self, text: str, measure: Callable[[Row], Optional[float]], limit: float,
                 at_most: bool = True, strict: bool = False, unit: str = "×"):
        self.text, self.measure, self.limit = text, measure, limit
        self.at_most, self.strict, self.unit = at_most, strict, unit

    def met(self, row: Row) -> Optional[bool]:
        """Whether the row meets the goal (None: nothing to judge, e.g. a failed command)."""
        v = self.measure(row)
        if v is None:
            return None
        if self.at_most:
            return v < self.limit if self.strict else v <= self.limit
        return v > self.limit if self.strict else v >= self.limit

    def verdict(self, row: Row) -> str:
        """`GOAL: measured → met / MISSED / not judged`, for the table and the summary."""
        v, ok = self.measure(row), self.met(row)
        got = "—" if v is None else (f"{v:.2f}{self.unit}" if self.unit.startswith("×") else f"{v:.0f} {self.unit}")
        word = "not judged" if ok is None else ("met" if ok else "**MISSED**")
        return f"{self.text}: {got} → {word}"


def ratio_at_most(limit: float, peer: str) -> Target:
    """secchain's time at most `limit` times the peer's."""
    return Target(f"≤ {limit:g}× {peer}", ratio_of, limit)


def speedup_at_least(limit: float, peer: str) -> Target:
    """secchain at least `limit` times faster than the peer."""
    return Target(f"≥ {limit:g}× faster than {peer}", speedup_of, limit, at_most=False, unit="× faster")


def value_at_most(text: str, limit: float, unit: str) -> Target:
    """The row's own printed number (`Row.value`) at most `limit`."""
    return Target(text, lambda row: row.value, limit, unit=unit)


READ_MEMORY = Target("peak RSS < 150 MB", ours_rss_mb, 150, strict=True, unit="MB")


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


def fmt_duration(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds >= 90 else f"{seconds:.0f} s"


def secs(v: float) -> str:
    return f"{v:.3f} s"


def millis(v: float) -> str:
    return f"{v:.1f} ms"


def growth_cell(value: Optional[float], previous: Optional[float], fmt: Callable[[float], str]) -> str:
    """`fmt(value)`, with `(×value/previous)` when there is a previous point; "—" for no value."""
    if value is None:
        return "—"
    if previous:
        return f"{fmt(value)} (×{value / previous:.1f})"
    return fmt(value)


def ratio_cell(row: "Row") -> str:
    r = ratio_of(row)
    return f"{r:.2f}×" if r is not None else "—"


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

GROUPS = ("read", "sbom", "lint", "sign", "secrets", "scan", "pipeline", "scale")

# syft against the loopback registry, without its update check.
SYFT_ENV = {"SYFT_REGISTRY_INSECURE_USE_HTTP": "true", "SYFT_CHECK_FOR_APP_UPDATE": "false"}

# The scale points: image sizes (uncompressed bytes; the last is 400 MB with --quick),
# packages matched, advisories in the database.
SCALE_IMAGES = (("scale-10mb", 10_000_000), ("scale-100mb", 100_000_000), ("scale-1gb", 1_000_000_000))
SCALE_QUICK_LAST = ("scale-400mb", 400_000_000)
SCALE_PACKAGES = (100, 1_000, 5_000)
SCALE_ADVISORIES = (10_000, 100_000, 300_000)
SCALE_RUNS = 3  # per point, whatever --runs says: enough to show growth, and it keeps the full run short


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
        self.durations: dict[str, float] = {}  # seconds per group (and for building and serving the images)
        self.load_at_start = os.getloadavg()  # other work on the machine skews wall times: reported
        sizes = list(SCALE_IMAGES[:-1]) + [SCALE_QUICK_LAST if args.quick else SCALE_IMAGES[-1]]
        self.scale_sizes: dict[str, int] = dict(sizes)
        self.scale_names = [name for name, _ in sizes]
        self.scale_images: list[tuple[str, Row, Row]] = []
        self.scale_packages: list[tuple[int, Row]] = []
        self.scale_advisories: list[tuple[int, int, Row, Optional[int], Optional[Row]]] = []
        self.scale_notes: list[str] = []

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
        if self.wanted("scale"):
            for name in self.scale_names:
                self.images[name] = b.scale(name, self.scale_sizes[name])

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

    def add(self, row: Row) -> Row:
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
                targets=[ratio_at_most(1.3, "crane export"), READ_MEMORY],
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
                targets=[ratio_at_most(1.1, "gzip -dc"), READ_MEMORY],
            ))
            shutil.rmtree(warm, ignore_errors=True)

    # SBOM: `secchain sbom` vs `syft`, from the registry and from OCI layouts
    def bench_sbom(self):
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
                    Side("syft", [self.args.syft, peer_src, "-o", "cyclonedx-json"], env=SYFT_ENV,
                         prepare=self.fresh("TMPDIR"), keep_output=True),
                    targets=[speedup_at_least(3, "syft")],
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
            targets=[speedup_at_least(5, "hadolint")],
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
        # `verify --signature-only`: what cosign verify checks (by default secchain verify checks the whole chain).
        ours = ["bash", "-c", 'set -e; "$0" sign --key "$1" "$3"; "$0" verify --signature-only --key "$2" "$3"',
                self.secchain, key, pub, refs["secchain"]]
        peer = ["bash", "-c",
                'set -e; cosign sign --key "$0" --use-signing-config=false --tlog-upload=false '
                '--allow-insecure-registry -y "$2"; '
                'cosign verify --key "$1" --insecure-ignore-tlog=true --allow-insecure-registry "$2"',
                key, pub, refs["cosign"]]
        self.add(Row("sign", name, Side("secchain sign+verify", ours, env=env), Side("cosign sign+verify", peer, env=env),
                     note="debian image; one signature more on every run",
                     targets=[Target("≤ cosign (ratio ≤ 1)", ratio_of, 1.0)]))

    # -- the vulnerability databases (scan and scale) ----------------------------------

    def has_scan(self) -> bool:
        """Whether this secchain has `scan` and `db` (the scan rows are "not measured" otherwise)."""
        return works([self.secchain, "scan", "--help"]) and works([self.secchain, "db", "--help"])

    def osv_zip(self, n: int) -> str:
        """The generated OSV export of `n` advisories (scan_db.py), written once into the cache."""
        npm = self.args.npm_tree
        path = os.path.join(self.args.cache, f"scan-{scan_db.VERSION}", f"osv-{n}-{'with' if npm else 'no'}-npm.zip")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if not os.path.exists(path):
            log(f"generating the OSV export of {n:,} advisories (once)")
            real = scan_db.real_packages(self.args.debian_rootfs, self.args.pypi_tree, npm)
            scan_db.write_zip(path, n, real)
        return path

    def import_row(self, group: str, name: str, zip_path: str, note: str = "") -> Row:
        """Times `secchain db import` of `zip_path` into a fresh database file on every run."""
        return self.add(Row(
            group, name,
            Side("secchain db import", ["bash", "-c", '"$0" db import --db "$SECCHAIN_BENCH_DB_DIR/vuln.db" "$1"',
                                        self.secchain, zip_path], prepare=self.fresh("SECCHAIN_BENCH_DB_DIR")),
            note=note,
        ))

    def imported_db(self, zip_path: str, tag: str) -> Optional[str]:
        """Imports `zip_path` once (untimed) into `work/db-TAG/vuln.db`; None (logged) when it fails."""
        db_dir = os.path.join(self.work, f"db-{tag}")
        os.makedirs(db_dir, exist_ok=True)
        db = os.path.join(db_dir, "vuln.db")
        if not os.path.exists(db):
            setup = run_once([self.secchain, "db", "import", "--db", db, zip_path])
            if setup.rc != 0:
                log(f"db import of {zip_path} failed:\n{setup.stderr_tail}")
                return None
        return db

    def match_row(self, group: str, name: str, advisories: int, packages: int, db: str) -> Row:
        """secchain-scan's gen_db example matching `packages` packages against the database `db`.

        `Row.value` is the median over the runs of the matching time gen_db prints
        itself (the mean of 10 rounds, database open and warm-up excluded).
        """
        cmd = [self.args.scan_gen_db, str(advisories), str(packages), "1", os.path.dirname(db)]
        row = self.add(Row(group, name, Side("gen_db", cmd, keep_output=True)))
        times = [float(m[1]) for out in row.ours.outputs
                 if (m := re.search(rb"match: \d+ packages in ([\d.]+) ms wall", out))]
        row.value = statistics.median(times) if times and len(times) == len(row.ours.outputs) else None
        last = re.search(r"match: .*", (row.ours.output or b"").decode(errors="replace"))
        row.note = (f"matching alone: {row.value:.1f} ms (median over the runs of gen_db's own mean of 10 rounds); "
                    if row.value is not None else "matching time missing from gen_db's output; ") + \
            "the process time includes opening the database and 11 rounds; last run's line: " + \
            (f"`{last.group(0)}`" if last else "missing")
        return row

    # scan: only once `secchain scan` and `secchain db` exist
    def bench_scan(self):
        if not self.has_scan():
            self.add(Row("scan", "database import, matching micro-benchmark and full scans", None,
                         not_measured="not measured yet: secchain scan / secchain db not available"))
            return
        n = 300_000
        zip_path = self.osv_zip(n)
        self.import_row("scan", f"`secchain db import` of {n:,} OSV advisories", zip_path,
                        f"{n:,} advisories ({human_bytes(os.path.getsize(zip_path))} zip); no peer (grype and trivy "
                        "are not installable here and import their own databases)")
        db = self.imported_db(zip_path, str(n))
        if db is None:
            return
        self.scan_db = db

        # Matching micro-benchmark: secchain-scan's gen_db example on the imported database.
        if self.args.scan_gen_db:
            self.match_row("scan", f"matching micro-benchmark: 5,000 packages × {n:,} advisories (gen_db example)",
                           n, 5000, db).targets.append(value_at_most("5,000 packages in ≤ 200 ms", 200, "ms"))
        else:
            self.add(Row("scan", "matching micro-benchmark", None,
                         not_measured="not measured: the secchain-scan gen_db example did not build"))

        # Full scans of the images from the registry (cold blob cache), JSON report.
        for name in ("debian", "python", "node"):
            if name not in self.refs:
                continue
            row = self.add(Row("scan", f"full scan of {name} from the registry, cold cache",
                               self.scan_side(name, db)))
            row.note = f"{self.reported_advisories(row.ours)} distinct generated advisories reported; no peer"
        self.bench_scan_vs_read(db)

    def scan_side(self, name: str, db: str) -> Side:
        """`secchain scan --db DB -f json IMAGE` from the registry with a cold blob cache (exit 1: findings)."""
        return Side("secchain scan", [self.secchain, "scan", "--db", db, "-f", "json", self.refs[name]], ok=(0, 1),
                    prepare=self.fresh("SECCHAIN_CACHE_DIR"), keep_output=True)

    def read_side(self, name: str) -> Side:
        """read_all of the image from the registry with a cold blob cache: the image-read baseline."""
        return Side("read_all (image read)", [self.read_all, self.refs[name]], prepare=self.fresh("SECCHAIN_CACHE_DIR"))

    @staticmethod
    def reported_advisories(side: Side) -> int:
        return len(set(re.findall(rb"REAL-\d{5}-\d", side.output or b"")))

    def bench_scan_vs_read(self, db: str):
        """Issue #13: a full scan of `large` against reading its layers, alternately."""
        img = self.images["large"]
        row = self.add(Row(
            "scan", f"full scan of large ({human_bytes(img['uncompressed'])}) vs reading its layers, "
                    "from the registry, cold cache",
            self.scan_side("large", db), self.read_side("large"),
            targets=[ratio_at_most(1.2, "read")],
        ))
        row.note = (f"{self.reported_advisories(row.ours)} distinct generated advisories reported; the peer is the "
                    "image-read benchmark's read_all (every file's content), the bound issue #13 sets")

    # secrets: the `secrets` stage alone on `large`, against reading the same layers
    def bench_secrets(self):
        """Issue #5: secret scanning of `large` at most 1.5× the time to read its layers."""
        pipeline = os.path.join(self.work, "secrets-pipeline.yaml")
        # `image:` in the file too: the configuration check does not see `--image` (it asks for `image:`).
        with open(pipeline, "w") as f:
            json.dump({"version": 1, "image": self.refs["large"], "stages": [{"kind": "secrets"}]}, f)  # JSON is YAML
        out = os.path.join(self.work, "secrets-out")
        img = self.images["large"]
        row = self.add(Row(
            "secrets", f"`secrets` stage alone on large ({human_bytes(img['uncompressed'])}) vs reading its layers, "
                       "from the registry, cold cache",
            Side("secchain run (secrets stage)",
                 [self.secchain, "run", "--dry-run", "-q", "-f", pipeline, "--image", self.refs["large"], "--out", out],
                 ok=(0, 1), prepare=self.fresh("SECCHAIN_CACHE_DIR")),
            self.read_side("large"),
            targets=[ratio_at_most(1.5, "read")],
        ))
        row.note = (f"`secchain run --dry-run` of a pipeline with one `secrets` stage (default settings: files above "
                    f"10 MiB are decompressed but not searched; hygiene checks on; exit 1 when its gate fails); "
                    f"{self.secrets_summary(out)}; "
                    "the peer is the image-read benchmark's read_all")

    @staticmethod
    def secrets_summary(out: str) -> str:
        """The last run's outcome and one-line summary of the secrets stage, from report.json."""
        try:
            with open(os.path.join(out, "report.json")) as f:
                stage = json.load(f)["stages"][0]
            return f"the stage's outcome: {stage['outcome']} ({stage.get('summary', '')})"
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            return "no report.json"

    # the whole example pipeline, dry run (no peer; its exit code and the stages' outcomes are reported)
    def bench_pipeline(self):
        self.pipeline_row("pipeline.example.yaml as is (examples/hello, a 3-package OCI layout, its own advisories)",
                          os.path.join(self.repo, "pipeline.example.yaml"), [], 0)
        if "python" not in self.refs:
            return
        variant, what = self.pipeline_variant()
        img = self.images["python"]
        self.pipeline_row(f"a copy of pipeline.example.yaml ({what}) with `--image` the python image "
                          f"({human_bytes(img['uncompressed'])}) from the registry, cold cache",
                          variant, ["--image", self.refs["python"]], 1)

    def pipeline_variant(self) -> tuple[str, str]:
        """A copy of the example pipeline valid for the python image: (its path, what changed).

        The python image sets no `User`, which the policy stage refuses without
        `with.image_config.user`; the copy sets a non-root one. Once `secchain db`
        exists, its scan stage matches against the generated 300,000-advisory
        database (the scan group's, or imported here) instead of the example's few
        advisories. The copy sits in the scratch directory next to a symlink to
        `examples/`, so its relative paths still resolve.
        """
        import yaml  # PyYAML: only here, to edit the example without a string template

        with open(os.path.join(self.repo, "pipeline.example.yaml")) as f:
            doc = yaml.safe_load(f)
        if self.scan_db is None and self.has_scan():
            self.scan_db = self.imported_db(self.osv_zip(300_000), "300000")
        changes = ['the policy stage\'s `image_config.user` set to "10001:10001"']
        for stage in doc["stages"]:
            if stage.get("kind") == "policy":
                stage.setdefault("with", {}).setdefault("image_config", {})["user"] = "10001:10001"
            if stage.get("kind") == "scan" and self.scan_db:
                stage.setdefault("with", {}).pop("advisories", None)
                stage["with"]["db"] = self.scan_db
                changes.append("the scan stage on the generated 300,000-advisory database")
        where = os.path.join(self.work, "pipeline-variant")
        os.makedirs(where, exist_ok=True)
        os.symlink(os.path.join(self.repo, "examples"), os.path.join(where, "examples"))
        path = os.path.join(where, "pipeline.bench.yaml")
        with open(path, "w") as f:
            yaml.safe_dump(doc, f, sort_keys=False)
        return path, "; ".join(changes)

    def pipeline_row(self, what: str, pipeline: str, extra: list[str], i: int) -> Row:
        out = os.path.join(self.work, f"pipeline-out-{i}")
        row = self.add(Row(
            "pipeline", f"`secchain run --dry-run -f` {what}",
            Side("secchain run", [self.secchain, "run", "--dry-run", "-q", "-f", pipeline, "--out", out, *extra],
                 cwd=os.path.dirname(pipeline), ok=None, prepare=self.fresh("SECCHAIN_CACHE_DIR")),
        ))
        row.note = self.stage_outcomes(out)
        return row

    @staticmethod
    def stage_outcomes(out: str) -> str:
        """`passed: a, b; failed: c (reason)` from the last run's report.json."""
        try:
            with open(os.path.join(out, "report.json")) as f:
                stages = json.load(f)["stages"]
        except (OSError, ValueError, KeyError, TypeError):
            return "no report.json"
        outcomes: dict[str, list[str]] = {}
        for st in stages:
            outcomes.setdefault(st.get("outcome", "?"), []).append(st.get("name", "?"))
        note = "stages: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(outcomes.items()))
        bad = [st for st in stages if st.get("outcome") != "passed" and st.get("reason")]
        if bad:
            note += " (" + "; ".join(f"{st['name']}: {st['reason']}" for st in bad) + ")"
        return note

    # scale: the same measurements at several sizes (issue #9), SCALE_RUNS runs per point
    def bench_scale(self):
        saved, self.runs = self.runs, SCALE_RUNS
        try:
            self.scale_points()
        finally:
            self.runs = saved

    def scale_points(self):
        for name in self.scale_names:
            self.scale_image_point(name)
        if not self.has_scan():
            self.scale_notes.append("Packages and advisories: not measured (secchain scan / secchain db not available).")
            return
        if not self.args.scan_gen_db:
            self.scale_notes.append("Packages and advisories: not measured (the gen_db example did not build).")
            return
        for n in SCALE_ADVISORIES:
            self.scale_advisory_point(n)
        db = self.imported_db(self.osv_zip(SCALE_ADVISORIES[-1]), str(SCALE_ADVISORIES[-1]))
        for p in SCALE_PACKAGES if db else ():
            row = self.match_row("scale", f"matching {p:,} packages × {SCALE_ADVISORIES[-1]:,} advisories",
                                 SCALE_ADVISORIES[-1], p, db)
            if p == 5000:
                row.targets.append(value_at_most("≤ 200 ms", 200, "ms"))
            self.scale_packages.append((p, row))

    def scale_image_point(self, name: str):
        """Image read (read_all vs crane export) and sbom (secchain vs syft) of one scale image."""
        ref = self.refs[name]
        read = self.add(Row(
            "scale", f"image read: {name}",
            Side("secchain read_all", [self.read_all, ref], prepare=self.fresh("SECCHAIN_CACHE_DIR")),
            Side("crane export", ["crane", "export", "--insecure", ref, "-"]),
        ))
        sbom = self.add(Row(
            "scale", f"sbom: {name}",
            Side("secchain sbom", [self.secchain, "sbom", ref, "-o", "cyclonedx-json"],
                 prepare=self.fresh("SECCHAIN_CACHE_DIR"), keep_output=True),
            Side("syft", [self.args.syft, f"registry:{ref}", "-o", "cyclonedx-json"], env=SYFT_ENV,
                 prepare=self.fresh("TMPDIR"), keep_output=True),
        ))
        self.scale_images.append((name, read, sbom))

    def scale_advisory_point(self, n: int):
        """`secchain db import` of n advisories, the database's size, and matching 5,000 packages on it."""
        zip_path = self.osv_zip(n)
        imp = self.import_row("scale", f"db import: {n:,} advisories", zip_path)
        db = self.imported_db(zip_path, str(n))
        size = sum(os.path.getsize(p) for p in glob.glob(os.path.join(os.path.dirname(db), "*"))) if db else None
        match = self.match_row("scale", f"matching 5,000 packages × {n:,} advisories", n, 5000, db) if db else None
        self.scale_advisories.append((n, os.path.getsize(zip_path), imp, size, match))

    def run(self):
        try:
            # lint needs no images
            if any(self.wanted(n) for n in GROUPS if n != "lint"):
                self.timed("images", self.build_images)
                self.timed("images", self.serve_images)
            for name in GROUPS:
                if self.wanted(name):
                    self.timed(name, getattr(self, f"bench_{name}"))
        finally:
            if self.registry:
                self.registry.stop()
            shutil.rmtree(self.work, ignore_errors=True)
        self.report()

    def timed(self, name: str, step: Callable[[], None]):
        """Runs `step`, adding its wall time to `durations[name]`."""
        t0 = time.perf_counter()
        try:
            step()
        finally:
            self.durations[name] = self.durations.get(name, 0.0) + time.perf_counter() - t0
            log(f"{name}: {self.durations[name]:.0f} s so far")

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
            "- **Durations (wall clock of this run):** " + ", ".join(f"{k} {fmt_duration(v)}" for k, v in self.durations.items()),
            "- **Load average (1, 5, 15 min):** at the start " + ", ".join(f"{x:.1f}" for x in self.load_at_start)
            + "; at the end " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
            + f" (on {m['cores']} cores: above that, other processes competed with the benchmarks)",
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
            "| benchmark | secchain (s) | peer | peer (s) | ratio | peak RSS secchain | peak RSS peer | target | notes |",
            "|---|---|---|---|---:|---:|---:|---|---|",
        ]
        raw = []
        for r in self.rows:
            if r.group != "scale":
                lines.append(self.format_row(r))
            raw.append({
                "group": r.group, "name": r.name, "note": r.note, "not_measured": r.not_measured,
                "secchain": self.side_json(r.ours), "peer": self.side_json(r.peer), "value": r.value,
                "targets": [{"target": t.text, "measured": t.measure(r), "met": t.met(r)} for t in r.targets],
            })
        lines += self.targets_section()
        if self.wanted("scale"):
            lines += self.scale_section()
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
            lines.append(f"- Failed: {r.group}: {r.name} (see the {'Scale section' if r.group == 'scale' else 'table'}).")
        lines.append("")
        text = "\n".join(lines)
        print(text)
        with open(self.args.output, "w") as f:
            f.write(text)
        raw_path = os.path.join(self.args.cache, "last-run.json")
        with open(raw_path, "w") as f:
            json.dump({"machine": m, "versions": versions, "mode": mode, "images": self.images, "rows": raw}, f, indent=1)
        log(f"wrote {self.args.output} (raw numbers in {raw_path})")

    def targets_section(self) -> list[str]:
        """One line per goal of the issues, with its verdict."""
        out = ["", "## Targets", ""]
        for r in self.rows:
            for t in r.targets:
                ok = t.met(r)
                mark = "✅" if ok else ("❌" if ok is False else "—")
                out.append(f"- {mark} **{r.group}**: {md_cell(r.name)}: {md_cell(t.verdict(r))}")
        if len(out) == 3:
            out.append("- No row with a target was measured in this run.")
        return out

    # -- the scale section -----------------------------------------------------------

    def scale_section(self) -> list[str]:
        """The Scale section: one table per dimension, each cell with its growth over the row above."""
        out = ["", "## Scale", "",
               f"The same measurements at several sizes, {SCALE_RUNS} runs per point; each cell is the "
               "median in seconds (or ms, MB) and, from the second size on, its growth over the size above "
               "(×factor), next to the growth of the size itself."]
        out += self.scale_images_table() + self.scale_advisories_table() + self.scale_packages_table()
        out += [f"- {n}" for n in self.scale_notes]
        return out

    def scale_images_table(self) -> list[str]:
        out = ["", "### Image size (from the registry, cold cache)", "",
               "| image | layers, files | uncompressed | secchain read_all | crane export | read ratio | "
               "secchain sbom | syft | sbom ratio | components (secchain, syft) |",
               "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        prev = None
        for name, read, sbom in self.scale_images:
            img = self.images[name]
            cur = [float(img["uncompressed"]), median_of(read.ours), median_of(read.peer),
                   median_of(sbom.ours), median_of(sbom.peer)]
            cells = [growth_cell(v, p, fmt) for v, p, fmt in
                     zip(cur, prev or [None] * 5, [human_bytes, secs, secs, secs, secs])]
            counts = ", ".join(str(count_components(s.output) if s.output else "—") for s in (sbom.ours, sbom.peer))
            out.append(f"| {name} | {img['layers']}, {img['files']:,} | {cells[0]} | "
                       f"{self.failed_or(read.ours, cells[1])} | {self.failed_or(read.peer, cells[2])} | "
                       f"{ratio_cell(read)} | {self.failed_or(sbom.ours, cells[3])} | "
                       f"{self.failed_or(sbom.peer, cells[4])} | {ratio_cell(sbom)} | {counts} |")
            prev = cur
        out += ["", "The images are copies of the PyPI tree (real Python distributions, whole, under "
                "/opt/appN/site-packages, one layer per copy), so only the size changes from one to the next. "
                "Components: secchain lists a package found at several paths once (its identity is type, name, "
                "version, arch), syft once per path, so the counts part once the image holds several copies."]
        return out

    def scale_advisories_table(self) -> list[str]:
        out = ["", "### Advisories in the database", "",
               "| advisories | OSV zip | `secchain db import` (s) | peak RSS import | database size | "
               "matching 5,000 packages (ms) |",
               "|---:|---:|---:|---:|---:|---:|"]
        prev = None
        for n, zip_size, imp, db_size, match in self.scale_advisories:
            cur = [float(n), median_of(imp.ours), db_size and float(db_size), match.value if match else None]
            p = prev or [None] * 4
            rss = f"{max(r.rss_kib for r in imp.ours.runs) / 1024:.0f} MiB" if imp.ours.runs else "—"
            out.append(f"| {growth_cell(cur[0], p[0], lambda v: f'{v:,.0f}')} | {human_bytes(zip_size)} | "
                       f"{self.failed_or(imp.ours, growth_cell(cur[1], p[1], secs))} | {rss} | "
                       f"{growth_cell(cur[2], p[2], human_bytes)} | "
                       f"{self.failed_or(match.ours if match else None, growth_cell(cur[3], p[3], millis))} |")
            prev = cur
        out += ["", "Import: a fresh database file on every run. Matching: secchain-scan's gen_db example, its own "
                "in-process time (mean of 10 rounds after one warm-up, database already open), median over the runs."]
        return out

    def scale_packages_table(self) -> list[str]:
        out = ["", f"### Packages matched ({SCALE_ADVISORIES[-1]:,} advisories)", "",
               "| packages | matching (ms) | findings | target |", "|---:|---:|---:|---|"]
        prev = None
        for n, row in self.scale_packages:
            cur = [float(n), row.value]
            p = prev or [None, None]
            found = re.search(rb"(\d+) findings", row.ours.output or b"")
            target = "<br>".join(md_cell(t.verdict(row)) for t in row.targets) or "—"
            out.append(f"| {growth_cell(cur[0], p[0], lambda v: f'{v:,.0f}')} | "
                       f"{self.failed_or(row.ours, growth_cell(cur[1], p[1], millis))} | "
                       f"{int(found[1]) if found else '—'} | {target} |")
            prev = cur
        return out

    @staticmethod
    def failed_or(side: Optional[Side], cell: str) -> str:
        """`cell`, or the failure of the command behind it."""
        if side is not None and side.failure:
            return f"failed ({md_cell(side.failure)})"
        return cell

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
        targets = "<br>".join(md_cell(t.verdict(r)) for t in r.targets) or "—"
        if r.not_measured:
            return f"| {name} | {r.not_measured} | | | | | | {targets} | |"
        ours_t, ours_rss, a = self.cell(r.ours)
        peer_t, peer_rss, b = self.cell(r.peer)
        ratio = f"{a / b:.2f}×" if a is not None and b else "—"
        peer_label = r.peer.label if r.peer else "no peer"
        return f"| {name} | {ours_t} | {peer_label} | {peer_t} | {ratio} | {ours_rss} | {peer_rss} | {targets} | {r.note} |"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="smaller large image, no Node image, 3 runs")
    p.add_argument("--only", choices=GROUPS)
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
