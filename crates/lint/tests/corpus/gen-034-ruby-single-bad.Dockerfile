FROM ruby:3.3-alpine
LABEL org.opencontainers.image.title="ruby-app34" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apk upgrade && apk add git ca-certificates
WORKDIR /app
COPY requirements.txt package.json go.mod Gemfile ./
RUN gem install rails
RUN service nginx restart
RUN curl -fsSL https://get.example.com/install.sh | sh
ARG GITHUB_TOKEN
RUN echo a | tee /tmp/a
ENTRYPOINT /app/run.sh
