FROM alpine:3.20
RUN apk add --no-cache --virtual .build-deps gcc=13.2.1_git20240309-r0 musl-dev=1.2.5-r0
RUN apk add --update curl
RUN apk add -t .tmp bash
RUN apk add --no-cache --repository=https://dl-cdn.alpinelinux.org/alpine/edge/testing hub
RUN apk add --no-cache "python3>3.11" py3-pip~=23
RUN apk add --no-cache --allow-untrusted /tmp/pkg.apk
RUN apk --no-cache add tini
USER 1000
