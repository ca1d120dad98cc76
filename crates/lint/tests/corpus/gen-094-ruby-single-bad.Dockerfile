ARG BASE_TAG=3.3
FROM ruby:${BASE_TAG}
RUN apt update && apt install -y wget ca-certificates
WORKDIR /app
COPY . /app
RUN gem install rails
RUN wget https://example.com/file.tgz
WORKDIR app
RUN service nginx restart
COPY . .
ADD app.py /app/
USER root
CMD ["sh"]
