FROM debian:12
LABEL org.opencontainers.image.title="debian-app36" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update \
    && apt-get install -y --no-install-recommends make=4.3-4.1 wget=1.21.3-1+b2 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
USER app
CMD ["app", "--serve"]
