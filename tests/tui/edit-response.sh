#!/bin/sh
# Stands in for $EDITOR in the end-to-end test: rewrites the response.
sed -i 's/Refund issued: \$499/Refund pending review/' "$1"
