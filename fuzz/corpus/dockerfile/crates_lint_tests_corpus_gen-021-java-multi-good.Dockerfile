FROM maven:3.9-eclipse-temurin-21 AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends git=1:2.39.2-1.1 curl=7.88.1-10+deb12u5 libpq5=15.6-0+deb12u1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN ./gradlew build --no-daemon

FROM maven:3.9-eclipse-temurin-21 AS test
COPY --from=build /out /out
RUN /out/app --self-test

FROM gcr.io/distroless/java21-debian12
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
