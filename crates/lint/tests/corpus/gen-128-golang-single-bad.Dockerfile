FROM golang:latest
RUN apt-get update
RUN apt-get install wget git libpq5
WORKDIR /app
COPY requirements.txt package.json go.mod Gemfile ./
RUN go install github.com/go-delve/delve/cmd/dlv@latest
ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
RUN wget https://example.com/file.tgz
RUN service nginx restart
CMD ["app"]
