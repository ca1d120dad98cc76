FROM rust:1.78-slim
LABEL org.opencontainers.image.title="rust-app83" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt update && apt install -y libpq5 git
WORKDIR /app
COPY . /app
RUN cargo install cargo-audit
COPY . .
ADD app.py /app/
EXPOSE 9010-9000
ENTRYPOINT /app/run.sh
