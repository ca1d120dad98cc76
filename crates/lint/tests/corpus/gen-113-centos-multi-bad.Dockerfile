FROM centos:centos7.9.2009 AS build
RUN yum -y update && yum install -y wget && rm -rf /var/cache/yum/*
WORKDIR /src
COPY . .
RUN make -j2 && make install DESTDIR=/out

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app app
USER root
MAINTAINER ops@example.com
ENTRYPOINT /app
