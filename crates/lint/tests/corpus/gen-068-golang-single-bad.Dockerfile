ARG BASE_TAG=latest
FROM golang:${BASE_TAG}
LABEL org.opencontainers.image.title="golang-app68" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update
RUN apt-get install ca-certificates git
WORKDIR /app
COPY . /app
RUN go install github.com/go-delve/delve/cmd/dlv@latest
ENV DB_PASSWORD=hunter2
COPY id_rsa /root/.ssh/id_rsa
RUN service nginx restart
ARG GITHUB_TOKEN
RUN echo a | tee /tmp/a
ENTRYPOINT ["x"]
ENTRYPOINT ["y"]
