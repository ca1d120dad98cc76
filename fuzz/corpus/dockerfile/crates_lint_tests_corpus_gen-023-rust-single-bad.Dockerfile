FROM rust:1.78
LABEL org.opencontainers.image.title="rust-app23" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update && apt-get upgrade -y && apt-get install -y make build-essential && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
RUN cargo install cargo-audit
EXPOSE 22
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
RUN useradd -u 1000000 app
CMD ["a"]
CMD ["b"]
