# syntax=docker/dockerfile:1.7
FROM node:20-bookworm-slim
RUN apt-get update && \
    apt-get install -y --no-install-recommends tini && \
    apt-get clean
WORKDIR /app
COPY . /app
RUN npm install
RUN echo a | tee /tmp/a
USER root
USER root
CMD ["sh"]
