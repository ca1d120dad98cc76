# syntax=docker/dockerfile:1.7
FROM node:20-bookworm-slim
LABEL org.opencontainers.image.title="node-app115" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update && apt-get upgrade -y && apt-get install -y gcc libpq5 build-essential && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
RUN npm install
COPY id_rsa /root/.ssh/id_rsa
USER root
EXPOSE 80000
COPY . .
ENTRYPOINT ["x"]
ENTRYPOINT ["y"]
