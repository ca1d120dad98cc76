FROM alpine:3.20
ARG VERSION=1.0
ENV VERSION=$VERSION PATH=/opt/bin:$PATH
ENV HOME=/home/app APP_HOME=$HOME/app
ENV A=1 B="$A-x"
ENV LEGACY some value here
LABEL org.opencontainers.image.version=$VERSION
LABEL com.docker.thing=x
LABEL io.example.UPPER=x valid.key=y
LABEL "quoted.key"="value with spaces"
LABEL bad..key=1 trailing.dash-=2
USER app
