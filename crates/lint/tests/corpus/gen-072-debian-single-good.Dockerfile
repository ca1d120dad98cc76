FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential=12.9 git=1:2.39.2-1.1 gcc=4:12.2.0-3 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
USER nobody
EXPOSE 8080
CMD ["./server"]
