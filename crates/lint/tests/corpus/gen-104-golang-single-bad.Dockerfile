ARG BASE_TAG=1
FROM golang:${BASE_TAG}
RUN apt update && apt install -y libpq5 make
WORKDIR /app
COPY . /app
RUN go install github.com/go-delve/delve/cmd/dlv@latest
ARG GITHUB_TOKEN
RUN useradd -u 1000000 app
EXPOSE 22
RUN service nginx restart
CMD ["app"]
