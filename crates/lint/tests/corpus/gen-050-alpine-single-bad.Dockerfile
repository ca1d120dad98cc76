FROM alpine
LABEL org.opencontainers.image.title="alpine-app50" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apk add --no-cache --virtual .build-deps tini build-base \
    && apk del .build-deps
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
ADD https://example.com/tool.tar.gz /opt/
LABEL Version=1.0
ENTRYPOINT /app/run.sh
