ARG BASE_TAG=12
FROM debian:${BASE_TAG}
LABEL org.opencontainers.image.title="debian-app84" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini=0.19.0-1 libpq5=15.6-0+deb12u1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY app /app/
USER nobody
EXPOSE 8080
CMD ["./server"]
