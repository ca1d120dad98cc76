FROM --platform=$BUILDPLATFORM centos:centos7.9.2009 AS build
RUN yum install -y epel-release make
WORKDIR /src
COPY . .
RUN make -j2 && make install DESTDIR=/out

FROM gcr.io/distroless/base-debian12
COPY --from=build /out/app /app
COPY . .
ENV DB_PASSWORD=hunter2
ENTRYPOINT /app
