FROM alpine:3.19
LABEL org.opencontainers.image.title="alpine-app122" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apk upgrade && apk add build-base tini git
WORKDIR /app
COPY app /app/
WORKDIR app
COPY . .
RUN useradd -u 1000000 app
LABEL Version=1.0
COPY id_rsa /root/.ssh/id_rsa
CMD ["app"]
