FROM alpine
RUN apk add --no-cache --virtual .build-deps curl tini \
    && apk del .build-deps
WORKDIR /app
COPY . .
COPY a.txt b.txt /dest
EXPOSE 9010-9000
WORKDIR app
ADD app.py /app/
EXPOSE 22
CMD python app.py
