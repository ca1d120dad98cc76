# syntax=docker/dockerfile:1.7
FROM alpine:latest
RUN apk update && apk add --no-cache git tini curl
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
RUN service nginx restart
COPY id_rsa /root/.ssh/id_rsa
ADD app.py /app/
ENTRYPOINT /app/run.sh
