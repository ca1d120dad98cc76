# syntax=docker/dockerfile:1.7
FROM ruby:3.3
LABEL org.opencontainers.image.title="ruby-app82" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update
RUN apt-get install curl make git
WORKDIR /app
COPY . /app
RUN gem install rails
RUN echo a | tee /tmp/a
EXPOSE 22
USER root
CMD ["sh"]
