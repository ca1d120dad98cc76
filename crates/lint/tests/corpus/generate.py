#!/usr/bin/env python3
"""Writes the lint corpus: varied Dockerfiles, good and bad, for every base
family, multi-stage builds, BuildKit mounts and heredocs.

The files are checked in; re-run this script only to regenerate them
(`python3 generate.py` in this directory). Hand-written files (names
starting with `hand-`) are not touched.
"""
import random
from pathlib import Path

HERE = Path(__file__).parent
rng = random.Random(4)

FAMILIES = {
    "debian": ["debian:12", "debian:bookworm-slim", "debian", "debian:latest", "debian:11.9"],
    "ubuntu": ["ubuntu:22.04", "ubuntu:24.04", "ubuntu", "ubuntu:latest", "docker.io/library/ubuntu:20.04"],
    "alpine": ["alpine:3.20", "alpine:3.19", "alpine", "alpine:latest", "alpine:3.20@sha256:" + "a" * 64],
    "fedora": ["fedora:40", "fedora:39", "fedora", "registry.fedoraproject.org/fedora:40"],
    "ubi": ["registry.access.redhat.com/ubi9/ubi:9.4", "registry.access.redhat.com/ubi8/ubi-minimal:8.10", "registry.access.redhat.com/ubi9/ubi-minimal", "redhat/ubi9:latest"],
    "centos": ["centos:7", "centos:centos7.9.2009", "quay.io/centos/centos:stream9"],
    "python": ["python:3.12-slim", "python:3.11", "python:3.12-alpine", "python", "python:latest"],
    "node": ["node:20-alpine", "node:20-bookworm-slim", "node:18", "node", "node:lts"],
    "golang": ["golang:1.22", "golang:1.22-alpine", "golang", "golang:latest"],
    "java": ["eclipse-temurin:21-jdk", "maven:3.9-eclipse-temurin-21", "gradle:8-jdk21", "openjdk:17", "eclipse-temurin:21-jre"],
    "ruby": ["ruby:3.3", "ruby:3.3-alpine"],
    "rust": ["rust:1.78", "rust:1.78-slim"],
}
RUNTIME = [
    "gcr.io/distroless/static-debian12", "gcr.io/distroless/static:nonroot", "gcr.io/distroless/base-debian12",
    "gcr.io/distroless/cc-debian12:nonroot", "gcr.io/distroless/java21-debian12", "gcr.io/distroless/python3-debian12",
    "scratch", "alpine:3.20", "debian:12-slim", "cgr.dev/chainguard/static:latest",
]

def pm_of(family, image):
    if family in ("debian", "ubuntu") or (family in ("python", "node", "ruby", "rust", "golang", "java") and "alpine" not in image):
        return "apt"
    if family == "alpine" or "alpine" in image:
        return "apk"
    if family == "fedora":
        return "dnf"
    if family == "ubi":
        return "microdnf" if "minimal" in image else "dnf"
    if family == "centos":
        return "yum"
    return "apt"

def install(pm, pkgs, good):
    if pm == "apt":
        if good:
            p = " ".join(f"{x}={v}" for x, v in pkgs)
            return f"RUN apt-get update \\\n    && apt-get install -y --no-install-recommends {p} \\\n    && rm -rf /var/lib/apt/lists/*"
        variant = rng.randrange(5)
        names = " ".join(x for x, _ in pkgs)
        if variant == 0:
            return f"RUN apt-get update && apt-get install -y {names}"
        if variant == 1:
            return f"RUN apt-get update\nRUN apt-get install {names}"
        if variant == 2:
            return f"RUN apt-get update && \\\n    apt-get install -y --no-install-recommends {names} && \\\n    apt-get clean"
        if variant == 3:
            return f"RUN apt update && apt install -y {names}"
        return f"RUN apt-get update && apt-get upgrade -y && apt-get install -y {names} && rm -rf /var/lib/apt/lists/*"
    if pm == "apk":
        if good:
            p = " ".join(f"{x}={v}-r0" for x, v in pkgs)
            return f"RUN apk add --no-cache {p}"
        variant = rng.randrange(4)
        names = " ".join(x for x, _ in pkgs)
        if variant == 0:
            return f"RUN apk add {names}"
        if variant == 1:
            return f"RUN apk update && apk add --no-cache {names}"
        if variant == 2:
            return f"RUN apk add --no-cache --virtual .build-deps {names} \\\n    && apk del .build-deps"
        return f"RUN apk upgrade && apk add {names}"
    if pm in ("dnf", "microdnf"):
        if good:
            p = " ".join(f"{x}-{v}" for x, v in pkgs)
            return f"RUN {pm} install -y {p} && {pm} clean all"
        names = " ".join(x for x, _ in pkgs)
        return rng.choice([f"RUN {pm} install {names}", f"RUN {pm} install -y {names}", f"RUN {pm} update -y && {pm} install -y {names} && {pm} clean all"])
    if pm == "yum":
        if good:
            p = " ".join(f"{x}-{v}" for x, v in pkgs)
            return f"RUN yum install -y {p} && yum clean all"
        names = " ".join(x for x, _ in pkgs)
        return rng.choice([f"RUN yum install {names}", f"RUN yum install -y {names}", f"RUN yum -y update && yum install -y {names} && rm -rf /var/cache/yum/*"])
    raise ValueError(pm)

