FROM python:3.11
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc=4:12.2.0-3 build-essential=12.9 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir flask==3.0.2 gunicorn==22.0.0
RUN groupadd -r app && useradd -r -l -u 10001 -g app app
USER app
CMD ["app", "--serve"]
