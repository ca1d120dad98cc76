# syntax=docker/dockerfile:1
FROM --platform=$BUILDPLATFORM maven:3.9-eclipse-temurin-21 AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates=20230311 wget=1.21.3-1+b2 tini=0.19.0-1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN mvn -B -q package -DskipTests

FROM gcr.io/distroless/base-debian12
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
