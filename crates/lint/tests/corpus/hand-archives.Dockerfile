FROM debian:12 AS first
COPY vendor.tar.gz /tmp/
RUN tar -xzf /tmp/vendor.tar.gz -C /opt

FROM debian:12
COPY release.tgz /tmp/release.tgz
COPY data.zip /tmp/
RUN tar xf /tmp/release.tgz && gunzip -k other.gz
RUN unzip /tmp/data.zip
ADD local.tar.xz /opt/
ADD https://example.com/remote.tar.gz /opt/
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/x.tar.gz /opt/
USER 1000
