# syntax=docker/dockerfile:1.7
FROM debian:12
LABEL org.opencontainers.image.title="debian-app48" \
      org.opencontainers.image.licenses="Apache-2.0"
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5=15.6-0+deb12u1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/app"]
