#!/bin/sh
# Stands in for $EDITOR in the end-to-end test: rewrites the response, and
# notes the file it was given in $EDIT_LOG.
[ -z "${EDIT_LOG:-}" ] || printf '%s\n' "$1" >>"$EDIT_LOG"
sed -i 's/Refund issued: \$499/Refund pending review/' "$1"
