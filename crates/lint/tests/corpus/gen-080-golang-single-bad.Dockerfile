ARG BASE_TAG=1
FROM golang:${BASE_TAG}
LABEL org.opencontainers.image.title="golang-app80" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update && apt-get install -y libpq5 make wget
WORKDIR /app
COPY requirements.txt package.json go.mod Gemfile ./
RUN go install github.com/go-delve/delve/cmd/dlv@latest
LABEL Version=1.0
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
COPY id_rsa /root/.ssh/id_rsa
CMD ["app"]
