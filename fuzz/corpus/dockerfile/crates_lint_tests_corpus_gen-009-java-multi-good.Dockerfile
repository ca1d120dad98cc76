FROM eclipse-temurin:21-jdk AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates=20230311 build-essential=12.9 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN mvn -B -q package -DskipTests

FROM gcr.io/distroless/python3-debian12
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
