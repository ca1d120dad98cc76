FROM rust:1.78
RUN apt-get update && \
    apt-get install -y --no-install-recommends build-essential curl && \
    apt-get clean
WORKDIR /app
COPY requirements.txt package.json go.mod Gemfile ./
RUN cargo install cargo-audit
RUN curl -k -o /tmp/x https://example.com/x
COPY .env /app/.env
COPY . .
CMD ["a"]
CMD ["b"]
