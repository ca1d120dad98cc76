FROM alpine:3.20@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
RUN apk upgrade && apk add build-base
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
COPY a.txt b.txt /dest
COPY . .
COPY id_rsa /root/.ssh/id_rsa
EXPOSE 80000
CMD python app.py