PKGS = {
    "apt": [("curl", "7.88.1-10+deb12u5"), ("ca-certificates", "20230311"), ("git", "1:2.39.2-1.1"), ("gcc", "4:12.2.0-3"), ("make", "4.3-4.1"), ("libpq5", "15.6-0+deb12u1"), ("wget", "1.21.3-1+b2"), ("build-essential", "12.9"), ("tini", "0.19.0-1")],
    "apk": [("curl", "8.5.0"), ("ca-certificates", "20240226"), ("git", "2.43.0"), ("build-base", "0.5"), ("tini", "0.19.0"), ("openssl", "3.1.4"), ("bash", "5.2.21")],
    "dnf": [("httpd", "2.4.59"), ("curl", "8.6.0"), ("gcc", "14.1.1"), ("make", "4.4.1"), ("procps-ng", "4.0.4"), ("shadow-utils", "4.15.1")],
    "microdnf": [("shadow-utils", "4.9"), ("tar", "1.34"), ("gzip", "1.12"), ("findutils", "4.8.0")],
    "yum": [("httpd", "2.4.6"), ("epel-release", "7"), ("gcc", "4.8.5"), ("make", "3.82"), ("wget", "1.14")],
}

LANG_SNIPPETS = {
    "python": [
        ("RUN pip install --no-cache-dir flask==3.0.2 gunicorn==22.0.0", True),
        ("RUN pip install flask gunicorn", False),
        ("RUN pip install -r requirements.txt", False),
        ("RUN pip3 install --no-cache-dir --upgrade pip", False),
        ("RUN python -m pip install --no-cache-dir requests==2.31.0", True),
        ("RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt", True),
        ("RUN pip install --no-cache-dir --trusted-host pypi.example.com internal-lib==1.0", False),
    ],
    "node": [
        ("RUN npm ci --omit=dev", True),
        ("RUN npm install", False),
        ("RUN npm install -g pnpm", False),
        ("RUN npm install -g pnpm@9.1.0", True),
        ("RUN yarn install --frozen-lockfile && yarn cache clean", True),
        ("RUN yarn install", False),
        ("RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci", True),
        ("RUN npm config set strict-ssl false && npm ci", False),
    ],
    "golang": [
        ("RUN go build -o /out/app ./cmd/app", True),
        ("RUN go install github.com/go-delve/delve/cmd/dlv@latest", False),
        ("RUN go install golang.org/x/tools/cmd/goimports@v0.20.0", True),
        ("RUN --mount=type=cache,target=/root/.cache/go-build go build -o /out/app .", True),
        ("RUN CGO_ENABLED=0 go build -ldflags='-s -w' -o /out/app .", True),
    ],
    "ruby": [
        ("RUN gem install bundler:2.5.10 && bundle install", True),
        ("RUN gem install rails", False),
        ("RUN bundle config set without 'development test' && bundle install", True),
    ],
    "java": [
        ("RUN mvn -B -q package -DskipTests", True),
        ("RUN ./gradlew build --no-daemon", True),
        ("RUN curl -fsSL https://get.sdkman.io | bash", False),
    ],
    "rust": [
        ("RUN cargo build --release --locked", True),
        ("RUN cargo install cargo-audit", True),
    ],
}

BAD_EXTRAS = [
    "RUN curl -fsSL https://get.example.com/install.sh | sh",
    "RUN wget -qO- https://example.com/setup | bash",
    "RUN cd /app && make",
    "RUN sudo chmod -R 777 /app",
    "MAINTAINER ops@example.com",
    "WORKDIR app",
    "EXPOSE 80000",
    "EXPOSE 9010-9000",
    "EXPOSE 22",
    "ARG GITHUB_TOKEN",
    "ENV DB_PASSWORD=hunter2",
    "ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
    "COPY id_rsa /root/.ssh/id_rsa",
    "COPY .env /app/.env",
    "ADD https://example.com/tool.tar.gz /opt/",
    "ADD app.py /app/",
    "COPY a.txt b.txt /dest",
    "RUN curl -k -o /tmp/x https://example.com/x",
    "RUN wget https://example.com/file.tgz",
    "RUN useradd -u 1000000 app",
    "RUN ln -sf /bin/bash /bin/sh",
    "RUN service nginx restart",
    "LABEL Version=1.0",
    "ENV A=1 B=${A}",
    "HEALTHCHECK CMD curl -f http://localhost/ || exit 1",
    "RUN echo a | tee /tmp/a",
    "USER root",
    "COPY . .",
]

