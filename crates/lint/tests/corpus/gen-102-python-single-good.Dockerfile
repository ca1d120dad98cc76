FROM python:3.12-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
    && apt-get install -y --no-install-recommends wget=1.21.3-1+b2 ca-certificates=20230311 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt package.json go.mod Gemfile ./
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
USER app
CMD ["app", "--serve"]
