# syntax=docker/dockerfile:1
FROM docker.io/library/ubuntu:20.04 AS build
RUN apt-get update && \
    apt-get install -y --no-install-recommends wget make build-essential && \
    apt-get clean
WORKDIR /src
COPY . .
RUN make -j2 && make install DESTDIR=/out

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
ENV A=1 B=${A}
ENTRYPOINT ["/app"]
