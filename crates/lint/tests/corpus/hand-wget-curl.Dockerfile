FROM debian:12
RUN curl -fsSLo /tmp/a https://example.com/a
RUN wget https://example.com/b
RUN wget --progress=dot:giga https://example.com/c
RUN wget -nv https://example.com/d && wget -O /tmp/e https://example.com/e
RUN wget -qO- https://example.com/f > /tmp/f

FROM debian:12
RUN wget -q https://example.com/g
USER 1000
