ARG BASE_TAG=3.3-alpine
FROM ruby:${BASE_TAG}
LABEL org.opencontainers.image.title="ruby-app58" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apk add ca-certificates bash openssl
WORKDIR /app
COPY . /app
RUN gem install rails
ARG GITHUB_TOKEN
COPY a.txt b.txt /dest
USER root
CMD ["sh"]
