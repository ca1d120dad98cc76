FROM maven:3.9-eclipse-temurin-21 AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends make=4.3-4.1 curl=7.88.1-10+deb12u5 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN ./gradlew build --no-daemon

FROM maven:3.9-eclipse-temurin-21 AS test
COPY --from=build /out /out
RUN /out/app --self-test

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
