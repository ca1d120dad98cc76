FROM registry.access.redhat.com/ubi9/ubi:9.4
RUN dnf update -y && dnf install -y httpd curl procps-ng && dnf clean all
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
ENV A=1 B=${A}
RUN service nginx restart
CMD python app.py
