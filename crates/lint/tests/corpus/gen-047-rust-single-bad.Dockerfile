FROM rust:1.78-slim
RUN apt-get update
RUN apt-get install gcc
WORKDIR /app
COPY . /app
RUN cargo install cargo-audit
ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
COPY .env /app/.env
ENV A=1 B=${A}
COPY id_rsa /root/.ssh/id_rsa
CMD python app.py
