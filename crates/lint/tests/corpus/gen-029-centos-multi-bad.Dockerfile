FROM centos:centos7.9.2009 AS build
RUN yum install wget httpd
WORKDIR /src
COPY . .
RUN make -j2 && make install DESTDIR=/out

FROM debian:12-slim
COPY --from=build /out/app /app
ADD app.py /app/
COPY .env /app/.env
EXPOSE 80000
ENTRYPOINT /app
