FROM debian:12
LABEL org.opencontainers.image.title="debian-app0" \
      org.opencontainers.image.licenses="Apache-2.0"
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
    && apt-get install -y --no-install-recommends wget=1.21.3-1+b2 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/app"]
