ARG BASE_TAG=1
FROM alpine:${BASE_TAG}
LABEL org.opencontainers.image.title="alpine-app38" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apk add tini bash ca-certificates
WORKDIR /app
COPY app /app/
ENV DB_PASSWORD=hunter2
RUN echo a | tee /tmp/a
USER root
CMD ["sh"]
