FROM --platform=$BUILDPLATFORM maven:3.9-eclipse-temurin-21 AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates=20230311 git=1:2.39.2-1.1 libpq5=15.6-0+deb12u1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN mvn -B -q package -DskipTests

FROM cgr.dev/chainguard/static:latest
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
