# syntax=docker/dockerfile:1.7
FROM node
RUN apt-get update && \
    apt-get install -y --no-install-recommends git ca-certificates make && \
    apt-get clean
WORKDIR /app
COPY requirements.txt package.json go.mod Gemfile ./
RUN npm install -g pnpm
RUN useradd -u 1000000 app
COPY . .
RUN cd /app && make
ENTRYPOINT /app/run.sh
