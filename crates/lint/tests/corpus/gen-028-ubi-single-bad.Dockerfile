FROM registry.access.redhat.com/ubi9/ubi-minimal
RUN microdnf install -y findutils tar gzip
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
COPY .env /app/.env
RUN wget https://example.com/file.tgz
RUN curl -fsSL https://get.example.com/install.sh | sh
EXPOSE 22
WORKDIR app
USER root
CMD ["sh"]
