ARG BASE_TAG=20-alpine
FROM node:${BASE_TAG}
RUN apk add --no-cache --virtual .build-deps openssl bash \
    && apk del .build-deps
WORKDIR /app
COPY requirements.txt package.json go.mod Gemfile ./
RUN yarn install
MAINTAINER ops@example.com
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
RUN ln -sf /bin/bash /bin/sh
COPY .env /app/.env
USER root
CMD ["sh"]
