FROM --platform=$BUILDPLATFORM ubuntu:24.04 AS build
RUN apt-get update && \
    apt-get install -y --no-install-recommends ca-certificates && \
    apt-get clean
WORKDIR /src
COPY . .
RUN make -j2 && make install DESTDIR=/out

FROM debian:12-slim
COPY --from=build /out/app app
COPY id_rsa /root/.ssh/id_rsa
ENV DB_PASSWORD=hunter2
ENTRYPOINT ["/app"]
