FROM python:3.12-slim
LABEL org.opencontainers.image.title="python-app6" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates=20230311 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir flask==3.0.2 gunicorn==22.0.0
RUN groupadd -r app && useradd -r -l -u 10001 -g app app
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/app"]
