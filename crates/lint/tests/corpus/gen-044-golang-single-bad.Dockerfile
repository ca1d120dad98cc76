FROM golang:1.22-alpine
LABEL org.opencontainers.image.title="golang-app44" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apk update && apk add --no-cache curl build-base
WORKDIR /app
COPY requirements.txt package.json go.mod Gemfile ./
RUN go install github.com/go-delve/delve/cmd/dlv@latest
RUN sudo chmod -R 777 /app
RUN echo a | tee /tmp/a
CMD ["a"]
CMD ["b"]
