FROM python:3.12-slim
LABEL org.opencontainers.image.title="python-app78" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates=20230311 git=1:2.39.2-1.1 libpq5=15.6-0+deb12u1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
RUN python -m pip install --no-cache-dir requests==2.31.0
HEALTHCHECK --interval=30s CMD ["/app", "health"]
USER 65532
ENTRYPOINT ["/app"]
