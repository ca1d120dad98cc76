# syntax=docker/dockerfile:1
FROM --platform=$BUILDPLATFORM ubuntu:latest AS build
RUN apt-get update
RUN apt-get install tini
WORKDIR /src
COPY . .
RUN make -j2 && make install DESTDIR=/out

FROM ubuntu:latest AS test
COPY --from=build /out /out
RUN /out/app --self-test

FROM gcr.io/distroless/base-debian12
COPY --from=build /out/app app
ENV DB_PASSWORD=hunter2
COPY .env /app/.env
ENTRYPOINT ["/app"]
