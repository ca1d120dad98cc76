FROM --platform=$BUILDPLATFORM eclipse-temurin:21-jdk AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini=0.19.0-1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN mvn -B -q package -DskipTests

FROM gcr.io/distroless/base-debian12
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
