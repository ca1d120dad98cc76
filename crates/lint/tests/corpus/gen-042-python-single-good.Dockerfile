FROM python:3.11
LABEL org.opencontainers.image.title="python-app42" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apt-get update \
    && apt-get install -y --no-install-recommends wget=1.21.3-1+b2 libpq5=15.6-0+deb12u1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir flask==3.0.2 gunicorn==22.0.0
RUN groupadd -r app && useradd -r -l -u 10001 -g app app
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/app"]
