ARG BASE_TAG=40
FROM fedora:${BASE_TAG}
RUN dnf install -y httpd-2.4.59 shadow-utils-4.15.1 curl-8.6.0 && dnf clean all
WORKDIR /app
COPY . .
USER nobody
EXPOSE 8080
CMD ["./server"]
