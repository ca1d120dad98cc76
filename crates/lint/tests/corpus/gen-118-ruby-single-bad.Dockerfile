FROM ruby:3.3
RUN apt-get update && \
    apt-get install -y --no-install-recommends wget build-essential && \
    apt-get clean
WORKDIR /app
COPY requirements.txt package.json go.mod Gemfile ./
RUN gem install rails
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
MAINTAINER ops@example.com
CMD python app.py
