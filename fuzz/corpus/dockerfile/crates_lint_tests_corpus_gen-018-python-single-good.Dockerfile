ARG BASE_TAG=3.11
FROM python:${BASE_TAG}
LABEL org.opencontainers.image.title="python-app18" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 make=4.3-4.1 wget=1.21.3-1+b2 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir flask==3.0.2 gunicorn==22.0.0
RUN groupadd -r app && useradd -r -l -u 10001 -g app app
HEALTHCHECK --interval=30s CMD ["/app", "health"]
USER 65532
ENTRYPOINT ["/app"]
