ARG BASE_TAG=1.22
FROM golang:${BASE_TAG}
LABEL org.opencontainers.image.title="golang-app8" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt update && apt install -y make
WORKDIR /app
COPY . /app
RUN go install github.com/go-delve/delve/cmd/dlv@latest
RUN wget https://example.com/file.tgz
RUN curl -fsSL https://get.example.com/install.sh | sh
ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
RUN wget -qO- https://example.com/setup | bash
ENTRYPOINT ["x"]
ENTRYPOINT ["y"]
