FROM alpine:3.20 AS a
RUN echo a | grep a

FROM alpine:3.20 AS b
SHELL ["/bin/ash", "-eo", "pipefail", "-c"]
RUN echo b | grep b

FROM debian:12 AS c
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN echo c | grep c
SHELL ["/bin/sh", "-c"]
RUN echo d | grep d || true

FROM debian:12
SHELL ["/usr/bin/zsh", "-o", "pipefail", "-c"]
RUN set -o pipefail && echo e | grep e
RUN echo f || echo g
USER 1000
