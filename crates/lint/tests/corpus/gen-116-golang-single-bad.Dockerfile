# syntax=docker/dockerfile:1.7
FROM golang
LABEL org.opencontainers.image.title="golang-app116" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update
RUN apt-get install ca-certificates
WORKDIR /app
COPY requirements.txt package.json go.mod Gemfile ./
RUN go install github.com/go-delve/delve/cmd/dlv@latest
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
ENV A=1 B=${A}
EXPOSE 22
EXPOSE 80000
WORKDIR app
CMD ["a"]
CMD ["b"]
