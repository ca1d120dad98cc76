FROM registry.access.redhat.com/ubi9/ubi:9.4
LABEL org.opencontainers.image.title="ubi-app40" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN dnf install curl shadow-utils gcc
WORKDIR /app
COPY . .
USER root
ARG GITHUB_TOKEN
COPY . .
COPY id_rsa /root/.ssh/id_rsa
CMD ["app"]
