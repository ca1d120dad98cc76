FROM rust:1.78
LABEL org.opencontainers.image.title="rust-app95" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update && apt-get upgrade -y && apt-get install -y ca-certificates build-essential libpq5 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
RUN cargo build --release --locked
RUN service nginx restart
LABEL Version=1.0
RUN curl -k -o /tmp/x https://example.com/x
RUN echo a | tee /tmp/a
ENTRYPOINT ["x"]
ENTRYPOINT ["y"]
