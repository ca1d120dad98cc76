# syntax=docker/dockerfile:1.7
FROM registry.access.redhat.com/ubi9/ubi-minimal
LABEL org.opencontainers.image.title="ubi-app100" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN microdnf update -y && microdnf install -y findutils gzip && microdnf clean all
WORKDIR /app
COPY . .
WORKDIR app
MAINTAINER ops@example.com
ENV A=1 B=${A}
RUN ln -sf /bin/bash /bin/sh
ENV DB_PASSWORD=hunter2
ENTRYPOINT ["x"]
ENTRYPOINT ["y"]
