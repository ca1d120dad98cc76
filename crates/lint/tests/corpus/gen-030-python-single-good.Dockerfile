FROM python:3.11
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc=4:12.2.0-3 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt package.json go.mod Gemfile ./
RUN pip install --no-cache-dir flask==3.0.2 gunicorn==22.0.0
USER app
CMD ["app", "--serve"]
