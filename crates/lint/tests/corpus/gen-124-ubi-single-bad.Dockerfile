# syntax=docker/dockerfile:1.7
ARG BASE_TAG=9.4
FROM registry.access.redhat.com/ubi9/ubi:${BASE_TAG}
RUN dnf update -y && dnf install -y procps-ng && dnf clean all
WORKDIR /app
COPY . .
COPY .env /app/.env
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
RUN curl -k -o /tmp/x https://example.com/x
CMD ["app"]
