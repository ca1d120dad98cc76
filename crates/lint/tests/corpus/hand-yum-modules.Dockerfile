FROM registry.access.redhat.com/ubi8/ubi:8.10
ENV NODEJS_VERSION=18
RUN yum module enable -y nodejs:18 && \
    yum install -y nodejs-${NODEJS_VERSION} npm && \
    yum clean all
RUN yum install -y python3-3.6.8 httpd && yum clean all
RUN dnf module install -y php:8.0 && dnf clean all
RUN dnf group install -y "Development Tools" && dnf clean all
RUN microdnf install -y tar gzip && microdnf clean all
USER 1001
CMD ["node"]
