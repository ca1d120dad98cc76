FROM rust:1.78-slim
RUN apt-get update && apt-get install -y ca-certificates build-essential wget
WORKDIR /app
COPY . /app
RUN cargo install cargo-audit
ADD app.py /app/
ENV A=1 B=${A}
EXPOSE 22
EXPOSE 80000
ENTRYPOINT /app/run.sh
