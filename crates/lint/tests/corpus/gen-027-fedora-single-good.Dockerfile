FROM fedora:39
RUN dnf install -y make-4.4.1 && dnf clean all
WORKDIR /app
COPY . .
USER app
CMD ["app", "--serve"]
