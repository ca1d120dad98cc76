FROM rust:1.78-slim
RUN apt update && apt install -y gcc tini
WORKDIR /app
COPY . /app
RUN cargo build --release --locked
COPY .env /app/.env
ADD https://example.com/tool.tar.gz /opt/
EXPOSE 9010-9000
CMD ["app"]
