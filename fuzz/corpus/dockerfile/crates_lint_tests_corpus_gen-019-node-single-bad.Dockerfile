FROM node
LABEL org.opencontainers.image.title="node-app19" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update && apt-get install -y wget ca-certificates
WORKDIR /app
COPY requirements.txt package.json go.mod Gemfile ./
RUN yarn install
COPY .env /app/.env
COPY . .
LABEL Version=1.0
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
ADD https://example.com/tool.tar.gz /opt/
CMD python app.py
