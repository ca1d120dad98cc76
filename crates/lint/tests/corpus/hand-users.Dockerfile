ARG UID=10001
FROM debian:12 AS build
USER root
RUN useradd -u 1234567 builder && useradd -l -u 2345678 other && useradd --uid 99 small

FROM debian:12
RUN groupadd -g 10001 app && useradd -u 10001 -g app app
USER root
RUN echo still root
USER 0:0
