FROM fedora:39
RUN dnf install -y gcc-14.1.1 procps-ng-4.0.4 && dnf clean all
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
USER app
CMD ["app", "--serve"]
