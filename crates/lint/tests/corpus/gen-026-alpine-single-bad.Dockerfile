# syntax=docker/dockerfile:1.7
FROM alpine:3.20
LABEL org.opencontainers.image.title="alpine-app26" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apk upgrade && apk add curl bash ca-certificates
WORKDIR /app
COPY . .
RUN useradd -u 1000000 app
RUN echo a | tee /tmp/a
USER root
CMD ["app"]
