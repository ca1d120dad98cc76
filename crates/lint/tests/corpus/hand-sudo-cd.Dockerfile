FROM ubuntu:22.04
RUN sudo apt-get update
RUN cd /opt; ls
RUN (cd /opt && make) && echo ok
RUN echo cd; echo sudo
RUN ps aux && top -b -n1 && free -m && kill -9 1 && mount && shutdown -h now && vim x && ssh host
RUN ln -s /bin/bash /bin/sh
USER ubuntu
