FROM alpine:latest
RUN apk add --no-cache --virtual .build-deps ca-certificates openssl git \
    && apk del .build-deps
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
RUN cd /app && make
COPY . .
EXPOSE 22
RUN ln -sf /bin/bash /bin/sh
RUN service nginx restart
ENTRYPOINT /app/run.sh