GOOD_TAILS = [
    'USER 10001:10001\nENTRYPOINT ["/usr/local/bin/app"]',
    'USER app\nCMD ["app", "--serve"]',
    'USER nobody\nEXPOSE 8080\nCMD ["./server"]',
    'HEALTHCHECK --interval=30s CMD ["/app", "health"]\nUSER 65532\nENTRYPOINT ["/app"]',
]
BAD_TAILS = ['CMD python app.py', 'ENTRYPOINT /app/run.sh', 'CMD ["a"]\nCMD ["b"]', 'ENTRYPOINT ["x"]\nENTRYPOINT ["y"]', 'USER root\nCMD ["sh"]', 'CMD ["app"]']

def single(idx, family, good):
    image = rng.choice(FAMILIES[family][:2] if good else FAMILIES[family])
    pm = pm_of(family, image)
    lines = []
    if rng.random() < 0.2:
        lines.append("# syntax=docker/dockerfile:1.7")
    if rng.random() < 0.25:
        ver = image.split(":")[1] if ":" in image else "1"
        base = image.split(":")[0]
        lines.append(f"ARG BASE_TAG={ver}")
        image = f"{base}:${{BASE_TAG}}"
    lines.append(f"FROM {image}")
    if rng.random() < 0.5:
        lines.append(f'LABEL org.opencontainers.image.title="{family}-app{idx}" \\\n      org.opencontainers.image.licenses="Apache-2.0"')
    if good and pm in ("apt",) and rng.random() < 0.5:
        lines.append('SHELL ["/bin/bash", "-o", "pipefail", "-c"]')
    pkgs = rng.sample(PKGS[pm], k=min(len(PKGS[pm]), rng.randint(1, 3)))
    lines.append(install(pm, pkgs, good))
    lines.append("WORKDIR /app")
    if family in LANG_SNIPPETS:
        opts = [s for s, ok in LANG_SNIPPETS[family] if ok == good] or [s for s, _ in LANG_SNIPPETS[family]]
        lines.append("COPY requirements.txt package.json go.mod Gemfile ./" if rng.random() < 0.3 else "COPY . /app")
        lines.append(rng.choice(opts))
    else:
        lines.append(rng.choice(["COPY app /app/", "COPY --chown=10001:10001 bin/ /app/bin/", "COPY . ."]))
    if not good:
        for extra in rng.sample(BAD_EXTRAS, k=rng.randint(2, 5)):
            lines.append(extra)
        lines.append(rng.choice(BAD_TAILS))
    else:
        if pm == "apt" and rng.random() < 0.3:
            lines.append("RUN groupadd -r app && useradd -r -l -u 10001 -g app app")
        lines.append(rng.choice(GOOD_TAILS))
    return "\n".join(lines) + "\n"

def multi(idx, family, good):
    image = rng.choice(FAMILIES[family][:2] if good else FAMILIES[family])
    pm = pm_of(family, image)
    runtime = rng.choice(RUNTIME)
    lines = []
    if rng.random() < 0.5:
        lines.append("# syntax=docker/dockerfile:1")
    plat = rng.random() < 0.3
    lines.append(f"FROM {'--platform=$BUILDPLATFORM ' if plat else ''}{image} AS build")
    pkgs = rng.sample(PKGS[pm], k=min(len(PKGS[pm]), rng.randint(1, 3)))
    lines.append(install(pm, pkgs, good))
    lines.append("WORKDIR /src")
    lines.append("COPY . .")
    if family in LANG_SNIPPETS:
        lines.append(rng.choice([s for s, ok in LANG_SNIPPETS[family] if ok] or ["RUN make"]))
    else:
        lines.append(rng.choice(["RUN make -j2 && make install DESTDIR=/out", "RUN --mount=type=cache,target=/root/.cache ./build.sh /out"]))
    if rng.random() < 0.3:
        lines.append("")
        lines.append(f"FROM {image} AS test")
        lines.append("COPY --from=build /out /out")
        lines.append("RUN /out/app --self-test")
    lines.append("")
    lines.append(f"FROM {runtime}")
    if not good and rng.random() < 0.5:
        lines.append(rng.choice(["COPY --from=builder /out/app /app", "COPY --from=build / /", "COPY --from=build /out/app app"]))
    else:
        lines.append("COPY --from=build /out/app /app")
    if not good:
        for extra in rng.sample([e for e in BAD_EXTRAS if not e.startswith("RUN")], k=rng.randint(1, 3)):
            lines.append(extra)
    if runtime.endswith("nonroot") or good:
        lines.append("USER 65532:65532" if good else "")
    lines.append('ENTRYPOINT ["/app"]' if good or rng.random() < 0.5 else "ENTRYPOINT /app")
    return "\n".join(l for l in lines) + "\n"

def main():
    n = 0
    fams = list(FAMILIES)
    for i in range(130):
        family = fams[i % len(fams)]
        good = i % 3 == 0
        kind = "multi" if i % 4 == 1 else "single"
        text = (multi if kind == "multi" else single)(i, family, good)
        name = f"gen-{i:03d}-{family}-{kind}-{'good' if good else 'bad'}.Dockerfile"
        (HERE / name).write_text(text)
        n += 1
    print(f"wrote {n} files")

if __name__ == "__main__":
    main()
