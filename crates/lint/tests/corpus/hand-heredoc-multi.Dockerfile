# syntax=docker/dockerfile:1.7
FROM alpine:3.20
COPY <<A <<B /opt/
first
A
second
B
RUN <<SCRIPT
apk add --no-cache curl=8.5.0-r0
curl -fsSL https://example.com/install | sh
SCRIPT
USER 65532
ENTRYPOINT ["/bin/sh"]
