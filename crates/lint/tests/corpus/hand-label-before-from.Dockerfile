LABEL maintainer="x@example.com"
ARG TAG=3.20
FROM alpine:$TAG
RUN apk add --no-cache tini=0.19.0-r3
USER 1000
ENTRYPOINT ["/sbin/tini", "--"]
