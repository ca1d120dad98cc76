FROM debian:12
COPY vendor.tar.gz /tmp/
COPY bundle.tar.xz /opt/bundle.tar.xz
COPY notes.txt /tmp/
RUN tar -xzf /tmp/vendor.tar.gz -C /opt && tar --extract -f /opt/bundle.tar.xz
USER 1000
