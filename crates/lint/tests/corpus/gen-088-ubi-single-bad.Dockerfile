FROM registry.access.redhat.com/ubi9/ubi-minimal
LABEL org.opencontainers.image.title="ubi-app88" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN microdnf update -y && microdnf install -y shadow-utils gzip findutils && microdnf clean all
WORKDIR /app
COPY app /app/
COPY a.txt b.txt /dest
ADD app.py /app/
CMD ["a"]
CMD ["b"]
