# syntax=docker/dockerfile:1.7
FROM rust:1.78-slim
LABEL org.opencontainers.image.title="rust-app59" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update && apt-get upgrade -y && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
RUN cargo build --release --locked
RUN cd /app && make
MAINTAINER ops@example.com
ENTRYPOINT ["x"]
ENTRYPOINT ["y"]
