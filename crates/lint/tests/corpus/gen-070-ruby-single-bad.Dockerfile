FROM ruby:3.3-alpine
RUN apk add --no-cache --virtual .build-deps git curl \
    && apk del .build-deps
WORKDIR /app
COPY . /app
RUN gem install rails
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
ADD app.py /app/
EXPOSE 9010-9000
USER root
CMD ["sh"]
