ARG BASE_TAG=3.3-alpine
FROM ruby:${BASE_TAG}
RUN apk upgrade && apk add build-base openssl curl
WORKDIR /app
COPY . /app
RUN gem install rails
ENV DB_PASSWORD=hunter2
RUN wget https://example.com/file.tgz
RUN wget -qO- https://example.com/setup | bash
COPY a.txt b.txt /dest
EXPOSE 80000
CMD ["app"]
