# syntax=docker/dockerfile:1.7
ARG BASE_TAG=3.3
FROM ruby:${BASE_TAG}
RUN apt update && apt install -y git curl make
WORKDIR /app
COPY . /app
RUN gem install rails
RUN sudo chmod -R 777 /app
USER root
USER root
CMD ["sh"]
