# syntax=docker/dockerfile:1.7
ARG BASE_TAG=8.10
FROM registry.access.redhat.com/ubi8/ubi-minimal:${BASE_TAG}
LABEL org.opencontainers.image.title="ubi-app76" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN microdnf install tar
WORKDIR /app
COPY . .
ENV DB_PASSWORD=hunter2
ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
EXPOSE 22
RUN wget https://example.com/file.tgz
COPY id_rsa /root/.ssh/id_rsa
USER root
CMD ["sh"]
