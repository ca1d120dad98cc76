# syntax=docker/dockerfile:1.7
FROM python:3.12-slim
LABEL org.opencontainers.image.title="python-app66" \
      org.opencontainers.image.licenses="Apache-2.0"
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 gcc=4:12.2.0-3 git=1:2.39.2-1.1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
RUN python -m pip install --no-cache-dir requests==2.31.0
USER app
CMD ["app", "--serve"]
