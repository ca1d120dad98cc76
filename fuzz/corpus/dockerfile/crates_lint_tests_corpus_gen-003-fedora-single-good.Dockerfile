# syntax=docker/dockerfile:1.7
FROM fedora:39
RUN dnf install -y procps-ng-4.0.4 curl-8.6.0 && dnf clean all
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
HEALTHCHECK --interval=30s CMD ["/app", "health"]
USER 65532
ENTRYPOINT ["/app"]
