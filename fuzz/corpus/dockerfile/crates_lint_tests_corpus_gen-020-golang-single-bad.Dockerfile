FROM golang:1.22-alpine
LABEL org.opencontainers.image.title="golang-app20" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apk update && apk add --no-cache bash
WORKDIR /app
COPY . /app
RUN go install github.com/go-delve/delve/cmd/dlv@latest
LABEL Version=1.0
MAINTAINER ops@example.com
ENV DB_PASSWORD=hunter2
ENTRYPOINT ["x"]
ENTRYPOINT ["y"]
