FROM fedora:39
LABEL org.opencontainers.image.title="fedora-app99" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN dnf install -y httpd-2.4.59 make-4.4.1 gcc-14.1.1 && dnf clean all
WORKDIR /app
COPY app /app/
USER nobody
EXPOSE 8080
CMD ["./server"]
