FROM fedora:39
RUN dnf install -y shadow-utils-4.15.1 gcc-14.1.1 && dnf clean all
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
USER nobody
EXPOSE 8080
CMD ["./server"]
