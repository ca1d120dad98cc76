#!/bin/sh
echo "hello from the secchain example image"
