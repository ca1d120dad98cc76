# syntax=docker/dockerfile:1.7
FROM golang
LABEL org.opencontainers.image.title="golang-app32" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt update && apt install -y git tini libpq5
WORKDIR /app
COPY . /app
RUN go install github.com/go-delve/delve/cmd/dlv@latest
LABEL Version=1.0
RUN curl -fsSL https://get.example.com/install.sh | sh
ENV A=1 B=${A}
RUN curl -k -o /tmp/x https://example.com/x
ENTRYPOINT /app/run.sh
