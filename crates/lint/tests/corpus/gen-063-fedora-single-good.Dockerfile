FROM fedora:39
RUN dnf install -y gcc-14.1.1 curl-8.6.0 && dnf clean all
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/app"]
