ARG BASE_TAG=1
FROM registry.access.redhat.com/ubi9/ubi-minimal:${BASE_TAG}
LABEL org.opencontainers.image.title="ubi-app4" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN microdnf install shadow-utils
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
COPY a.txt b.txt /dest
RUN curl -k -o /tmp/x https://example.com/x
RUN ln -sf /bin/bash /bin/sh
ADD app.py /app/
CMD ["app"]
