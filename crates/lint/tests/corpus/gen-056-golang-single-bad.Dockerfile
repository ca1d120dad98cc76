FROM golang:1.22-alpine
LABEL org.opencontainers.image.title="golang-app56" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apk update && apk add --no-cache bash git
WORKDIR /app
COPY . /app
RUN go install github.com/go-delve/delve/cmd/dlv@latest
MAINTAINER ops@example.com
ARG GITHUB_TOKEN
ENTRYPOINT ["x"]
ENTRYPOINT ["y"]
