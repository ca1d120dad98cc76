FROM ruby:3.3
RUN apt-get update
RUN apt-get install libpq5 tini ca-certificates
WORKDIR /app
COPY . /app
RUN gem install rails
WORKDIR app
RUN service nginx restart
CMD python app.py
