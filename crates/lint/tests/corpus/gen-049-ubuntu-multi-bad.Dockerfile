FROM --platform=$BUILDPLATFORM ubuntu:24.04 AS build
RUN apt-get update && apt-get install -y gcc curl build-essential
WORKDIR /src
COPY . .
RUN make -j2 && make install DESTDIR=/out

FROM ubuntu:24.04 AS test
COPY --from=build /out /out
RUN /out/app --self-test

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/app /app
COPY . .
HEALTHCHECK CMD curl -f http://localhost/ || exit 1

ENTRYPOINT /app
