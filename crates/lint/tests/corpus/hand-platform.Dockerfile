FROM --platform=linux/amd64 debian:12 AS a
FROM --platform=$TARGETPLATFORM debian:12 AS b
FROM --platform=${BUILDPLATFORM} golang:1.22 AS c
FROM --platform=$BUILDPLATFORM debian:12 AS context
FROM b
USER 1000
