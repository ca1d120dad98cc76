# syntax=docker/dockerfile:1.7
FROM fedora:39
RUN dnf install -y curl-8.6.0 httpd-2.4.59 && dnf clean all
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
USER nobody
EXPOSE 8080
CMD ["./server"]
