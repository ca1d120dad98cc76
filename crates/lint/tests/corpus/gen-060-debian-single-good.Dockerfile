FROM debian:12
RUN apt-get update \
    && apt-get install -y --no-install-recommends make=4.3-4.1 git=1:2.39.2-1.1 tini=0.19.0-1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN groupadd -r app && useradd -r -l -u 10001 -g app app
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/app"]
