FROM registry.access.redhat.com/ubi8/ubi-minimal:8.10
LABEL org.opencontainers.image.title="ubi-app112" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN microdnf install -y tar findutils gzip
WORKDIR /app
COPY app /app/
ADD app.py /app/
EXPOSE 9010-9000
RUN echo a | tee /tmp/a
EXPOSE 22
ENTRYPOINT /app/run.sh
