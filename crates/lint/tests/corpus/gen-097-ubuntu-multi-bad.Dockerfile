FROM docker.io/library/ubuntu:20.04 AS build
RUN apt update && apt install -y build-essential make
WORKDIR /src
COPY . .
RUN make -j2 && make install DESTDIR=/out

FROM gcr.io/distroless/python3-debian12
COPY --from=build / /
ADD https://example.com/tool.tar.gz /opt/
EXPOSE 22
ENTRYPOINT /app
