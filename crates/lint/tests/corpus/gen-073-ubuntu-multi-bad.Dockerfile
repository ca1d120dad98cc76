FROM docker.io/library/ubuntu:20.04 AS build
RUN apt-get update && \
    apt-get install -y --no-install-recommends wget && \
    apt-get clean
WORKDIR /src
COPY . .
RUN make -j2 && make install DESTDIR=/out

FROM debian:12-slim
COPY --from=build /out/app /app
ENV A=1 B=${A}
ENTRYPOINT /app
