FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app .

FROM golang:1.22 AS build
COPY --from=build /out/app /tmp/

FROM alpine:3.20 AS scratch
COPY --from=0 /out/app /app
COPY --from=nosuchstage /x /x
COPY --from=alpine:3.20 /etc/passwd /tmp/passwd
COPY --from=scratch /app /app2
COPY a b c /dest
COPY ["x", "y", "/json-dest/"]
COPY config.yaml conf/
USER 1000
