FROM registry.access.redhat.com/ubi8/ubi-minimal:8.10
RUN microdnf install findutils
WORKDIR /app
COPY --chown=10001:10001 bin/ /app/bin/
COPY a.txt b.txt /dest
RUN curl -fsSL https://get.example.com/install.sh | sh
CMD python app.py
