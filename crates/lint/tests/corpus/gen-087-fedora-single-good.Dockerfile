FROM fedora:40
LABEL org.opencontainers.image.title="fedora-app87" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN dnf install -y curl-8.6.0 && dnf clean all
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
HEALTHCHECK --interval=30s CMD ["/app", "health"]
USER 65532
ENTRYPOINT ["/app"]
