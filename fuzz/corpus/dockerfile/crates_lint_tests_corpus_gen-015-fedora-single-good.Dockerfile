FROM fedora:40
RUN dnf install -y shadow-utils-4.15.1 httpd-2.4.59 && dnf clean all
WORKDIR /app
COPY app /app/
HEALTHCHECK --interval=30s CMD ["/app", "health"]
USER 65532
ENTRYPOINT ["/app"]
