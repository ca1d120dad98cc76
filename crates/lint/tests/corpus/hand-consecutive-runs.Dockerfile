FROM alpine:3.20
RUN apk add --no-cache bash=5.2.21-r0
RUN echo one
# comment between
RUN echo two
RUN --mount=type=cache,target=/var/cache/apk apk add curl=8.5.0-r0
RUN echo three && echo four && echo five
RUN echo six
ENV X=1
RUN echo seven
USER 1000
