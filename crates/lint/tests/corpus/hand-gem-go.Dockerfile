FROM ruby:3.3
RUN gem install rails -v 7.1.3
RUN gem install bundler:2.5.10 rake
RUN gem install --no-document nokogiri
RUN gem i puma --version=6.4.2

FROM golang:1.22
RUN go install ./...
RUN go install github.com/a/b@v1.0.0 github.com/c/d
RUN go get github.com/e/f@none
RUN go run github.com/g/h@v2.0.0 --flag
RUN go run ./cmd/tool
USER 1000
