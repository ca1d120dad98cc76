FROM debian:12
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN set -eux; \
    arch="$(dpkg --print-architecture)"; \
    case "$arch" in \
        amd64) url='https://example.com/amd64.tgz' ;; \
        arm64) url='https://example.com/arm64.tgz' ;; \
        *) echo "unsupported $arch"; exit 1 ;; \
    esac; \
    if [ -n "$url" ]; then \
        apt-get update; \
        apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 ca-certificates=20230311; \
        rm -rf /var/lib/apt/lists/*; \
    fi; \
    for f in a b c; do echo "$f" >> /tmp/list; done; \
    ( cd /tmp && curl -fsSLo app.tgz "$url" ) && \
    tar -xzf /tmp/app.tgz -C /usr/local/bin && \
    { echo done; } | tee /tmp/log
RUN curl -fsSL "https://example.com/$(uname -m)/tool" -o /usr/local/bin/tool && chmod 755 /usr/local/bin/tool
USER 10001
ENTRYPOINT ["tool"]
