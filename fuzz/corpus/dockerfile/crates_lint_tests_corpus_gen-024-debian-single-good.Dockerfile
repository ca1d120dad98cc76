# syntax=docker/dockerfile:1.7
ARG BASE_TAG=bookworm-slim
FROM debian:${BASE_TAG}
LABEL org.opencontainers.image.title="debian-app24" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update \
    && apt-get install -y --no-install-recommends make=4.3-4.1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
RUN groupadd -r app && useradd -r -l -u 10001 -g app app
USER nobody
EXPOSE 8080
CMD ["./server"]
