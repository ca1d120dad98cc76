FROM ruby:3.3
LABEL org.opencontainers.image.title="ruby-app22" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update
RUN apt-get install tini
WORKDIR /app
COPY . /app
RUN gem install rails
EXPOSE 9010-9000
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
WORKDIR app
COPY . .
CMD ["app"]
