FROM rust:1.78-slim
LABEL org.opencontainers.image.title="rust-app119" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update && \
    apt-get install -y --no-install-recommends wget gcc git && \
    apt-get clean
WORKDIR /app
COPY . /app
RUN cargo build --release --locked
COPY id_rsa /root/.ssh/id_rsa
RUN cd /app && make
MAINTAINER ops@example.com
CMD ["a"]
CMD ["b"]
