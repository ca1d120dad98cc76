FROM python:3.11
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5=15.6-0+deb12u1 ca-certificates=20230311 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir flask==3.0.2 gunicorn==22.0.0
RUN groupadd -r app && useradd -r -l -u 10001 -g app app
USER app
CMD ["app", "--serve"]
