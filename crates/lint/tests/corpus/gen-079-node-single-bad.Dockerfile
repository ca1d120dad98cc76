FROM node:lts
LABEL org.opencontainers.image.title="node-app79" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update
RUN apt-get install curl
WORKDIR /app
COPY . /app
RUN npm config set strict-ssl false && npm ci
ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
RUN wget https://example.com/file.tgz
COPY .env /app/.env
EXPOSE 9010-9000
COPY . .
CMD ["app"]
