FROM alpine:latest
LABEL org.opencontainers.image.title="alpine-app62" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN apk upgrade && apk add tini ca-certificates git
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
ARG GITHUB_TOKEN
WORKDIR app
ENV DB_PASSWORD=hunter2
CMD ["a"]
CMD ["b"]
