FROM debian:bookworm-slim
LABEL org.opencontainers.image.title="debian-app12" \
      org.opencontainers.image.licenses="Apache-2.0"
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini=0.19.0-1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY app /app/
HEALTHCHECK --interval=30s CMD ["/app", "health"]
USER 65532
ENTRYPOINT ["/app"]
