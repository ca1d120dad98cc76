# syntax=docker/dockerfile:1.7
FROM golang:1.22
RUN apt-get update && apt-get install -y tini build-essential
WORKDIR /app
COPY . /app
RUN go install github.com/go-delve/delve/cmd/dlv@latest
WORKDIR app
RUN curl -fsSL https://get.example.com/install.sh | sh
COPY . .
ENV DB_PASSWORD=hunter2
EXPOSE 22
CMD ["a"]
CMD ["b"]
