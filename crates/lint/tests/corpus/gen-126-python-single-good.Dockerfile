FROM python:3.11
LABEL org.opencontainers.image.title="python-app126" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/app"]
