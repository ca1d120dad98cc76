FROM eclipse-temurin:21-jdk AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 make=4.3-4.1 gcc=4:12.2.0-3 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN ./gradlew build --no-daemon

FROM gcr.io/distroless/java21-debian12
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
