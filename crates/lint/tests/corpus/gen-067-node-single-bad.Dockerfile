ARG BASE_TAG=20-alpine
FROM node:${BASE_TAG}
LABEL org.opencontainers.image.title="node-app67" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apk add --no-cache --virtual .build-deps build-base \
    && apk del .build-deps
WORKDIR /app
COPY . /app
RUN npm config set strict-ssl false && npm ci
COPY id_rsa /root/.ssh/id_rsa
WORKDIR app
CMD python app.py
