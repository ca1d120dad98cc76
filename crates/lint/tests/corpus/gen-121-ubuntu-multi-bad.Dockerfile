FROM ubuntu:22.04 AS build
RUN apt-get update
RUN apt-get install ca-certificates git
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache ./build.sh /out

FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/app /app
ADD app.py /app/

ENTRYPOINT /app
