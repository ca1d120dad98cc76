# syntax=docker/dockerfile:1.7
ARG BASE_TAG=40
FROM fedora:${BASE_TAG}
RUN dnf install -y curl-8.6.0 && dnf clean all
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/app"]
