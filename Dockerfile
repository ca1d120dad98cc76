# syntax=docker/dockerfile:1
# secchain's own image: built with the Rust toolchain image, shipped on distroless
# (no shell, no package manager, non-root). Both bases are pinned by digest; refresh
# them deliberately with `secchain pin --update Dockerfile` and review the diff.
#
#   docker build -t secchain .
#   docker run --rm -v "$PWD:/work" -w /work secchain run --dry-run -f pipeline.yaml

FROM docker.io/library/rust:1.89-bookworm@sha256:948f9b08a66e7fe01b03a98ef1c7568292e07ec2e4fe90d88c07bb14563c84ff AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY crates ./crates
RUN cargo build --locked --release -p secchain \
    && strip target/release/secchain

FROM gcr.io/distroless/cc-debian12:nonroot@sha256:9dac0a79194e45a7da0158a9c6da57b217585af0786db3845d1f0ec1a0dd182f
LABEL org.opencontainers.image.title="secchain" \
      org.opencontainers.image.description="Takes a container image through its whole supply chain in one verifiable pipeline" \
      org.opencontainers.image.source="https://github.com/secchain/secchain" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /src/target/release/secchain /usr/local/bin/secchain
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/secchain"]
