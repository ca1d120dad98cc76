# syntax=docker/dockerfile:1.7
FROM rust:1.78
RUN apt-get update && apt-get upgrade -y && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt package.json go.mod Gemfile ./
RUN cargo build --release --locked
ENV A=1 B=${A}
LABEL Version=1.0
COPY . .
RUN service nginx restart
COPY id_rsa /root/.ssh/id_rsa
CMD ["a"]
CMD ["b"]
