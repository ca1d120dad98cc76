ARG BASE_TAG=12
FROM debian:${BASE_TAG}
LABEL org.opencontainers.image.title="debian-app120" \
      org.opencontainers.image.licenses="Apache-2.0"
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
    && apt-get install -y --no-install-recommends wget=1.21.3-1+b2 build-essential=12.9 ca-certificates=20230311 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY app /app/
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/app"]
