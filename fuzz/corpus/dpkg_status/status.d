Package: curl
Status: install ok installed
Architecture: amd64
Source: curl (7.88.1-10+deb12u5)
Version: 7.88.1-10+deb12u5
Depends: libc6 (>= 2.34), libcurl4 (= 7.88.1-10+deb12u5), zlib1g (>= 1:1.1.4)