FROM debian:bookworm-slim
LABEL org.opencontainers.image.title="debian-app96" \
      org.opencontainers.image.licenses="Apache-2.0"
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential=12.9 libpq5=15.6-0+deb12u1 make=4.3-4.1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
RUN groupadd -r app && useradd -r -l -u 10001 -g app app
USER app
CMD ["app", "--serve"]
