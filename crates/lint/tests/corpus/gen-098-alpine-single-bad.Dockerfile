ARG BASE_TAG=1
FROM alpine:${BASE_TAG}
LABEL org.opencontainers.image.title="alpine-app98" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apk add build-base tini ca-certificates
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
MAINTAINER ops@example.com
ENV DB_PASSWORD=hunter2
ENTRYPOINT ["x"]
ENTRYPOINT ["y"]
