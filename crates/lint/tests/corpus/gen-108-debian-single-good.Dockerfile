FROM debian:12
LABEL org.opencontainers.image.title="debian-app108" \
      org.opencontainers.image.licenses="Apache-2.0"
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential=12.9 ca-certificates=20230311 tini=0.19.0-1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY app /app/
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/app"]
